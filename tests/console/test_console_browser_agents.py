"""The console in a real browser (Playwright + Debian's chromium): axe-core on every
page, a lead reassigning a ticket, claim-next and the Swedish switch."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright import sync_api

from bot.desk.records import format_ticket_ref
from tests.support.axe import BLOCKING, by_impact, describe, violations
from tests.support.browser import CHROMIUM_ARGS, chromium
from tests.support.console import PASSWORD, Console, start_console

expect = sync_api.expect


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    for console in start_console(tmp_path_factory.mktemp("browser-agents")):
        console.add_agent("ann")
        console.add_agent("bo")
        console.add_agent("lena", role="lead")
        yield console


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium()), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: sync_api.Browser, site: Console) -> Iterator[sync_api.Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 860}, base_url=site.url)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def sign_in(page: sync_api.Page, name: str) -> None:
    page.goto("/login")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/queue$"))


def blocking(page: sync_api.Page) -> list[dict]:
    found = violations(page)
    print(page.url, by_impact(found))  # the figures docs/console.md records
    return [v for v in found if v.get("impact") in BLOCKING]


def test_no_serious_or_critical_axe_violation_on_any_console_page(
    page: sync_api.Page, site: Console
) -> None:
    held = site.desk.file_report("acct-axe", "account_hacked", {"asset": "BTC"}, "axe-1")
    site.desk.claim(held.ticket.id, "ann")
    site.desk.file_report("acct-axe-2", "missing_deposit", {"asset": "ETH"}, "axe-2")
    site.desk.suspend("acct-axe-3", 24, "threats", "lena", category="threats")
    page.goto("/login")
    assert not (found := blocking(page)), describe(found)
    sign_in(page, "lena")
    ref = format_ticket_ref(held.ticket.id)
    for path in ("/queue", "/queue?status=all", f"/tickets/{ref}", "/suspensions", "/agents",
                 "/password"):
        page.goto(path)
        expect(page.locator("main h1")).to_have_count(1)
        assert not (found := blocking(page)), f"{path}:\n{describe(found)}"
    page.get_by_role("button", name="Svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    for path in ("/queue", f"/tickets/{ref}", "/agents"):
        page.goto(path)
        assert not (found := blocking(page)), f"{path} (sv):\n{describe(found)}"
    page.get_by_role("button", name="English").click()


def test_a_lead_reassigns_a_ticket(page: sync_api.Page, site: Console) -> None:
    filed = site.desk.file_report("acct-move", "missing_withdrawal", {"asset": "ETH"}, "mv-1")
    ref = format_ticket_ref(filed.ticket.id)
    site.desk.claim(ref, "ann")
    sign_in(page, "lena")
    page.goto(f"/tickets/{ref}")
    expect(page.locator("#assignee")).to_have_text("ann")
    page.get_by_label("Reassign to").select_option("bo")
    page.get_by_role("button", name="Reassign", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("The ticket is reassigned.")
    expect(page.locator("#assignee")).to_have_text("bo")
    expect(page.locator(".history li").last).to_contain_text("reassigned")
    expect(page.locator(".history li").last).to_contain_text("from: ann")
    assert site.desk.get_ticket(ref).ticket.assignee == "bo"


def test_an_agent_claims_next_and_sees_no_lead_controls(
    page: sync_api.Page, site: Console
) -> None:
    filed = site.desk.file_report("acct-urgent-next", "account_hacked", {}, "next-1")
    sign_in(page, "bo")
    expect(page.get_by_role("link", name="Agents")).to_have_count(0)
    page.get_by_role("button", name="Claim next").click()
    expect(page).to_have_url(re.compile(rf"/tickets/{format_ticket_ref(filed.ticket.id)}"))
    expect(page.get_by_role("status")).to_have_text("You hold this ticket.")
    expect(page.get_by_label("Reassign to")).to_have_count(0)
    page.goto("/agents")
    expect(page.locator("main")).to_contain_text("Only a lead can do this.")
