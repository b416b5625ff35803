"""Language detection: clear messages decide, unclear ones keep the session's language."""

import pytest

from bot.language import detect_language


@pytest.mark.parametrize("text", [
    "hej", "mitt konto är hackat", "varför är jag avstängd", "jag vill prata med en människa",
    "insattningen har inte kommit fram", "tack så mycket", "nån har loggat in på mitt konto",
])
def test_swedish(text):
    assert detect_language(text) == "sv"


@pytest.mark.parametrize("text", [
    "hi", "my account was hacked", "why am I suspended", "I want to talk to a human",
    "my deposit has not arrived", "thanks a lot", "someone is pretending to be me",
])
def test_english(text):
    assert detect_language(text) == "en"


@pytest.mark.parametrize("text", ["ok", "BTC", "0x" + "a" * 64, "", "250", "👍"])
def test_no_signal_keeps_the_session_language(text):
    assert detect_language(text) is None
