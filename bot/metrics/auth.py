"""Who may read `/metrics` (Rasa's and the event consumer's): anyone, unless
$SUPPORTBOT_METRICS_TOKEN is set; then only requests with `Authorization: Bearer
<token>` (Prometheus: `authorization: {credentials_file: ...}` in the scrape config).
The counts carry no user data (SECURITY.md), but ticket volumes and queue ages are the
business's own."""

from __future__ import annotations

import hmac

from bot.settings import get_settings


def metrics_token() -> str:
    return get_settings().metrics.token


def may_scrape(authorization: str | None, token: str) -> bool:
    if not token:
        return True
    return hmac.compare_digest((authorization or "").encode(), f"Bearer {token}".encode())
