"""Where the checkout is: the directory holding bot/, its var/ and its README."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the directory containing bot/
VAR = ROOT / "var"
README = ROOT / "README.md"
