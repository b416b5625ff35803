"""Texts normalised for comparison, and how alike two of them are."""

from __future__ import annotations

from bot.trainer.similarity import jaccard, normalise, trigrams


def test_normalise_ignores_case_spacing_punctuation_and_entity_markup() -> None:
    assert normalise("  Hello,   THERE! ") == "hello there"
    assert normalise("I don't know") == normalise("i dont know")
    assert normalise("[0.5](amount) [BTC](asset) gone") == normalise("0.5 BTC gone")
    assert normalise('[hey]{"entity": "greeting"} you') == "hey you"
    assert normalise("Min insättning är borta") == "min insättning är borta"
    assert normalise("?!") == ""


def test_trigram_jaccard() -> None:
    same = trigrams(normalise("my deposit is missing"))
    assert jaccard(same, same) == 1.0
    assert jaccard(frozenset(), frozenset()) == 1.0
    near = jaccard(same, trigrams(normalise("my deposit is mising")))
    assert 0.8 <= near < 1
    assert jaccard(same, trigrams(normalise("hello"))) < 0.1
