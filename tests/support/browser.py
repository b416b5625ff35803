"""Debian's chromium driven by Playwright, headless, for the browser tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.services import missing

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium() -> Path:
    """The browser's path; a missing browser is a missing service (.ci/run installs it)."""
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} is absent (apt-get install -y chromium); browser tests need it")
    return CHROMIUM


@pytest.fixture
def chat_page() -> Iterator[object]:
    """One page of a fresh headless chromium, for the user's chat page."""
    from playwright.sync_api import sync_playwright

    executable = chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), headless=True,
                                             args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 800, "height": 900})
        page.set_default_timeout(30_000)
        yield page
        browser.close()
