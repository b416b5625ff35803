"""The chat page signed in by the exchange's token, in a real browser (Debian's chromium)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.channels.identity import issue_token
from tests.dialogue.conftest import chat_url
from tests.dialogue.test_chat_page import CHROMIUM, page  # noqa: F401 - the fixture

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is missing")


def test_an_expired_token_is_refused_in_words(stack, page):  # noqa: F811
    old = datetime.now(timezone.utc) - timedelta(hours=3)
    token = issue_token("acct-web-old", stack.env["SUPPORTBOT_IDENTITY_KEY"],
                        timedelta(hours=1), now=old)
    page.goto(f"http://localhost:{stack.rasa_port}/webhooks/chatpage/#token={token}")
    page.wait_for_selector("li.error >> text=sign-in has expired")
    assert page.is_disabled("#text")
    assert page.inner_text("#state") == "signed out"


def test_a_secret_typed_on_the_page_is_answered_with_a_warning(stack, page):  # noqa: F811
    page.goto(chat_url(stack, "acct-web-secret"))
    page.wait_for_selector(".state.on")
    page.fill("#text", "min återställningsfras är legal winner thank year wave sausage worth "
                       "useful legal winner thank yellow")
    page.click("#send button")
    page.wait_for_selector("li.bot >> text=ser ut som en återställningsfras")
    page.fill("#text", "/EXTERNAL_ticket_update")
    page.click("#send button")
    page.wait_for_selector("li.bot >> nth=1")
    assert "lifted" not in page.inner_text("#log")
