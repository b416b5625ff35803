"""A turn's replies held back until the turn is complete, then passed on at once.

Rasa sends replies as it produces them; a turn the delivery service aborts (action server
down, slow or failing: bot/channels/delivery.py) must send none, so its replies are
collected here and dropped, and a completed turn's are flushed to the user's channel.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage


class BufferedOutput(OutputChannel):
    """Collects what Rasa sends; `flush` passes it on once the turn is saved."""

    def __init__(self, channel_name: str) -> None:
        self._name = channel_name
        self.messages: list[tuple[str, dict[str, Any]]] = []

    def name(self) -> str:  # type: ignore[override] - channel-specific responses
        return self._name

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.messages.append((recipient_id, dict(message)))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        self.messages.append((recipient_id, {"text": text}))


def with_output(message: UserMessage, out: OutputChannel) -> UserMessage:
    """`message` as it came, its replies going to `out`."""
    return UserMessage(message.text, out, message.sender_id,
                       parse_data=message.parse_data, input_channel=message.input_channel,
                       message_id=message.message_id, metadata=message.metadata)


async def flush(buffer: BufferedOutput, target: OutputChannel) -> None:
    for recipient, payload in buffer.messages:
        await target.send_response(recipient, payload)
