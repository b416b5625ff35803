"""The console's own words: a complete Swedish catalogue, and whose language counts."""

from __future__ import annotations

from types import SimpleNamespace

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot.console import banners, resolutions
from bot.console.texts import LABELS, LIVE_TEXTS, LOCALE, language_of, live_texts, template_words
from tests.support.tools import ROOT

SWEDISH = LOCALE / "sv" / "LC_MESSAGES" / "console.po"


def source_ids() -> set[str]:
    """The texts the templates and modules mark, as pybabel extract finds them (the
    singular of a plural pair)."""
    with (LOCALE / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    ids: set[str] = set()
    for _, _, message, *_ in extract_from_dir(str(ROOT), method_map, options_map):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


def test_every_text_of_the_console_has_a_swedish_translation() -> None:
    with SWEDISH.open("rb") as po:
        catalog = read_po(po, locale="sv")
    translated = {m.id if isinstance(m.id, str) else m.id[0]: m.string
                  for m in catalog if m.id and not m.fuzzy}
    ids = source_ids()
    marked = (set(banners.OK.values()) | set(banners.ERROR.values()) | set(LABELS)
              | set(LIVE_TEXTS.values())
              | {r.label for rs in resolutions.RESOLUTIONS.values() for r in rs})
    assert marked <= ids, "a banner, label or resolution is not marked with N_"
    assert ids - set(translated) == set(), "run pybabel update (bot/console/texts.py)"
    assert all(translated.values()), "an empty Swedish text"


def test_swedish_words_and_whose_language() -> None:
    sv = template_words("sv")
    assert (sv["_"]("Claim next"), sv["lang"]) == ("Ta nästa", "sv")
    assert sv["ngettext"]("%(num)d ticket", "%(num)d tickets", 2) == "%(num)d ärenden"
    assert template_words("en")["_"]("Claim next") == "Claim next"
    assert language_of(SimpleNamespace(language="sv"), "en") == "sv"
    assert language_of(None, "sv-SE,sv;q=0.9") == "sv"  # before sign-in: the browser's
    assert language_of(None, "de") == "en"
    assert live_texts("sv")["new_urgent"] == "Nytt brådskande ärende {ref}: {label}."


def test_every_module_babel_reads_exists() -> None:
    """A moved or renamed module left in babel.cfg would drop its texts from the check
    above without a word."""
    with (LOCALE / "babel.cfg").open() as config:
        method_map, _ = parse_mapping_cfg(config)
    modules = [pattern for pattern, method in method_map if method == "python"]
    assert modules and [m for m in modules if not (ROOT / m).is_file()] == []
