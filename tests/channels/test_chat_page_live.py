"""The chat page over HTTP on the running stack: the page in the browser's language with
its policy, and GET history, the signed-in sender's own conversation and nobody else's."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from bot.channels.identity import issue_token
from tests.support.live import say, token_for


def history(stack, token: str | None, query: str = "", language: str = "en-US"
            ) -> tuple[int, dict]:
    headers = {"Accept-Language": language}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        f"http://localhost:{stack.rasa_port}/webhooks/chatpage/history{query}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.headers["Cache-Control"] == "no-store"
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_the_history_is_the_signed_in_senders_own(stack):
    said_a = "hej, mitt uttag har inte kommit fram"
    said_b = "my deposit from yesterday is missing, reference bee-4471"
    replies_a = say(stack, "acct-hist-a", said_a)
    say(stack, "acct-hist-b", said_b)

    status, mine = history(stack, token_for(stack, "acct-hist-a"))
    assert status == 200
    assert mine["language"] == "sv" and mine["texts"]["send"] == "Skicka"
    texts = [m["text"] for m in mine["messages"]]
    assert texts[0] == said_a and texts[1:1 + len(replies_a)] == replies_a
    assert [m["from"] for m in mine["messages"][:2]] == ["user", "bot"]
    assert not any("bee-4471" in text for text in texts)

    status, theirs = history(stack, token_for(stack, "acct-hist-b"))
    assert status == 200 and theirs["messages"][0]["text"] == said_b
    assert theirs["language"] == "en"
    assert not any(said_a in m["text"] for m in theirs["messages"])


def test_no_one_reads_another_senders_history(stack):
    say(stack, "acct-hist-c", "my withdrawal never arrived, code word kingfisher")
    token_a = token_for(stack, "acct-hist-a")
    # A's token naming C: refused, in the browser's language.
    status, refused = history(stack, token_a, "?user=acct-hist-c", language="sv-SE")
    assert status == 403 and refused["reason"] == "sender_mismatch"
    assert "kingfisher" not in json.dumps(refused)
    # Production: no token, no history, whatever ?user= says.
    status, refused = history(stack, None, "?user=acct-hist-c")
    assert status == 401 and refused["reason"] == "token_missing" and refused["message"]
    # A token for C signed with another key.
    forged = issue_token("acct-hist-c", "another-key-" + "z" * 32)
    status, refused = history(stack, forged)
    assert status == 401 and refused["reason"] == "token_invalid"
    assert "kingfisher" not in json.dumps(refused)


def test_a_sender_without_a_conversation_gets_the_browsers_language(stack):
    status, empty = history(stack, token_for(stack, "acct-hist-new"), language="sv-SE,en;q=0.5")
    assert status == 200
    assert empty == {"language": "sv", "texts": empty["texts"], "messages": []}
    assert empty["texts"]["online"] == "ansluten"


def test_the_page_in_the_browsers_language_framed_by_no_unlisted_site(stack):
    request = urllib.request.Request(f"http://localhost:{stack.rasa_port}/webhooks/chatpage/",
                                     headers={"Accept-Language": "sv-SE,sv;q=0.9"})
    with urllib.request.urlopen(request, timeout=30) as response:
        policy = response.headers["Content-Security-Policy"]
        page = response.read().decode()
    assert '<html lang="sv">' in page and "Skriv ett meddelande…" in page
    assert "frame-ancestors 'none'" in policy  # the test stack lists no site
    assert "script-src 'self'" in policy
