"""The console in a real browser: Playwright driving Debian's chromium (headless)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright import sync_api

from bot.desk.clock import utc_now
from bot.desk.records import format_ticket_ref
from tests.support.browser import CHROMIUM_ARGS, chromium
from tests.support.console import PASSWORD, Console, start_console

expect = sync_api.expect


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """A console of its own: the queue holds only what these tests file."""
    for console in start_console(tmp_path_factory.mktemp("browser")):
        console.add_agent("alice")
        console.add_agent("bob")
        yield console


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium()), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, site: Console):  # type: ignore[no-untyped-def]
    contexts = []

    def make():  # type: ignore[no-untyped-def]
        context = browser.new_context(viewport={"width": 1280, "height": 860}, base_url=site.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/queue")
    expect(page).to_have_url(re.compile(r"/login$"))
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/queue$"))


def test_agent_claims_a_new_urgent_ticket_and_lifts_the_suspension(
    new_page, site, screenshots: Path
) -> None:
    desk = site.desk
    desk.file_report("acct-7", "impersonation", {"impostor": "@fake_support"}, "b1")
    desk.file_report("acct-9", "missing_deposit", {"asset": "BTC", "tx_hash": "ab12cd"}, "b2")
    five_hours_ago = utc_now() - timedelta(hours=5)
    desk.file_report("acct-3", "missing_withdrawal", {"asset": "ETH"}, "b4", now=five_hours_ago)
    desk.suspend(
        "acct-hacked",
        48,
        "threats: said he would visit the office",
        "lena",
        category="threats",
        evidence={"message_ids": ["m2"], "text": ""},
    )
    filed = desk.file_report(
        "acct-hacked", "account_hacked", {"email": "kim@example.com", "2fa_lost": "yes"}, "b3"
    )
    ref = format_ticket_ref(filed.ticket.id)

    page = new_page()
    sign_in(page, "alice")
    first = page.locator("table.queue tbody tr").first
    expect(first).to_have_attribute("data-ref", ref)
    expect(first).to_have_class(re.compile(r"priority-urgent"))
    expect(first).to_contain_text("in 59m")
    expect(page.locator("tr", has_text="acct-3").locator(".badge.breached")).to_be_visible()
    page.screenshot(path=str(screenshots / "queue.png"), full_page=True)

    first.get_by_role("link", name=ref).click()
    expect(page.locator("h1")).to_contain_text(ref)
    expect(page.locator("#suspension")).to_contain_text("said he would visit the office")
    # The abusive message is there, but folded away until clicked.
    abusive = page.locator("details.abusive")
    expect(abusive.locator("p")).to_be_hidden()
    page.screenshot(path=str(screenshots / "ticket.png"), full_page=True)
    abusive.locator("summary").click()
    expect(abusive.locator("p")).to_have_text("you are all useless idiots")

    page.get_by_role("button", name="Claim").click()
    expect(page.locator(".flash.ok")).to_contain_text("You hold this ticket.")
    expect(page.locator("#assignee")).to_have_text("alice")

    # A hacked account has no suspension to uphold: it is resolved as what it is.
    expect(page.locator("form.decide")).to_have_count(0)
    page.get_by_label("Account secured and access restored").check()
    page.get_by_role("button", name="Resolve", exact=True).click()
    expect(page.locator(".flash.ok")).to_contain_text("The ticket is resolved")
    assert desk.active_suspension("acct-hacked") is not None

    # The user's appeal against the suspension is where uphold or lift is decided.
    appeal = format_ticket_ref(desk.file_report(
        "acct-hacked", "wrongful_suspension", {"appeal_reason": "misread"}, "b5").ticket.id)
    page.goto(f"/tickets/{appeal}")
    page.get_by_role("button", name="Claim").click()
    page.get_by_label("Lift the suspension").check()
    page.locator("form.decide textarea").fill("Account secured; the threat was a misread.")
    page.get_by_role("button", name="Decide").click()
    expect(page.locator(".flash.ok")).to_contain_text("Suspension lifted")
    expect(page.locator("#suspension")).to_have_text("Not suspended.")
    expect(page.locator("ol.history")).to_contain_text("alice resolved")
    assert desk.active_suspension("acct-hacked") is None
    assert desk.get_ticket(appeal).ticket.outcome == "lifted"


def test_a_second_agent_cannot_claim_a_held_ticket(new_page, site) -> None:
    filed = site.desk.file_report("acct-race", "wrongful_suspension", {}, "race")
    ref = format_ticket_ref(filed.ticket.id)
    alice, bob = new_page(), new_page()
    sign_in(alice, "alice")
    sign_in(bob, "bob")
    alice.goto(f"/tickets/{ref}")
    bob.goto(f"/tickets/{ref}")  # both see a Claim button
    alice.get_by_role("button", name="Claim").click()
    expect(alice.locator("#assignee")).to_have_text("alice")
    bob.get_by_role("button", name="Claim").click()
    expect(bob.locator(".flash.error")).to_contain_text("Another agent already holds this ticket")
    expect(bob.locator("#holder")).to_contain_text("Held by alice")
    expect(bob.get_by_role("button", name="Claim")).to_have_count(0)
    assert site.desk.get_ticket(ref).ticket.assignee == "alice"


def test_a_form_without_csrf_token_is_refused(new_page, site) -> None:
    filed = site.desk.file_report("acct-csrf", "impersonation", {}, "csrf")
    ref = format_ticket_ref(filed.ticket.id)
    page = new_page()
    sign_in(page, "bob")
    page.goto(f"/tickets/{ref}")
    # The page's own form, its token removed: the signed-in browser still gets a 403.
    page.evaluate("document.querySelectorAll('input[name=csrf_token]').forEach(e => e.remove())")
    with page.expect_response(re.compile(r"/claim$")) as answer:
        page.get_by_role("button", name="Claim").click()
    assert answer.value.status == 403
    expect(page.locator("body")).to_contain_text("CSRF")
    assert site.desk.get_ticket(ref).ticket.assignee is None


def test_pages_redirect_to_login_without_a_session(new_page, site) -> None:
    page = new_page()
    for path in ("/queue", "/suspensions", "/tickets/SB-00001"):
        page.goto(path)
        expect(page).to_have_url(re.compile(r"/login$"))
    response = page.request.get("/api/queue")
    assert response.status == 401


def test_pages_work_under_the_security_policy_and_cannot_be_framed(new_page, site) -> None:
    filed = site.desk.file_report("acct-csp", "missing_deposit", {"asset": "BTC"}, "csp")
    ref = format_ticket_ref(filed.ticket.id)
    page = new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Refused to" in msg.text else None,
    )
    page.on("pageerror", lambda error: violations.append(str(error)))
    sign_in(page, "bob")
    for path in ("/queue", f"/tickets/{ref}", "/suspensions", "/suspensions?user=acct-csp"):
        response = page.goto(path)
        assert response is not None and response.status == 200
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    # The stylesheet applies under the policy: the header bar is laid out, not raw text.
    assert page.locator("header.top").evaluate("e => getComputedStyle(e).display") != "inline"
    page.goto(f"/tickets/{ref}")
    page.get_by_role("button", name="Claim").click()
    expect(page.locator(".flash.ok")).to_contain_text("You hold this ticket.")
    assert violations == []

    # Another site framing the console gets an empty frame (clickjacking).
    framer = new_page()
    framer.set_content(f'<iframe id="c" src="{site.url}/login"></iframe>')  # waits for load
    (child,) = [f for f in framer.frames if f != framer.main_frame]
    assert "Sign in" not in child.content() and not child.url.startswith(site.url)
