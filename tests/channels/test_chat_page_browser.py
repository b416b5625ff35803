"""The chat page in a real browser (Debian's chromium, Playwright): its words and its
history in the user's language after a reload, and axe-core's accessibility check."""

from __future__ import annotations

import json

from tests.support.axe import BLOCKING, by_impact, describe, violations
from tests.support.live import chat_url, supportbot


def assert_accessible(page, what: str) -> dict[str, int]:
    found = violations(page)
    blocking = [v for v in found if v.get("impact") in BLOCKING]
    assert blocking == [], f"{what}:\n{describe(blocking)}"
    return by_impact(found)


def test_a_swedish_page_after_reload_shows_its_history(stack, chat_page, screenshots):
    user = "acct-web-sv"
    chat_page.goto(chat_url(stack, user))  # the browser asks for English (en-US)
    chat_page.wait_for_selector(".state.on")
    assert chat_page.get_attribute("html", "lang") == "en"
    chat_page.fill("#text", "hej, mitt uttag har inte kommit fram")
    chat_page.click("#send button")
    chat_page.wait_for_selector("li.bot >> nth=0")
    chat_page.wait_for_load_state("networkidle")
    said = chat_page.locator("#log li .text").all_inner_texts()

    chat_page.reload()  # signed in still: the tab kept its token
    chat_page.wait_for_selector(".state.on")
    assert chat_page.get_attribute("html", "lang") == "sv"
    assert chat_page.inner_text("#state") == "ansluten"
    assert chat_page.get_attribute("#text", "placeholder") == "Skriv ett meddelande…"
    assert chat_page.inner_text("#send button") == "Skicka"
    assert chat_page.title() == "Supportchatt"
    restored = chat_page.locator("#log li")
    assert restored.locator(".text").all_inner_texts() == said
    assert said[0] == "hej, mitt uttag har inte kommit fram"
    assert [restored.nth(i).get_attribute("lang") for i in range(restored.count())] == (
        ["sv"] * len(said))
    assert chat_page.locator("#log li.user .speaker").first.inner_text() == "Du:"
    assert chat_page.get_attribute("#log", "aria-live") == "polite"
    print(json.dumps({"restored_sv": assert_accessible(chat_page, "the restored Swedish page")}))
    chat_page.screenshot(path=str(screenshots / "chat_sv.png"))


def test_the_browsers_language_until_the_bot_knows_the_users(stack, chat_page):
    context = chat_page.context.browser.new_context(locale="sv-SE")
    page = context.new_page()
    try:
        page.goto(chat_url(stack, "acct-web-new-sv"))  # no conversation yet
        page.wait_for_selector(".state.on")
        assert page.get_attribute("html", "lang") == "sv"
        assert page.inner_text("h1") == "Supportchatt"
        assert page.locator("#log li").count() == 0
    finally:
        context.close()


def test_no_serious_accessibility_violations(stack, chat_page):
    user = "acct-web-axe"
    supportbot(stack, "suspend", user, "--hours", "24", "--reason", "rudeness",
               "--agent", "lena")
    chat_page.goto(chat_url(stack, user))
    chat_page.wait_for_selector(".state.on")
    chat_page.fill("#text", "can I talk to a human please")
    chat_page.click("#send button")
    chat_page.wait_for_selector(".buttons button")
    conversation = assert_accessible(chat_page, "a conversation with buttons")

    context = chat_page.context.browser.new_context()  # a tab that holds no token
    page = context.new_page()
    try:
        page.goto(f"http://localhost:{stack.rasa_port}/webhooks/chatpage/")
        page.wait_for_selector("li.error")
        assert page.inner_text("#state") == "signed out"
        signed_out = assert_accessible(page, "signed out")
    finally:
        context.close()
    print(json.dumps({"conversation": conversation, "signed_out": signed_out}))
