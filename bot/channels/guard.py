"""What every user message goes through before Rasa sees it: pure functions, no I/O.

    screen(text, sender, limits, payloads) -> Screened

The per-sender rate limit runs before this (bot.channels.sender_limits, in
bot.channels.intake), on the raw size of every message, even empty ones.
Order matters: control characters go before anything looks at the text; a message
over the size limit is refused whole rather than cut, since a cut message can change its
meaning and the user could not know what was dropped; intent payloads are neutralised
before redaction so "/x{"p": "<seed>"}" is redacted like any other text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from bot.language import detect_language, other_language
from bot.redact import FIRST_SIGHT, cut, kinds, scan
from bot.redact.window import SecretWindow
from bot.settings import LimitsSettings, get_settings

# Kept: tab and newline (people paste lists). Removed: other C0/C1 controls, bidi
# overrides and isolates (they disguise text), BOM/word joiner, unpaired surrogates.
_DROP = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u2060\ufeff"
    "\ud800-\udfff\ufffe\uffff]"
)
INTENT_PREFIX = "/"  # rasa.shared.constants.INTENT_MESSAGE_PREFIX


@dataclass(frozen=True)
class Limits:
    max_chars: int = LimitsSettings.max_message_chars
    rate_messages: int = LimitsSettings.rate_messages
    rate_seconds: float = LimitsSettings.rate_seconds

    @classmethod
    def from_settings(cls, settings: LimitsSettings | None = None) -> Limits:
        """As SUPPORTBOT_MAX_MESSAGE_CHARS and SUPPORTBOT_RATE_* say (bot.settings)."""
        settings = settings or get_settings().limits
        return cls(max_chars=settings.max_message_chars,
                   rate_messages=settings.rate_messages, rate_seconds=settings.rate_seconds)


def clean_text(text: str) -> str:
    """Without control and formatting characters; Windows/Mac line ends become \\n."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _DROP.sub("", text))


def button_payloads(responses: Mapping[str, Iterable[Mapping]]) -> frozenset[str]:
    """Every button payload in the domain's responses: the only "/..." texts let through."""
    return frozenset(
        str(button["payload"]).strip()
        for variants in responses.values()
        for variant in variants
        for button in variant.get("buttons") or ()
        if button.get("payload")
    )


def neutralise_payload(text: str, allowed: frozenset[str]) -> tuple[str, bool]:
    """(text Rasa may parse, whether a payload was defused).

    Rasa reads a message starting with "/" (after str.strip) as `/intent{"slot": ...}`.
    Only a payload the bot offered as a button passes as is; any other loses its leading
    slashes and reaches the NLU as the plain text it is.
    """
    stripped = text.strip()
    if not stripped.startswith(INTENT_PREFIX) or stripped in allowed:
        return text, False
    while stripped.startswith(INTENT_PREFIX):
        stripped = stripped[1:].strip()
    return stripped, True


# Why a message was answered by the channel instead of Rasa; each names a response in
# domain/safety.yml (utter_<refusal>).
EMPTY, TOO_LONG, RATE_LIMITED = "message_empty", "message_too_long", "rate_limited"
OTHER_LANGUAGE = "message_other_language"


@dataclass(frozen=True)
class Screened:
    text: str  # what Rasa may see: cleaned, defused, redacted
    refusal: str | None = None  # set: answer with utter_<refusal>, do not process
    redacted: tuple[str, ...] = ()  # kinds of secret removed, in order of appearance
    payload_defused: bool = False
    language: str | None = None  # detected from this message, if it says


def redact_text(
    text: str, sender: str | None = None, window: SecretWindow | None = None,
    expecting_tx_id: bool = False,
) -> tuple[str, tuple[str, ...]]:
    """(text with placeholders, the kinds found). With a window, this message is read with
    what the sender's last one left (a secret announced or begun: its second half is
    redacted too), and what this one leaves is kept for the next. `expecting_tx_id`: the
    bot asked for a transaction id, so a bare 64-hex answers it (else it is a key)."""
    context = window.context(sender) if window is not None and sender else FIRST_SIGHT
    found = scan(text, replace(context, bare_hex_is_key=True, expecting_tx_id=expecting_tx_id))
    if window is not None and sender:
        window.remember(sender, found.carry)
    return cut(text, found.secrets), kinds(found.secrets)


# An oversize message is not processed, but a secret in it was still sent: scan this much
# of it to warn the user (the scan is linear, the cap keeps a 1 MB paste cheap).
SCAN_OVERSIZE_CHARS = 20_000


def screen(
    text: str, sender: str, limits: Limits, payloads: frozenset[str], *,
    secrets: SecretWindow | None = None, expecting_tx_id: bool = False,
) -> Screened:
    text = clean_text(text)
    if len(text) > limits.max_chars:
        _, kinds = redact_text(text[:SCAN_OVERSIZE_CHARS])
        return Screened("", TOO_LONG, kinds, language=detect_language(text[:2000]))
    text, defused = neutralise_payload(text, payloads)
    if not text.strip():
        return Screened("", EMPTY, payload_defused=defused)
    text, kinds = redact_text(text, sender, secrets, expecting_tx_id)
    if other_language(text):
        # Not read by the NLU (trained on en + sv only, it would guess); the user is told
        # which languages work. A secret in it was still redacted and is still warned of.
        return Screened("", OTHER_LANGUAGE, kinds, defused)
    # The one reading of the message's language: the channel carries it in the message's
    # metadata (bot.language.LANGUAGE_KEY), the NLU, the replies and the actions use it.
    spoken = None if text.lstrip().startswith(INTENT_PREFIX) else detect_language(text)
    return Screened(text, None, kinds, defused, spoken)


# -- channel-level texts, from the domain's responses -------------------------------


def render(
    responses: Mapping[str, list[Mapping]], name: str, language: str, **values: object
) -> str | None:
    """The text of response `name` in `language` (its `language` slot variant, else the
    variant without condition), with {placeholders} filled; None if there is none."""
    variants = responses.get(name) or []
    chosen = next(
        (v for v in variants if _language_of(v) == language),
        next((v for v in variants if not v.get("condition")), None),
    )
    if chosen is None or not chosen.get("text"):
        return None
    text = str(chosen["text"])
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def _language_of(variant: Mapping) -> str | None:
    for condition in variant.get("condition") or ():
        if condition.get("type") == "slot" and condition.get("name") == "language":
            return condition.get("value")
    return None


SECRET_RESPONSES = {
    "seed phrase": "utter_secret_seed_phrase",
    "private key": "utter_secret_private_key",
    "code": "utter_secret_code",
    "password": "utter_secret_password",
    "card number": "utter_secret_card_number",
}
