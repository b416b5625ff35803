"""One page of the queue on an open session: filters, a search by ticket number or
account id, and a total, so even `status=all` reads at most a page of tickets."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from bot.desk.categories import check_category
from bot.desk.models import TICKET_STATUSES, Ticket
from bot.desk.records import TicketInfo, parse_ticket_ref
from bot.desk.tickets import QUEUE_ORDER, ticket_infos
from bot.desk.validation import one_of

MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class QueuePage:
    tickets: list[TicketInfo]
    total: int  # tickets matching, over all pages
    page: int  # 1-based
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def matching(
    status: str | None, category: str | None, assignee: str | None, search: str | None
) -> Select:
    """The queue's query. With a search and no status chosen, resolved tickets count
    too: an agent looking up SB-00042 wants it whatever became of it."""
    query = select(Ticket)
    search = (search or "").strip()
    if status is None and not search:
        query = query.where(Ticket.status != "resolved")
    elif status not in (None, "all"):
        one_of(status, TICKET_STATUSES, "status")
        query = query.where(Ticket.status == status)
    if category is not None:
        query = query.where(Ticket.category == check_category(category))
    if assignee is not None:
        query = query.where(Ticket.assignee == assignee)
    if search:
        # Ticket.user_id is an AccountId column: the bound value is canonicalised, so
        # "ACCT-7" finds "acct-7".
        wanted = [Ticket.user_id == search[:255]]
        try:
            number = parse_ticket_ref(search)
        except ValueError:
            number = None
        if number is not None and number < 2**31:  # beyond any INTEGER id
            wanted.append(Ticket.id == number)
        query = query.where(or_(*wanted))
    return query


def page_of(session: Session, query: Select, page: int, page_size: int) -> QueuePage:
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    last = max(1, -(-total // page_size))
    page = max(1, min(page, last))
    rows = session.execute(
        query.order_by(*QUEUE_ORDER).limit(page_size).offset((page - 1) * page_size)
    ).scalars()
    return QueuePage(tickets=ticket_infos(session, rows), total=total, page=page,
                     page_size=page_size)
