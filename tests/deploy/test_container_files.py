"""deploy/container's compose file and example.env name only variables the bot declares:
an unknown SUPPORTBOT_* is ignored without a word, so a renamed setting would quietly
leave a container on its default (e.g. counting chat limits per instance)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import declared

CONTAINER = Path(__file__).resolve().parents[2] / "deploy" / "container"
VARIABLE = re.compile(r"\bSUPPORTBOT_[A-Z0-9_]+\b")


@pytest.mark.parametrize("name", ["compose.yml", "example.env"])
def test_container_files_set_only_declared_variables(name: str) -> None:
    known = {item.metadata["env"] for _, item in declared()}
    named = set(VARIABLE.findall((CONTAINER / name).read_text()))
    assert named, f"{name} names no SUPPORTBOT_ variable: wrong file?"
    assert named - known == set()


def test_compose_shares_limits_across_instances() -> None:
    """Two Rasa instances behind nginx: limits and languages in Redis, one budget."""
    assert re.search(r"SUPPORTBOT_SHARED_STATE:\s*redis\b", (CONTAINER / "compose.yml").read_text())
