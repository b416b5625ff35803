"""The chat page as served: its language, the development picker, who may frame it, and
the history it restores."""

from __future__ import annotations

import asyncio
import logging

from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import tells
from bot.channels.chat_page import (
    ChatPage,
    frame_ancestors,
    history_of,
    page_for,
    page_headers,
)
from bot.project_domain import project_domain
from bot.settings import get_settings
from bot.tracker_store import TunedSQLTrackerStore

ORIGINS_ENV = "SUPPORTBOT_CHAT_ORIGINS"


def test_the_page_is_in_the_language_asked_for_with_its_texts_for_the_script():
    status, body = page_for("", False, "sv")
    assert status == 200
    assert '<html lang="sv">' in body
    assert 'placeholder="Skriv ett meddelande…"' in body
    assert '"signed_out": "utloggad"' in body  # the script's words, as JSON
    _, english = page_for("", False, "en")
    assert '<html lang="en">' in english and "Write a message…" in english


def test_development_picker_checks_the_account_id():
    status, picker = page_for("", True, "en")
    assert status == 200 and 'name="user"' in picker
    status, body = page_for("acct-42", True, "en")
    assert status == 200 and 'data-user="acct-42"' in body
    status, body = page_for("<script>", True, "sv")
    assert status == 400 and "Det är inte ett konto-id." in body and "<script>" not in body
    # Production: the page signs in with its token, whatever ?user= says.
    status, body = page_for("acct-42", False, "en")
    assert status == 200 and 'data-user=""' in body


def test_only_listed_sites_may_frame_the_page():
    assert frame_ancestors([]) == "'none'"
    assert frame_ancestors(["https://www.exchange.example", "http://localhost:8080"]) == (
        "http://localhost:8080 https://www.exchange.example")
    # A value that would add a directive of its own, or a wildcard, is left out.
    assert frame_ancestors(["https://a.example; script-src *", "*", "https://b.example"]) == (
        "https://b.example")
    policy = page_headers(["https://www.exchange.example"])["Content-Security-Policy"]
    assert "frame-ancestors https://www.exchange.example" in policy
    assert "script-src 'self'" in policy and "default-src 'none'" in policy


def test_the_list_is_the_chats_allowed_origins(monkeypatch):
    monkeypatch.delenv(ORIGINS_ENV, raising=False)
    page = ChatPage.from_credentials({"cors_allowed_origins": ["https://www.exchange.example/"]})
    assert page.headers["Content-Security-Policy"].endswith(
        "frame-ancestors https://www.exchange.example")
    assert ChatPage.from_credentials(None).headers["Content-Security-Policy"].endswith(
        "frame-ancestors 'none'")
    monkeypatch.setenv(ORIGINS_ENV, "https://a.example,https://b.example")
    get_settings.cache_clear()  # read once per process (tests/conftest.py clears it too)
    page = ChatPage.from_credentials({"cors_allowed_origins": ["https://c.example"]})
    assert page.headers["Content-Security-Policy"].endswith(
        "frame-ancestors https://a.example https://b.example")


def test_the_history_of_one_sender_from_a_real_tracker_store(tmp_path, caplog):
    domain = project_domain()
    store = TunedSQLTrackerStore(domain=domain, host=f"sqlite:///{tmp_path / 'tracker.db'}")
    for sender, said in [("acct-a", "hej, mitt uttag saknas"), ("acct-b", "my deposit is lost")]:
        tracker = DialogueStateTracker.from_events(
            sender, [UserUttered(said), BotUttered(f"answer to {sender}")], slots=domain.slots)
        asyncio.run(store.save(tracker))

    status, body = asyncio.run(history_of(store, "acct-a", "en"))
    assert status == 200 and body["language"] == "sv" and body["texts"]["send"] == "Skicka"
    assert body["messages"] == [
        {"from": "user", "text": "hej, mitt uttag saknas", "lang": "sv"},
        {"from": "bot", "text": "answer to acct-a", "lang": "sv"}]
    status, body = asyncio.run(history_of(store, "acct-new", "sv"))
    assert (status, body["language"], body["messages"]) == (200, "sv", [])

    with store.engine.begin() as db:  # the store fails as a lost database would
        db.exec_driver_sql("DROP TABLE events")
    with caplog.at_level(logging.ERROR):
        status, body = asyncio.run(history_of(store, "acct-a", "sv"))
    assert status == 503 and body["reason"] == "history_unavailable"
    assert body["message"].startswith("Dina tidigare meddelanden kunde inte hämtas")
    assert '"event": "history_unavailable"' in caplog.text and "acct-a" in caplog.text
    store.engine.dispose()


def test_a_decision_the_restored_page_shows_is_told(tmp_path, sqlite_desk):
    filed = sqlite_desk.file_report("acct-told", "wrongful_suspension", {"note": "x"}, "k1")
    ticket = filed.ticket
    sqlite_desk.resolve(ticket.id, "lifted", "credible", "lena")
    assert [t.id for t in sqlite_desk.untold_decisions("acct-told")] == [ticket.id]
    domain = project_domain()
    store = TunedSQLTrackerStore(domain=domain, host=f"sqlite:///{tmp_path / 'tracker.db'}")
    # Pushed while the page was closing: in the tracker, never shown.
    marker = {"tells": tells.decision(ticket.id)}
    pushed = [UserUttered("EXTERNAL: EXTERNAL_ticket_update"),
              BotUttered("We lifted your suspension.", metadata=marker)]
    asyncio.run(store.save(DialogueStateTracker.from_events("acct-told", pushed,
                                                            slots=domain.slots)))

    status, body = asyncio.run(history_of(store, "acct-told", "en", sqlite_desk))
    assert status == 200 and body["messages"][-1]["text"] == "We lifted your suspension."
    assert sqlite_desk.untold_decisions("acct-told") == []
    store.engine.dispose()
