"""axe-core (npm, tests/support/package.json) run inside a Playwright page.

`npm ci --prefix tests/support` installs it (.ci/run and `make test` do). The script is
evaluated through the DevTools protocol, which a page's Content-Security-Policy does not
govern, so the page is checked with the policy it really has.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from tests.support.services import missing

AXE = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"
# What the pages must be free of: a screen-reader or keyboard user is blocked or misled.
BLOCKING = ("serious", "critical")


def axe_source() -> str:
    if not AXE.is_file():
        missing(f"{AXE} is absent (npm ci --prefix tests/support); the axe checks need it")
    return AXE.read_text(encoding="utf-8")


def violations(page: Any) -> list[dict[str, Any]]:
    """axe's violations of the page as it is now (WCAG 2.x A/AA and best practices)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    return page.evaluate("() => axe.run(document).then((result) => result.violations)")


def by_impact(found: list[dict[str, Any]]) -> dict[str, int]:
    """{"critical": n, "serious": n, ...}: the rules broken, counted by their impact."""
    counts = Counter(v.get("impact") or "none" for v in found)
    return {impact: counts.get(impact, 0) for impact in
            ("critical", "serious", "moderate", "minor")}


def describe(found: list[dict[str, Any]]) -> str:
    """One line per broken rule, for an assertion message."""
    return "\n".join(f"{v['impact']}: {v['id']} ({len(v['nodes'])} nodes): {v['help']}"
                     for v in found)
