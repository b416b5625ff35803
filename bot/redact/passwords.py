"""Passwords and PINs announced as such: "my password is X", "lösenordet är X",
"the password I use is X", "lösenordet jag använder för appen är X", "pin: X".

Sent alone right after "here is my password" / "här är mitt lösenord" (the previous
message, within the window), a one-word message, or one in quotes, is the password.
"""

from __future__ import annotations

import re

from bot.redact.context import PASSWORD, Context, Secret

_PASSWORD_WORD = (
    r"(?:password|passwd|passcode|passphrase|pwd|pw|pass|pin|pin[- ]?code|"
    r"lösenord(?:et)?|lösen|pinkod(?:en)?|pin-kod(?:en)?)"
)
# Between the word and "is": who uses it and where ("the password I use for the app is").
_WHO = (
    r"(?:\s+(?:that|which|som))?"
    r"(?:\s+(?:i|we|jag|vi)\s+(?:always\s+|usually\s+|alltid\s+|brukar\s+)?"
    r"(?:use|used|have|had|chose|set|picked|typed|entered|gave|använder|använde|har|hade|"
    r"valde|satte|skrev|angav|ha|använda))?"
    r"(?:\s+(?:for|to|on|in|at|till|för|på|i|hos)\s+(?:(?:my|the|this|your|min|mitt|mina|"
    r"den|det|er|ert)\s+)?[\w-]+)?"
)
_PASSWORD = re.compile(
    rf"(?i)\b{_PASSWORD_WORD}{_WHO}"
    r"(?:\s+(?:is|was|are|är|var|blev)(?:\s+(?:now|nu|still|fortfarande))?(?:\s*[:=]\s*|\s+)"
    r"|\s*[:=]\s*)"
    r"(?P<secret>\"[^\"\n]{1,80}\"|'[^'\n]{1,80}'|“[^”\n]{1,80}”|\S+)"
)
# Words after "my password is" that describe it rather than reveal it.
NOT_A_PASSWORD = frozenset(
    """not wrong incorrect invalid correct right changed reset compromised leaked stolen
    expired blocked locked gone lost weak strong too very the a an my your it that this
    same different new old working being also still now been never always definitely
    probably hacked known saved stored fine ok okay empty here there in on
    inte fel felaktigt ändrat bytt ändrad bytt återställt stulet stulen läckt spärrat
    låst borta samma nytt nya gammalt gamla för väldigt det den ett en mitt min också
    entered denied rejected accepted unlocked declined disabled refused forgotten required
    needed asked requested sent to for and or because when of but so if what who how why
    fortfarande nu aldrig alltid hackat känt sparat okej tomt här där spärrad spärrat
    nekad nekades glömt glömd godkänt avvisat avvisades till och eller för men så om vad
    som hur varför när no yes ja nej thanks tack sorry förlåt wait vänta hello hi hej
    help hjälp please snälla""".split()
)
_ANNOUNCE = re.compile(
    rf"(?i)\b(?:here(?:'s| is| it is| you go)|this is|i'?ll (?:send|give|type|write)|"
    rf"sending|här är|här kommer|jag skickar|jag skriver|det är)\b[^.!?\n]{{0,20}}\b"
    rf"{_PASSWORD_WORD}\b"
    rf"|\b{_PASSWORD_WORD}{_WHO}(?:\s+(?:is|was|är|var|blev)\s*[:=]?|\s*[:=])\s*$"
)
_ALONE = re.compile(r"\s*(?P<secret>\"[^\"\n]{1,80}\"|'[^'\n]{1,80}'|“[^”\n]{1,80}”|\S{3,80})\s*")


def find(text: str, context: Context) -> list[Secret]:
    found = []
    for m in _PASSWORD.finditer(text):
        if _describes(m.group("secret")):
            continue
        # The whole token goes, trailing punctuation included: it may be part of it.
        found.append(Secret(PASSWORD, m.start("secret"), m.end("secret")))
    if context.says(PASSWORD) and not found:
        alone = _ALONE.fullmatch(text)
        if alone and not _describes(alone.group("secret")):
            found.append(Secret(PASSWORD, alone.start("secret"), alone.end("secret")))
    return found


def _describes(secret: str) -> bool:
    bare = secret.strip("\"'“”.,!?;:()").lower()
    return not bare or bare in NOT_A_PASSWORD


def announces(text: str, found: list[Secret]) -> bool:
    """The message announces a password it has not given: the next one may be it."""
    return not found and _ANNOUNCE.search(text.strip()) is not None
