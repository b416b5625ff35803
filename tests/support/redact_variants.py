"""Hypothesis strategies for the ways users send secrets (separators, Unicode spaces,
position, en/sv, split over two messages), and the search for them afterwards.

A variant is the messages one sender sends in a row and the needles that must not be
found anywhere afterwards (regular expressions over stored text).
"""

from __future__ import annotations

import re
import sqlite3
import string
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from bot.redact import bip39_words, luhn_ok


@dataclass(frozen=True)
class Variant:
    kind: str
    messages: tuple[str, ...]
    needles: tuple[str, ...]  # regexes over stored text, normalised by `normalise`
    digits: tuple[str, ...] = ()  # digit strings searched among a cell's digits only


WORDS = sorted(bip39_words())
SPACES = [" ", "\u00a0", "\u202f", "\u2009", "\u2007", "\u3000"]
SEED_SEPARATORS = [*SPACES, ".", "-", "_", ",", ", ", "\n", " . ", "/", "|"]
BEFORE = {"en": ["", "please help, ", "hi. my account was hacked and ", "urgent!! "],
          "sv": ["", "hjälp mig, ", "hej. mitt konto är hackat och ", "snälla "]}
AFTER = {"en": ["", " please help", ". what do I do now?", " thanks"],
         "sv": ["", " hjälp", ". vad gör jag nu?", " tack"]}
languages = st.sampled_from(["en", "sv"])


def normalise(text: str) -> str:
    """Lower case, letters and digits only: a secret is found whatever joins its parts."""
    return re.sub(r"[\W_]+", "", text.lower())


@st.composite
def seed_phrases(draw) -> Variant:
    n = draw(st.sampled_from([12, 15, 18, 24]))
    words = draw(st.lists(st.sampled_from(WORDS), min_size=n, max_size=n, unique=True))
    sep = draw(st.sampled_from(SEED_SEPARATORS))
    if draw(st.booleans()):
        words = [w.upper() if draw(st.booleans()) else w.title() for w in words]
    lang = draw(languages)
    lead = draw(st.sampled_from(["", {"en": "my seed phrase is ", "sv": "min seedfras är "}[lang],
                                 {"en": "recovery words: ", "sv": "återställningsfras: "}[lang]]))
    if draw(st.booleans()):  # split: the first part alone (or announced), the rest next
        k = draw(st.integers(6, n - 6))
        messages = (lead + sep.join(words[:k]), sep.join(words[k:]) + draw(
            st.sampled_from(AFTER[lang])))
    else:
        messages = (draw(st.sampled_from(BEFORE[lang])) + lead + sep.join(words)
                    + draw(st.sampled_from(AFTER[lang])),)
    # Any 4 words of the phrase in a row, whatever joins them.
    needles = tuple("".join(words[i:i + 4]).lower() for i in range(0, n - 3))
    return Variant("seed", messages, needles)


# Each half varied: a needle such as 32 zeros is found in any database by chance.
hex64 = st.text("0123456789abcdef", min_size=64, max_size=64).filter(
    lambda h: len(set(h[:32])) > 6 and len(set(h[32:])) > 6)


@st.composite
def private_keys(draw) -> Variant:
    key = draw(hex64)
    if draw(st.booleans()):
        key = key.upper()
    lang = draw(languages)
    form = draw(st.sampled_from(["bare", "0x", "groups", "far", "split", "announced split"]))
    if form == "groups":
        size = draw(st.sampled_from([2, 4, 8, 16, 32]))
        sep = draw(st.sampled_from([*SPACES, "-", ":", "\n", " - "]))
        messages = (sep.join(key[i:i + size] for i in range(0, 64, size)),)
    elif form == "far":
        lead = {"en": "here is the private key I exported from the wallet app last week, "
                      "please tell me if it is still safe to use it: ",
                "sv": "här är den privata nyckeln jag exporterade från appen förra veckan, "
                      "säg om den fortfarande är säker att använda: "}[lang]
        messages = (lead + key,)
    elif form in ("split", "announced split"):
        lead = {"en": "my private key is ", "sv": "min privata nyckel är "}[lang]
        messages = ((lead if form == "announced split" else "") + key[:32], key[32:])
    else:
        messages = (draw(st.sampled_from(BEFORE[lang])) + ("0x" if form == "0x" else "") + key
                    + draw(st.sampled_from(AFTER[lang])),)
    needles = (key.lower(), key[32:].lower())
    if form != "split":  # unannounced, the first half (128 bits) alone is stored
        needles += (key[:32].lower(),)
    return Variant("key", messages, needles)


@st.composite
def codes(draw) -> Variant:
    code = draw(st.text(string.digits, min_size=6, max_size=6).filter(lambda c: c[0] != "0"))
    lang = draw(languages)
    spaced = draw(st.sampled_from(SPACES))
    shown = draw(st.sampled_from([code, code[:3] + spaced + code[3:]]))
    phrase = draw(st.sampled_from({
        "en": ["the numbers my phone just got are {}", "my authenticator app shows {}",
               "the digits are {}", "{} is what my phone got", "the sms code is {}"],
        "sv": ["siffrorna jag fick på telefonen är {}", "appen visar {}", "koden är {}",
               "sms-koden var {}"]}[lang]))
    if draw(st.booleans()):
        announce = {"en": "I'll give you the code", "sv": "här är koden"}[lang]
        messages = (announce, shown)
    else:
        messages = (draw(st.sampled_from(BEFORE[lang])) + phrase.format(shown),)
    return Variant("code", messages, (), (code,))


