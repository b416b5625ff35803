"""Alert posts to a chat webhook (Slack or Teams style): JSON with a `text` field."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass

from bot.alerts.message import AlertMessage
from bot.settings import AlertsSettings

TIMEOUT_S = 10.0


class WebhookRefused(OSError):
    """The receiver answered, but not with a 2xx."""


@dataclass(frozen=True)
class WebhookSender:
    url: str
    timeout: float = TIMEOUT_S

    channel = "webhook"

    @classmethod
    def from_settings(cls, settings: AlertsSettings) -> WebhookSender | None:
        return cls(settings.webhook_url) if settings.webhook_url else None

    def send(self, alert: AlertMessage) -> None:
        """POST the alert; raises OSError (urllib's errors, WebhookRefused) on failure."""
        request = urllib.request.Request(
            self.url, data=json.dumps(alert.to_webhook()).encode(), method="POST",
            headers={"Content-Type": "application/json", "User-Agent": "supportbot-alerts"},
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            if not 200 <= response.status < 300:
                raise WebhookRefused(f"webhook answered {response.status}")
