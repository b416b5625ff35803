"""The Desk's abuse evidence: flagged messages kept on the user, redacted, for agents to
see. Recording evidence is all that happens; abuse never escalates by itself."""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from bot.desk import evidence
from bot.desk.accounts import canonical_account_id
from bot.desk.clock import resolve_now
from bot.desk.evidence import AbuseEvidenceInfo
from bot.desk.models import SUSPENSION_CATEGORIES, AbuseEvidence
from bot.desk.transactions import Transactions
from bot.desk.validation import account, one_of


class AbuseService(Transactions):
    def record_abuse(
        self,
        user_id: str,
        text: str,
        category: str,
        score: float,
        *,
        signals: str = "",
        language: str | None = None,
        message_id: str | None = None,
        now: datetime | None = None,
    ) -> AbuseEvidenceInfo | None:
        """Keep a flagged message as evidence on the user, its text redacted of secrets.

        Returns None when `message_id` is already recorded (the hook may run twice for a
        message). Touches nothing else: abuse never escalates by itself.
        """
        user_id = account(user_id)
        one_of(category, SUSPENSION_CATEGORIES, "category")
        if isinstance(score, bool) or not isinstance(score, (int, float)):
            raise ValueError(f"score must be a number, got {score!r}")
        if not (math.isfinite(score) and 0 <= score <= 1):
            raise ValueError(f"score must be between 0 and 1, got {score}")
        row = AbuseEvidence(
            user_id=user_id,
            message_id=(message_id or None),
            category=category,
            score=float(score),
            text=evidence.evidence_text(text) or "(empty)",
            language=language,
            signals=(signals or "")[:255],
            created_at=resolve_now(now),
        )
        try:
            with self._write() as session:
                if message_id and evidence.find_by_message(session, message_id) is not None:
                    return None
                session.add(row)
                session.flush()
                return evidence.evidence_info(row)
        except IntegrityError:
            # A concurrent run stored this message first.
            if message_id is None:
                raise
            return None

    def abuse_evidence(self, user_id: str, limit: int = 100) -> list[AbuseEvidenceInfo]:
        """The user's flagged messages, newest first (at most `limit`)."""
        with self._read() as session:
            return evidence.of_user(session, canonical_account_id(user_id), limit)

    def abuse_count(self, user_id: str) -> int:
        with self._read() as session:
            return evidence.count_of_user(session, canonical_account_id(user_id))
