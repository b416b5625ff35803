"""Tell English from Swedish, so the bot answers in the language the user writes in.

A marker-word vote is enough for two languages this far apart, costs microseconds, and
needs no model download. Messages that give no clear signal ("ok", "BTC", a tx hash)
give None, so the `language` slot keeps its value for the session.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# Frequent words of one language that are not words of the other (so "i", "in", "men",
# "till", "ok" and "support" are left out: they are both).
SWEDISH = frozenset(
    """
    jag du ni vi han hon det den de mig dig oss min mitt mina din ditt er vår
    och att är var har hade inte som för med på av om så eller men också bara
    redan fortfarande nu igår idag imorgon någon något några ingen inget inga
    vad varför hur när vem vilken vilket kan ska skulle vill måste får fick
    hej hejsan hallå tja tjena tack tackar snälla ja nej jo okej visst
    konto kontot pengar insättning insättningen uttag uttaget hjälp hjälpa
    avstängd avstängning avstängningen chatten kundtjänst prata människa handläggare
    ärende ärendet kod lösenord hackad hackat kapat kapad saknas kommit fram
    skickade skickat stulit stulna loggat utgiven bedragare överklaga fel
    hejdå adjö varit blivit gjort sagt än då här där dag timmar vecka
    """.split()
)
ENGLISH = frozenset(
    """
    the is are was were be been my your our you i'm it's im it this that these those
    what why how when who which where can could should would will want need must
    please hello hi hey thanks thank yes yeah no nope sure bye goodbye
    account money deposit withdrawal withdraw help human person talk speak agent
    hacked stolen missing arrived sent pretending someone somebody nothing anything
    not don't dont didn't didnt have has had do does did with of for and on at from
    still already now yesterday today tomorrow just got get yet am me mine
    suspended suspension banned chat appeal wrong mistake ticket status news
    """.split()
)
SWEDISH_LETTERS = re.compile(r"[åäöÅÄÖ]")
WORD = re.compile(r"[\w']+", re.UNICODE)


# Frequent words of languages the bot does not speak, none of them also an English or
# Swedish word ("no", "de", "die", "con", "pour", "konto", "en", "on" are left out).
# Danish and Norwegian are missing on purpose: a Swedish answer serves their readers.
OTHER_LANGUAGES = {
    "de": frozenset("""ich nicht und ist mein meine meinen wo warum bitte mich mir wurde
        habe haben kein keine geld warte seit nur auch noch schon wie wer gehackt
        einzahlung auszahlung sprechen danke""".split()),
    "es": frozenset("""por qué puedo hablar nadie cuenta dinero dónde donde está estoy
        tengo pero para porque cómo como hola gracias nada nunca también hackeada mí""".split()),
    "fr": frozenset("""je ne pas mon ma mes est pourquoi comment bonjour merci argent
        compte où suis avec dans c'est j'ai parler quelqu'un piraté""".split()),
    "fi": frozenset("""minä minun ei ole tili tilini rahat rahani missä miksi kiitos voi
        haluan puhua""".split()),
}


def other_language(text: str) -> str | None:
    """The code of a language the bot does not speak, when the message is clearly in it:
    two or more of its marker words and more of them than English and Swedish ones."""
    words = [w.lower() for w in WORD.findall(text or "")]
    ours = sum(w in SWEDISH or w in ENGLISH for w in words)
    hits = {code: sum(w in markers for w in words) for code, markers in OTHER_LANGUAGES.items()}
    code, best = max(hits.items(), key=lambda item: item[1])
    return code if best >= 2 and best > ours else None


def detect_language(text: str) -> str | None:
    """Return "sv", "en", or None when the message gives no clear signal."""
    words = [w.lower() for w in WORD.findall(text or "")]
    sv = sum(w in SWEDISH for w in words) + (2 if SWEDISH_LETTERS.search(text or "") else 0)
    en = sum(w in ENGLISH for w in words)
    if sv > en:
        return "sv"
    if en > sv:
        return "en"
    return None


# The message metadata key where the chat channel records the language it detected in the
# message (bot.channels.intake), so nothing downstream detects it again.
LANGUAGE_KEY = "language"


def said_language(text: object, metadata: object = None) -> str | None:
    """The language `text` is clearly in, None when it gives no clear signal. A message
    from a supportbot channel carries the channel's finding in its metadata (None too:
    no clear signal) and is not read again; others (`rasa shell`, `rasa test`, Rasa's
    HTTP API) are read here. A button payload ("/intent") says nothing of language."""
    if isinstance(metadata, Mapping) and LANGUAGE_KEY in metadata:
        found = metadata[LANGUAGE_KEY]
        return found if found in ("en", "sv") else None
    if isinstance(text, str) and not text.lstrip().startswith("/"):
        return detect_language(text)
    return None


def message_language(text: object, current: str | None, metadata: object = None) -> str:
    """The language to answer `text` in: its own when clear (`said_language`), else the
    conversation's (`current`, the `language` slot), else English."""
    return said_language(text, metadata) or (current if current in ("en", "sv") else "en")
