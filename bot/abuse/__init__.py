"""Abuse detection: which of the live-chat policy's categories a message falls in.

    from bot.abuse import detect
    result = detect(text, language)      # AbuseResult(category, score, signals)
    if result.abusive: ...

A maintained library's shipped model (alt-profanity-check, English) plus our own word
lists and patterns (lexicon.yml: Swedish and English insults, slurs, swearing, threats).
Everything loads once, on first use.
"""

from bot.abuse.detector import ABUSIVE_THRESHOLD, CATEGORY_ORDER, AbuseResult, detect

__all__ = ["ABUSIVE_THRESHOLD", "CATEGORY_ORDER", "AbuseResult", "detect"]
