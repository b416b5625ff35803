"""Push an agent's decision into the user's conversation through Rasa's HTTP API.

Best effort by design: if Rasa cannot be reached the user still hears the decision at
their next message (actions/updates.py), so a failure here is logged, never raised.
"""

from __future__ import annotations

import json
import logging
import urllib.parse
import urllib.request

from bot.local_secrets import rasa_token
from bot.logs import log_event
from bot.settings import get_settings

logger = logging.getLogger(__name__)

EXTERNAL_INTENT = "EXTERNAL_ticket_update"


def rasa_url() -> str:
    return get_settings().rasa.url.rstrip("/")


def push_ticket_update(user_id: str, base_url: str | None = None, timeout: float = 5.0) -> bool:
    """Ask Rasa to tell `user_id` about decided tickets now; True if Rasa accepted."""
    url = (
        f"{base_url or rasa_url()}/conversations/{urllib.parse.quote(user_id, safe='')}"
        f"/trigger_intent?output_channel=latest&token={urllib.parse.quote(rasa_token())}"
    )
    request = urllib.request.Request(
        url, data=json.dumps({"name": EXTERNAL_INTENT}).encode(), method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            ok = response.status == 200
    except OSError as error:  # URLError, HTTPError, timeouts
        # str(error) would carry the URL, and with it the token.
        log_event(logger, "push_failed", logging.WARNING, user=user_id,
                  error=type(error).__name__, status=getattr(error, "code", None))
        return False
    log_event(logger, "push_sent", user=user_id, ok=ok)
    return ok
