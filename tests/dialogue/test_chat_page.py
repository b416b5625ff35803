"""The user's chat page in a real browser (Debian's chromium driven by Playwright):
the suspension notice, a form with buttons, and an agent's decision pushed live.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.dialogue.conftest import chat_url, run_tool, supportbot

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)"
)
USER = "acct-web-77"


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        page = browser.new_page(viewport={"width": 800, "height": 900})
        page.set_default_timeout(30_000)
        yield page
        browser.close()


def test_chat_page_shows_notice_files_appeal_and_receives_decision_live(stack, page, screenshots):
    supportbot(stack, "suspend", USER, "--hours", "24", "--reason", "personal insults",
               "--agent", "lena")
    page.goto(chat_url(stack, USER))  # signed in by the exchange's token
    page.wait_for_selector(".state.on")
    assert page.inner_text("header .who") == USER
    assert "token" not in page.url  # dropped from the address bar

    page.fill("#text", "can I talk to a human please")
    page.click("#send button")
    page.wait_for_selector("li.bot >> text=suspended until")
    page.wait_for_selector("li.bot >> text=can't connect you with a person")

    page.click(".buttons >> text=Appeal the suspension")  # a button the bot offered
    page.wait_for_selector("li.bot >> text=Why do you think the suspension is a mistake")
    page.fill("#text", "someone else used my account that evening")
    page.click("#send button")
    page.wait_for_selector("li.bot >> text=Your ticket number is SB-")

    [ticket] = json.loads(supportbot(stack, "status", USER, "--json"))["tickets"]
    supportbot(stack, "queue", "resolve", ticket["reference"], "--outcome", "lifted",
               "--note", "credible", "--agent", "lena")
    # Pushed by the server: no reload, no message from the user.
    page.wait_for_selector("li.bot >> text=lifted your live-chat suspension")
    page.screenshot(path=str(screenshots / "chat.png"))


def test_agent_lifts_in_the_console_and_the_users_page_shows_it(stack, page):
    """Issue 4's whole loop: user appeals on the chat page, an agent decides in the
    console, the decision appears on the user's page without a reload."""
    user = "acct-web-88"
    supportbot(stack, "suspend", user, "--hours", "24", "--reason", "rudeness", "--agent", "lena")
    run_tool("supportbot", "--db", stack.db, "agent", "add", "maja", "--role", "lead",
             "--password-stdin", input_text="correct horse battery\n", env=stack.env)

    page.goto(chat_url(stack, user))
    page.wait_for_selector(".state.on")
    page.fill("#text", "I want to appeal my suspension, my brother wrote those messages")
    page.click("#send button")
    page.wait_for_selector("li.bot >> text=Why do you think the suspension is a mistake")
    page.fill("#text", "he used my laptop while I was away")
    page.click("#send button")
    page.wait_for_selector("li.bot >> text=Your ticket number is SB-")

    agent = page.context.browser.new_page()  # its own context: the agent's own cookies
    agent.goto(f"http://localhost:{stack.console_port}/login")
    agent.get_by_label("Name").fill("maja")
    agent.get_by_label("Password").fill("correct horse battery")
    agent.get_by_role("button", name="Sign in").click()
    [ticket] = json.loads(supportbot(stack, "status", user, "--json"))["tickets"]
    agent.goto(f"http://localhost:{stack.console_port}/tickets/{ticket['reference']}")
    agent.get_by_role("button", name="Claim").click()
    agent.get_by_label("Lift the suspension").check()
    agent.locator("form.decide textarea").fill("Brother's laptop; credible.")
    agent.get_by_role("button", name="Decide").click()

    page.wait_for_selector("li.bot >> text=lifted your live-chat suspension")
    status = json.loads(supportbot(stack, "status", user, "--json"))
    assert status["suspended"] is False


def test_chat_page_without_a_token_signs_no_one_in(stack, page):
    """Production: `?user=` names no one; without the site's token the page says why.
    (The development picker's checks: tests/channels/test_guard.py.)"""
    page.goto(f"http://localhost:{stack.rasa_port}/webhooks/chatpage/?user=acct-web-77")
    page.wait_for_selector("li.error >> text=open the chat from your account page")
    assert page.inner_text("header .who") == ""
    assert page.is_disabled("#text")
