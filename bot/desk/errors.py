"""Errors the desk raises for expected situations (callers show them to people).

Invalid arguments raise plain ValueError.
"""

from __future__ import annotations

from datetime import datetime


class DeskError(Exception):
    """Base class: the message is meant for a human (agent, CLI user)."""


class TicketNotFound(DeskError, LookupError):
    def __init__(self, ticket_id: int) -> None:
        self.ticket_id = ticket_id
        super().__init__(f"ticket {format_ref(ticket_id)} not found")


class AlreadyClaimed(DeskError):
    def __init__(self, ticket_id: int, assignee: str) -> None:
        self.ticket_id = ticket_id
        self.assignee = assignee
        super().__init__(f"ticket {format_ref(ticket_id)} is already claimed by {assignee}")


class TicketResolved(DeskError):
    def __init__(self, ticket_id: int) -> None:
        self.ticket_id = ticket_id
        super().__init__(f"ticket {format_ref(ticket_id)} is already resolved")


class NotHolder(DeskError):
    """Only the agent holding a ticket may release it or change its status."""

    def __init__(self, ticket_id: int, assignee: str | None) -> None:
        self.ticket_id = ticket_id
        self.assignee = assignee
        holder = f"held by {assignee}" if assignee else "not claimed"
        super().__init__(f"ticket {format_ref(ticket_id)} is {holder}")


class AgentExists(DeskError):
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"agent {name} already exists")


class HandoffRefused(DeskError):
    """A suspended user may not be handed to a human (policy §7)."""

    def __init__(self, user_id: str) -> None:
        self.user_id = user_id
        super().__init__(
            f"user {user_id} is suspended from live chat; a human handoff is not allowed"
        )


class SuspendedUserHandoff(HandoffRefused):
    """A request to talk to staff from a user suspended from live chat is not worked on:
    claiming it would hand a suspended user to a human (policy §7)."""

    def __init__(self, ticket_id: int, user_id: str, until: datetime) -> None:
        self.ticket_id = ticket_id
        self.user_id = user_id
        self.until = until
        DeskError.__init__(
            self,
            f"ticket {format_ref(ticket_id)} is a request to talk to staff from {user_id}, "
            f"who is suspended from live chat until {until:%Y-%m-%d %H:%M} UTC; "
            "it cannot be claimed"
        )


def format_ref(ticket_id: int) -> str:
    return f"SB-{ticket_id:05d}"


class AgentNotFound(DeskError, LookupError):
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"no agent {name}")


class AgentUnavailable(DeskError):
    """A ticket cannot go to an agent who is disabled."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"agent {name} is disabled")
