"""The Desk's review inbox: storing the messages the bot was unsure of, listing them for
trainers, and closing them once labelled or dismissed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import Select

from bot.desk import reviews
from bot.desk.clock import resolve_now
from bot.desk.models import REVIEW_STATUSES, ReviewItem
from bot.desk.reviews import ReviewInfo
from bot.desk.transactions import Transactions


class ReviewService(Transactions):
    def record_review(
        self,
        text: str,
        predicted_intent: str | None,
        confidence: float | None,
        language: str,
        sender_id: str,
        *,
        reason: str = "low_confidence",
        message_id: str | None = None,
        now: datetime | None = None,
    ) -> ReviewInfo | None:
        """Store a message for review, redacted first. None when `message_id` is already
        stored (the same message is recorded once) or nothing is left of the text."""
        stored = reviews.review_text(text or "")
        if not stored:
            return None
        if confidence is not None:
            confidence = float(confidence)
        row = ReviewItem(
            text=stored,
            predicted_intent=predicted_intent,
            confidence=confidence,
            reason=reason,
            language=language,
            sender_id=sender_id,
            message_id=message_id or None,
            status="open",
            created_at=resolve_now(now),
        )
        try:
            with self._write() as session:
                session.add(row)
                session.flush()
                return reviews.review_info(row)
        except IntegrityError:
            if message_id is None:
                raise
            with self._read() as session:
                existing = reviews.find_by_message(session, message_id)
            if existing is None:
                raise
            return None

    def review_items(
        self, status: str | None = "open", *, limit: int | None = None, offset: int = 0
    ) -> list[ReviewInfo]:
        """Items with `status` (None or "all": every item), oldest first; `limit` and
        `offset` take one page of them."""
        query = _with_status(
            select(ReviewItem).order_by(ReviewItem.created_at, ReviewItem.id), status
        )
        query = query.offset(offset).limit(limit)
        with self._read() as session:
            return [reviews.review_info(row) for row in session.scalars(query)]

    def count_reviews(self, status: str | None = "open") -> int:
        with self._read() as session:
            query = _with_status(select(func.count()).select_from(ReviewItem), status)
            return session.scalar(query) or 0

    def review_item(self, item_id: int) -> ReviewInfo:
        """One item; ReviewItemNotFound when there is none."""
        with self._read() as session:
            return reviews.review_info(reviews.load_item(session, item_id))

    def dismiss_review(
        self, item_id: int, trainer: str | None = None, now: datetime | None = None
    ) -> ReviewInfo:
        """Close an item without adding it to the data (noise, not worth an example)."""
        with self._write() as session:
            return reviews.close(
                session, item_id, status="dismissed", trainer=trainer, intent=None,
                at=resolve_now(now),
            )

    def mark_review_assigned(
        self,
        item_id: int,
        intent: str,
        trainer: str | None = None,
        now: datetime | None = None,
    ) -> ReviewInfo:
        """Close an item whose text is now an example of `intent` in the training data."""
        with self._write() as session:
            return reviews.close(
                session, item_id, status="assigned", trainer=trainer, intent=intent,
                at=resolve_now(now),
            )


def _with_status(query: Select, status: str | None) -> Select:
    if status in (None, "all"):
        return query
    if status not in REVIEW_STATUSES:
        raise ValueError(f"unknown status {status!r} (one of {', '.join(REVIEW_STATUSES)})")
    return query.where(ReviewItem.status == status)
