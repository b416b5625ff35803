"""Masking abuse for the intent classifier: every spelling of an insult becomes the same
placeholder; the words of the case stay as they were written."""

import pytest

from bot.abuse.mask import PLACEHOLDER, mask


@pytest.mark.parametrize(
    "text, language",
    [
        ("you f*cking idi0ts", "en"),
        ("FUUUCK YOU MORONS", "en"),
        ("sh!t, a$$holes", "en"),
        ("j@vla idioter", "sv"),
        ("era jävla pajasar", "sv"),
        ("håll käften", "sv"),
    ],
)
def test_every_spelling_of_abuse_is_one_placeholder(text: str, language: str) -> None:
    masked = mask(text, language)
    assert PLACEHOLDER in masked
    words = [w.strip(",.!?") for w in masked.split()]
    assert not [w for w in words if w and w != PLACEHOLDER and w not in {"you", "era"}], masked


@pytest.mark.parametrize(
    "text, kept",
    [
        # words that also describe a case: impersonation, theft
        ("a scammer pretending to be your support dm-ed me, you idiots", "scammer"),
        ("ni är jävla bedragare, någon utger sig för att vara er på telegram", "bedragare"),
        ("the thief emptied my account, useless morons", "thief"),
    ],
)
def test_words_that_name_a_case_stay(text: str, kept: str) -> None:
    masked = mask(text)
    assert kept in masked and PLACEHOLDER in masked


def test_the_case_survives_intact() -> None:
    assert mask("you pathetic morons, my account is compromised", "en") == (
        f"you pathetic {PLACEHOLDER}, my account is compromised"
    )
    assert mask("ni är så jävla inkompetenta, min insättning har försvunnit", "sv") == (
        f"ni är så {PLACEHOLDER} inkompetenta, min insättning har försvunnit"
    )


def test_a_threat_phrase_becomes_placeholders_word_for_word() -> None:
    assert mask("I will find you if my BTC doesn't arrive", "en").startswith(
        " ".join([PLACEHOLDER] * 4) + " if my btc"
    )


def test_false_friends_count_only_in_their_own_language() -> None:
    # "slut" is "end" in Swedish: "pengarna tog slut" (the money ran out) is no insult.
    assert mask("pengarna tog slut", "sv") == "pengarna tog slut"
    assert PLACEHOLDER in mask("you slut", "en")


def test_clean_text_is_only_normalised() -> None:
    assert mask("My Withdrawal Of 0.5 BTC Is Missing") == "my withdrawal of 0.5 btc is missing"
    assert mask("") == ""