passwords_text = st.text(string.ascii_letters + string.digits + "!#%&*", min_size=10,
                         max_size=20).filter(lambda p: re.search(r"\d", p)
                                             and re.search(r"[A-Za-z]", p))


@st.composite
def passwords(draw) -> Variant:
    password = draw(passwords_text)
    lang = draw(languages)
    if draw(st.booleans()):
        announce = draw(st.sampled_from({"en": ["here is my password", "my password is:"],
                                         "sv": ["här är mitt lösenord", "lösenord:"]}[lang]))
        messages = (announce, password)
    else:
        phrase = draw(st.sampled_from({
            "en": ["the password I use is {}", "my password for the app is {}",
                   "the password I always use is {}"],
            "sv": ["lösenordet jag använder är {}", "lösenordet till kontot är {}",
                   "mitt lösenord är {}"]}[lang]))
        messages = (draw(st.sampled_from(BEFORE[lang])) + phrase.format(password)
                    + draw(st.sampled_from(AFTER[lang])),)
    return Variant("password", messages, (normalise(password),))


def luhn_complete(body: str) -> str:
    return next(body + d for d in string.digits if luhn_ok(body + d))


card_digits = st.builds(lambda first, rest: luhn_complete(first + rest),
                        st.sampled_from("3456"), st.text(string.digits, min_size=14,
                                                         max_size=14))


@st.composite
def cards(draw) -> Variant:
    digits = draw(card_digits)
    sep = draw(st.sampled_from([*SPACES, ".", "-", "", "\u200b"]))
    shown = sep.join(digits[i:i + 4] for i in range(0, 16, 4))
    lang = draw(languages)
    month, year = draw(st.integers(1, 12)), draw(st.integers(25, 35))
    cvv = draw(st.text(string.digits, min_size=3, max_size=3))
    expiry = f"{month:02d}/{year}"
    form = draw(st.sampled_from(["plain", "details", "labelled", "split", "announced split",
                                 "details next"]))
    word = {"en": "my card ", "sv": "mitt kort "}[lang]
    if form == "plain":
        messages = (draw(st.sampled_from(BEFORE[lang])) + word + shown
                    + draw(st.sampled_from(AFTER[lang])),)
    elif form == "details":
        messages = (f"{shown} {expiry} {cvv}",)
    elif form == "labelled":
        messages = (f"{word}{shown}, exp {expiry}, cvv {cvv}",)
    elif form == "details next":
        messages = (word + shown, f"{expiry} {cvv}")
    else:
        first = sep.join(digits[i:i + 4] for i in range(0, 8, 4))
        second = sep.join(digits[i:i + 4] for i in range(8, 16, 4))
        messages = ((word if form == "announced split" else "") + first, second)
    needles: tuple[str, ...] = ()
    if form in ("details", "labelled", "details next"):
        needles = (normalise(f"{expiry} {cvv}"), normalise(f"cvv {cvv}"),
                   normalise(f"exp {expiry}"))
    return Variant("card", messages, needles, (digits, digits[8:]))


variants = st.one_of(seed_phrases(), private_keys(), codes(), passwords(), cards())


# -- the search ---------------------------------------------------------------------------


def stored_texts(folder: Path) -> dict[str, list[str]]:
    """Every text under `folder`: each cell of each table of each SQLite database, the raw
    bytes of their -wal and -journal files, and every other file (logs)."""
    found: dict[str, list[str]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".db":
            with sqlite3.connect(path) as db:
                tables = [r[0] for r in db.execute(
                    "select name from sqlite_master where type='table'")]
                for table in tables:
                    cells = [str(v) for row in db.execute(f'select * from "{table}"')
                             for v in row if v is not None]
                    found[f"{path.name}:{table}"] = cells
        else:
            found[path.name] = [path.read_bytes().decode("utf-8", "replace")]
    return found


def joined_digits(text: str) -> str:
    """`text` with whatever stands between two digits removed (spaces of any kind, dots,
    dashes, zero-width characters): "4111\u00a01111.1111" -> "411111111111"."""
    return re.sub(r"(?<=\d)[\W_]{1,3}(?=\d)", "", text)


def leaks(variant: Variant, stored: dict[str, list[str]]) -> list[str]:
    """Where any needle of `variant` is found."""
    where = []
    for place, cells in stored.items():
        for cell in cells:
            flat, digits = normalise(cell), joined_digits(cell)
            if any(n in flat for n in variant.needles) or any(
                    re.search(rf"(?<![\w.:]){d}(?!\w)" if len(d) < 8 else d, digits)
                    for d in variant.digits):
                where.append(place)
    return where
