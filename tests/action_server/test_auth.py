"""The action server's secret check: only the exact header passes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.action_server.auth import TokenCheck, WeakToken, authorization_header

TOKEN = "s3cret-" + "k" * 40


def test_the_right_header_passes() -> None:
    assert TokenCheck(TOKEN).allows(f"Bearer {TOKEN}")


@pytest.mark.parametrize("header", [
    None, "", "Bearer", "Bearer ", TOKEN,  # missing, empty, scheme only, no scheme
    f"bearer {TOKEN}", f"Basic {TOKEN}", f"Bearer  {TOKEN}", f"Bearer {TOKEN} ",
    f"Bearer {TOKEN[:-1]}", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}K",  # same length
    f"Bearer {TOKEN.upper()}", f"Bearer {'x' * len(TOKEN)}",
])
def test_anything_else_is_refused(header: str | None) -> None:
    assert not TokenCheck(TOKEN).allows(header)


@given(st.text())
def test_no_other_header_passes(header: str) -> None:
    assert TokenCheck(TOKEN).allows(header) == (header == authorization_header(TOKEN))


def test_a_short_secret_is_refused_at_start() -> None:
    with pytest.raises(WeakToken):
        TokenCheck("short")
