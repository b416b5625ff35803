"""domain/macros.yml: every macro in both languages, with known placeholders only."""

import pytest

from bot import macros


def test_the_teams_file_loads_with_questions_and_reasons() -> None:
    loaded = macros.load()
    assert {"ask_which_wallet", "ask_which_email", "ask_tx_id", "ask_when"} <= set(loaded)
    assert macros.of_kind("reason")
    for macro in loaded.values():
        for language in ("en", "sv"):
            text = macro.render(language, {"ticket": "SB-00001", "asset": "BTC"})
            assert "{" not in text and text.strip()


def test_placeholders_are_filled_in_the_users_language() -> None:
    wallet = macros.get("ask_which_wallet", "ask")
    assert wallet is not None
    assert "SB-00042" in wallet.render("sv", {"ticket": "SB-00042", "asset": "ETH"})
    assert wallet.render("sv", {"ticket": "x"}) != wallet.render("en", {"ticket": "x"})


def test_a_bad_macro_is_refused_with_its_name() -> None:
    bad = {"responses": {"utter_macro_ask_x": [
        {"condition": [{"type": "slot", "name": "language", "value": "sv"}], "text": "{who}?"},
        {"text": "{who}?"}]}}
    with pytest.raises(macros.MacroError, match="utter_macro_ask_x.*who"):
        macros.parse(bad)
    with pytest.raises(macros.MacroError, match="Swedish"):
        macros.parse({"responses": {"utter_macro_ask_y": [{"text": "Hi"}]}})
    with pytest.raises(ValueError):
        macros.get("ask_which_wallet", "reason")
