"""The body limits' settings (the limits at work: tests/channels/test_size_limits.py)."""

from __future__ import annotations

from bot.channels.body_limits import BodyLimits, content_length
from bot.settings import Settings


def test_defaults_leave_room_for_any_message_the_bot_could_read():
    limits = BodyLimits.from_settings(Settings().limits)
    assert limits == BodyLimits(64 * 1024, 32 * 1024)
    # 2,000 characters, each escaped as a JSON surrogate pair (12 bytes), plus envelope.
    assert limits.message_bytes > 2000 * 12 + 200
    assert limits.body_bytes < 1024 * 1024  # "well under 1 MB"


def test_settings_from_the_environment_keep_a_message_inside_a_body():
    env = {"SUPPORTBOT_MAX_BODY_BYTES": "20000", "SUPPORTBOT_MAX_MESSAGE_BYTES": "30000"}
    assert BodyLimits.from_settings(Settings.from_env(env).limits) == BodyLimits(30000, 30000)
    bigger = Settings.from_env({"SUPPORTBOT_MAX_BODY_BYTES": "131072"}).limits
    assert BodyLimits.from_settings(bigger) == BodyLimits(131072, 32 * 1024)


def test_content_length():
    assert content_length({"content-length": "123"}) == 123
    assert content_length({"content-length": "-1"}) is None
    assert content_length({"content-length": "12, 12"}) is None
    assert content_length({}) is None
