"""Language detection: clear messages decide, unclear ones keep the session's language."""

import pytest

from bot.language import (
    LANGUAGE_KEY,
    detect_language,
    message_language,
    other_language,
    said_language,
)


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


@pytest.mark.parametrize("text,code", [
    ("Wo ist mein Geld? Ich warte seit Tagen", "de"),
    ("¿Por qué no puedo hablar con nadie?", "es"),
    ("Pourquoi je ne peux pas parler à quelqu'un", "fr"),
    ("Missä rahani ovat? Haluan puhua ihmiselle", "fi"),
])
def test_other_languages_are_recognised(text: str, code: str) -> None:
    assert other_language(text) == code


@pytest.mark.parametrize("text", [
    "where is my deposit", "var är min insättning", "hola", "danke", "no",
    "I sent 0.5 BTC to the wrong address, para what?", "min kod funkar inte",
    "ich", "0x" + "ab" * 32, "",
])
def test_english_swedish_and_single_foreign_words_are_not_refused(text: str) -> None:
    assert other_language(text) is None


def test_a_channels_reading_in_the_metadata_is_taken_as_it_is():
    # The channel found Swedish: not read again, whatever the text looks like.
    assert said_language("hello there", {LANGUAGE_KEY: "sv"}) == "sv"
    # The channel found no clear signal: the conversation's language stays.
    assert said_language("hej hej", {LANGUAGE_KEY: None}) is None
    assert message_language("hej hej", "en", {LANGUAGE_KEY: None}) == "en"
    # Not from a supportbot channel (rasa shell, rasa test): read here.
    assert said_language("hej hej", {}) == "sv"
    assert message_language("/greet", "sv", None) == "sv"  # a button says nothing
    assert said_language("hello", {LANGUAGE_KEY: "fr"}) is None  # only what the bot speaks
