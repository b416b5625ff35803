"""Intent groups the evaluation reports on (names are the domain's contract)."""

from __future__ import annotations

# A missed one of these is the worst failure: the user's case never reaches the queue.
URGENT_INTENTS: frozenset[str] = frozenset(
    {
        "report_account_hacked",
        "report_missing_withdrawal",
        "report_missing_deposit",
        "report_impersonation",
        "appeal_suspension",
    }
)
# Money lost without saying how: the bot asks which of the money cases it is.
FUNDS_GONE = "report_funds_gone"
MONEY_CASES: tuple[str, ...] = (
    "report_account_hacked",
    "report_missing_withdrawal",
    "report_missing_deposit",
)
# Predicting one of these files or asks for a ticket: an agent's time is spent.
ESCALATING_INTENTS: frozenset[str] = URGENT_INTENTS | {"request_human"}
FALLBACK_INTENT = "nlu_fallback"
# Out-of-scope text handled well ends in one of these: the bot offers its main options.
SAFE_OOS_INTENTS: frozenset[str] = frozenset({FALLBACK_INTENT, "out_of_scope"})
RETRIEVAL_SEPARATOR = "/"


def base_intent(label: str) -> str:
    """`faq/why_suspended` -> `faq`; other labels unchanged."""
    return label.split(RETRIEVAL_SEPARATOR, 1)[0]
