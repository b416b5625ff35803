"""Push an agent's decision or question to the user's open chat page.

Rasa shows it only on a page that is open (bot/channels/push.py) and marks it told only
then; otherwise (a REST user, a page closed) the bot tells it at the user's next message
(actions/updates.py). So a failure here is logged, never raised: nothing is lost.
"""

from __future__ import annotations

import json
import logging
import urllib.request

from bot.local_secrets import rasa_token
from bot.logs import log_event
from bot.settings import get_settings

logger = logging.getLogger(__name__)

PUSH_PATH = "/webhooks/socketio/push"


def rasa_url() -> str:
    return get_settings().rasa.url.rstrip("/")


def push_ticket_update(user_id: str, base_url: str | None = None, timeout: float = 5.0) -> bool:
    """Show `user_id` what waits for them now; True only if an open page showed it."""
    request = urllib.request.Request(
        f"{base_url or rasa_url()}{PUSH_PATH}",
        data=json.dumps({"sender": user_id}).encode(), method="POST",
        headers={"Content-Type": "application/json",
                 "Authorization": f"Bearer {rasa_token()}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            result = json.load(response)
    except (OSError, ValueError) as error:  # URLError, HTTPError, timeouts, bad JSON
        log_event(logger, "push_failed", logging.WARNING, user=user_id,
                  error=type(error).__name__, status=getattr(error, "code", None))
        return False
    delivered = isinstance(result, dict) and result.get("delivered") is True
    log_event(logger, "push_sent", user=user_id, delivered=delivered,
              reason=result.get("reason") if isinstance(result, dict) else None)
    return delivered
