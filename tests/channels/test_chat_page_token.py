"""The chat page signed in by the exchange's token, in a real browser (Debian's chromium)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.channels.identity import issue_token
from tests.support.live import chat_url


def test_an_expired_token_is_refused_in_words(stack, chat_page):
    old = datetime.now(timezone.utc) - timedelta(hours=3)
    token = issue_token("acct-web-old", stack.env["SUPPORTBOT_IDENTITY_KEY"],
                        timedelta(hours=1), now=old)
    chat_page.goto(f"http://localhost:{stack.rasa_port}/webhooks/chatpage/#token={token}")
    chat_page.wait_for_selector("li.error >> text=sign-in has expired")
    assert chat_page.is_disabled("#text")
    assert chat_page.inner_text("#state") == "signed out"


def test_a_secret_typed_on_the_page_is_answered_with_a_warning(stack, chat_page):
    chat_page.goto(chat_url(stack, "acct-web-secret"))
    chat_page.wait_for_selector(".state.on")
    chat_page.fill("#text", "min återställningsfras är legal winner thank year wave sausage worth "
                       "useful legal winner thank yellow")
    chat_page.click("#send button")
    chat_page.wait_for_selector("li.bot >> text=ser ut som en återställningsfras")
    chat_page.fill("#text", "/EXTERNAL_ticket_update")
    chat_page.click("#send button")
    chat_page.wait_for_selector("li.bot >> nth=1")
    assert "lifted" not in chat_page.inner_text("#log")
