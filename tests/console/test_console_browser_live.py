"""The live queue in a real browser (Playwright, Debian's chromium): an urgent ticket filed
while the queue page is open appears without a reload, with a notification and a tone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright import sync_api

from tests.support.browser import CHROMIUM_ARGS, chromium
from tests.support.console import PASSWORD, Console, start_console
from tests.support.notifications import SPY

expect = sync_api.expect


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    env = {"SUPPORTBOT_CONSOLE_LIVE_POLL_SECONDS": "0.2"}
    for console in start_console(tmp_path_factory.mktemp("browser-live"), env=env):
        console.add_agent("tove")
        yield console


@pytest.fixture
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium()), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser: sync_api.Browser, site: Console, *, allowed: bool) -> sync_api.Page:
    context = browser.new_context(viewport={"width": 1280, "height": 860}, base_url=site.url)
    if allowed:
        context.grant_permissions(["notifications"], origin=site.url)
    context.add_init_script(SPY)
    context.set_default_timeout(10_000)
    return context.new_page()


@pytest.fixture
def page(browser: sync_api.Browser, site: Console) -> sync_api.Page:
    return new_page(browser, site, allowed=True)


def sign_in(page: sync_api.Page) -> None:
    page.goto("/login")
    page.get_by_label("Name").fill("tove")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/queue$"))
    expect(page.locator("#live-status")).to_have_text("Live")


def test_an_urgent_ticket_appears_and_notifies_without_a_reload(
    page: sync_api.Page, site: Console, screenshots: Path
) -> None:
    site.desk.file_report("acct-older", "impersonation", {}, "k-older")
    sign_in(page)
    expect(page.get_by_role("button", name="Alerts on")).to_be_disabled()  # granted
    page.locator("h1").click()  # a gesture: from now on the tone may play
    page.evaluate("window.__sameDocument = true")

    filed = site.desk.file_report("acct-urgent", "account_hacked", {}, "k-urgent")
    ref = filed.ticket.reference
    row = page.locator(f'tr[data-ref="{ref}"]')
    expect(row).to_have_class(re.compile("priority-urgent"))
    expect(page.locator("table.queue tbody tr").first).to_have_attribute("data-ref", ref)
    expect(page.locator("#live-news")).to_have_text(
        f"New urgent ticket {ref}: account hacked.")
    page.wait_for_function("window.__notifications.length > 0")
    [shown] = page.evaluate("window.__notifications")
    assert (shown["title"], shown["body"], shown["tag"]) == (
        f"Urgent ticket {ref}", "account hacked", ref)
    assert page.evaluate("window.__tones") == 2  # the two-note tone played
    assert page.evaluate("window.__sameDocument") is True  # no reload happened
    page.screenshot(path=str(screenshots / "queue_live.png"), full_page=True)

    site.desk.file_report("acct-normal", "wrongful_suspension", {}, "k-normal")
    expect(page.locator("table.queue tbody tr")).to_have_count(3)
    assert len(page.evaluate("window.__notifications")) == 1  # only urgent tickets notify


def test_the_page_asks_for_notifications_only_on_a_click(
    browser: sync_api.Browser, site: Console
) -> None:
    page = new_page(browser, site, allowed=False)
    sign_in(page)
    button = page.get_by_role("button", name="Turn on alerts")
    expect(button).to_be_enabled()
    assert page.evaluate("window.__permissionAsked") == 0  # not on load: browsers refuse
    button.click()
    assert page.evaluate("window.__permissionAsked") == 1
