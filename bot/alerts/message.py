"""What an alert says: a subject line and a short text, for e-mail and chat alike.

Only what an agent needs to decide to look: the ticket number, its category and priority,
the time left, and a link. Nothing the user wrote, and no account id: alerts leave the
desk through mail servers and chat services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.desk.alerts import NEAR_TARGET, URGENT_FILED
from bot.desk.clock import span
from bot.desk.records import TicketInfo


@dataclass(frozen=True)
class AlertMessage:
    event: str
    reference: str
    subject: str
    text: str
    url: str

    def to_webhook(self) -> dict[str, str]:
        """Slack's and Teams' incoming webhooks both show `text`; the rest is for
        receivers that route on fields."""
        return {"text": f"{self.subject}\n{self.url}", "event": self.event,
                "ticket": self.reference, "url": self.url}


def compose(event: str, ticket: TicketInfo, console_url: str, now: datetime) -> AlertMessage:
    category = ticket.category.replace("_", " ")
    left = ticket.response_due_at - now
    due = f"due in {span(left)}" if left.total_seconds() > 0 else f"overdue by {span(left)}"
    if event == URGENT_FILED:
        subject = f"Urgent ticket {ticket.reference}: {category}, {due}"
    elif event == NEAR_TARGET:
        subject = f"Unclaimed ticket {ticket.reference} ({ticket.priority}): {category}, {due}"
    else:
        raise ValueError(f"unknown alert event {event!r}")
    url = f"{console_url.rstrip('/')}/tickets/{ticket.reference}"
    text = (
        f"{subject}.\n\n"
        f"Ticket:   {ticket.reference}\n"
        f"Category: {category}\n"
        f"Priority: {ticket.priority}\n"
        f"Status:   {ticket.status}\n"
        f"Filed:    {ticket.created_at:%Y-%m-%d %H:%M} UTC\n"
        f"Target:   {ticket.response_due_at:%Y-%m-%d %H:%M} UTC\n\n"
        f"Claim it in the console: {url}\n"
    )
    return AlertMessage(event=event, reference=ticket.reference, subject=subject, text=text,
                        url=url)
