"""The user's chat page in a real browser (Debian's chromium driven by Playwright):
the suspension notice, a form with buttons, and an agent's decision pushed live.
"""

from __future__ import annotations

import json

from tests.support.live import chat_url, supportbot, tickets
from tests.support.tools import run_tool

USER = "acct-web-77"


def test_chat_page_shows_notice_files_appeal_and_receives_decision_live(
    stack, chat_page, screenshots
):
    supportbot(stack, "suspend", USER, "--hours", "24", "--reason", "personal insults",
               "--agent", "lena")
    chat_page.goto(chat_url(stack, USER))  # signed in by the exchange's token
    chat_page.wait_for_selector(".state.on")
    assert chat_page.inner_text("header .who") == USER
    assert "token" not in chat_page.url  # dropped from the address bar

    chat_page.fill("#text", "can I talk to a human please")
    chat_page.click("#send button")
    chat_page.wait_for_selector("li.bot >> text=suspended until")
    chat_page.wait_for_selector("li.bot >> text=can't connect you with a person")

    chat_page.click(".buttons >> text=Appeal the suspension")  # a button the bot offered
    chat_page.wait_for_selector("li.bot >> text=Why do you think the suspension is a mistake")
    chat_page.fill("#text", "someone else used my account that evening")
    chat_page.click("#send button")
    chat_page.wait_for_selector("li.bot >> text=Your ticket number is SB-")

    [ticket] = tickets(stack, USER)
    supportbot(stack, "queue", "resolve", ticket["reference"], "--outcome", "lifted",
               "--note", "credible", "--agent", "lena")
    # Pushed by the server: no reload, no message from the user.
    chat_page.wait_for_selector("li.bot >> text=lifted your live-chat suspension")
    chat_page.screenshot(path=str(screenshots / "chat.png"))


def test_agent_lifts_in_the_console_and_the_users_page_shows_it(stack, chat_page):
    """Issue 4's whole loop: user appeals on the chat page, an agent decides in the
    console, the decision appears on the user's chat_page without a reload."""
    user = "acct-web-88"
    supportbot(stack, "suspend", user, "--hours", "24", "--reason", "rudeness", "--agent", "lena")
    run_tool("supportbot", "--db", stack.db, "agent", "add", "maja", "--role", "lead",
             "--password-stdin", input_text="correct horse battery\n", env=stack.env)

    chat_page.goto(chat_url(stack, user))
    chat_page.wait_for_selector(".state.on")
    chat_page.fill("#text", "I want to appeal my suspension, my brother wrote those messages")
    chat_page.click("#send button")
    chat_page.wait_for_selector("li.bot >> text=Why do you think the suspension is a mistake")
    chat_page.fill("#text", "he used my laptop while I was away")
    chat_page.click("#send button")
    chat_page.wait_for_selector("li.bot >> text=Your ticket number is SB-")

    agent = chat_page.context.browser.new_page()  # its own context: the agent's own cookies
    agent.goto(f"http://localhost:{stack.console_port}/login")
    agent.get_by_label("Name").fill("maja")
    agent.get_by_label("Password").fill("correct horse battery")
    agent.get_by_role("button", name="Sign in").click()
    [ticket] = tickets(stack, user)
    agent.goto(f"http://localhost:{stack.console_port}/tickets/{ticket['reference']}")
    agent.get_by_role("button", name="Claim").click()
    agent.get_by_label("Lift the suspension").check()
    agent.locator("form.decide textarea").fill("Brother's laptop; credible.")
    agent.get_by_role("button", name="Decide").click()

    chat_page.wait_for_selector("li.bot >> text=lifted your live-chat suspension")
    status = json.loads(supportbot(stack, "status", user, "--json"))
    assert status["suspended"] is False


def test_chat_page_without_a_token_signs_no_one_in(stack, chat_page):
    """Production: `?user=` names no one; without the site's token the chat_page says why.
    (The development picker's checks: tests/channels/test_guard.py.)"""
    chat_page.goto(f"http://localhost:{stack.rasa_port}/webhooks/chatpage/?user=acct-web-77")
    chat_page.wait_for_selector("li.error >> text=open the chat from your account page")
    assert chat_page.inner_text("header .who") == ""
    assert chat_page.is_disabled("#text")
