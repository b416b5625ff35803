"""The console over HTTP, against a real `supportbot console` process."""

from __future__ import annotations

import pytest

from bot.desk.records import format_ticket_ref
from tests.support.console import Client, Console, RasaStub, signed_in, ticket


@pytest.fixture(scope="module", autouse=True)
def agents(console: Console) -> None:
    console.add_agent("alice")
    console.add_agent("bob")
    console.add_agent("lena", role="lead")


@pytest.mark.parametrize(
    "path", ["/", "/queue", "/tickets/SB-00001", "/suspensions", "/queue?status=all"]
)
def test_pages_redirect_to_login_without_a_session(console: Console, path: str) -> None:
    reply = Client(console.url).get(path)
    assert reply.status == 302 and reply.location == "/login"


def test_api_answers_401_without_a_session(console: Console) -> None:
    reply = Client(console.url).get("/api/queue")
    assert reply.status == 401 and "sign in" in reply.body
    assert signed_in(console).get("/api/queue").status == 200


def test_sign_in_sets_a_signed_httponly_samesite_cookie(console: Console) -> None:
    client = Client(console.url)
    client.csrf("/login")
    token = client.csrf("/login")
    reply = client.post("/login", {"csrf_token": token, "name": "alice", "password": "nope"})
    assert reply.status == 401 and "Wrong name or password" in reply.body
    reply = client.post("/login", {"csrf_token": token, "name": "nobody", "password": "nope"})
    assert reply.status == 401
    reply = client.login("alice")
    assert reply.status == 302
    (cookie,) = reply.set_cookie
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert client.get("/queue").status == 200
    # The token rotates at sign-in: the anonymous one no longer works.
    assert client.post("/logout", {"csrf_token": token}).status == 403


def test_a_forged_or_tampered_cookie_is_no_session(console: Console) -> None:
    client = signed_in(console)
    (cookie,) = [c for c in client.jar if c.name == "sb_console"]
    payload, mac = cookie.value.split(".")
    cookie.value = payload + "." + mac[:-2] + ("AA" if not mac.endswith("AA") else "BB")
    assert client.get("/queue").status == 302


def test_forms_without_or_with_a_wrong_csrf_token_are_refused(console: Console) -> None:
    ref = ticket(console, "acct-csrf")
    client = signed_in(console)
    for data in ({}, {"csrf_token": "wrong"}, {"csrf_token": ""}):
        reply = client.post(f"/tickets/{ref}/claim", data)
        assert reply.status == 403 and "CSRF" in reply.body
    # Another agent's valid token is not this session's token.
    other = signed_in(console, "bob").csrf()
    assert client.post(f"/tickets/{ref}/claim", {"csrf_token": other}).status == 403
    assert console.desk.get_ticket(ref).ticket.assignee is None
    assert client.submit(f"/tickets/{ref}/claim", {}).status == 302
    assert console.desk.get_ticket(ref).ticket.assignee == "alice"


def test_sign_out_ends_the_session(console: Console) -> None:
    client = signed_in(console)
    reply = client.submit("/logout", {})
    assert reply.status == 302 and reply.location == "/login"
    assert "Max-Age=0" in reply.set_cookie[0]
    assert client.get("/queue").status == 302


def test_queue_is_sorted_and_filtered(console: Console) -> None:
    normal = ticket(console, "acct-q1", "impersonation")
    urgent = ticket(console, "acct-q2", "account_hacked")
    high = ticket(console, "acct-q3", "missing_deposit")
    client = signed_in(console, "bob")
    body = client.get("/queue").body
    assert body.index(urgent) < body.index(high) < body.index(normal)
    assert 'class="ticket priority-urgent' in body and "in 59m" in body
    client.submit(f"/tickets/{high}/claim", {})
    only_high = client.get("/queue?category=missing_deposit").body
    assert high in only_high and urgent not in only_high
    mine = client.get("/queue?assignee=bob").body
    assert high in mine and normal not in mine
    claimed = client.get("/queue?status=claimed").body
    assert high in claimed and urgent not in claimed
    api = client.get("/api/queue?category=account_hacked")
    assert urgent in api.body and normal not in api.body


def test_overdue_tickets_get_a_breached_badge(console: Console) -> None:
    from datetime import timedelta

    from bot.desk.clock import utc_now

    old = console.desk.file_report(
        "acct-late", "account_hacked", {}, "k-late", now=utc_now() - timedelta(hours=3)
    )
    body = signed_in(console).get("/queue").body
    row = body[body.index(format_ticket_ref(old.ticket.id)) :].split("</tr>")[0]
    assert "badge breached" in row and "overdue 2h" in row


def test_ticket_view_shows_fields_suspension_transcript_history(console: Console) -> None:
    console.desk.suspend("acct-hacked", 48, "threats: wrote he would come by", "lena")
    first = ticket(console, "acct-hacked", "impersonation")
    console.desk.resolve(first, "resolved", "done", "lena")
    ref = ticket(console, "acct-hacked", "account_hacked", email="x@example.com")
    body = signed_in(console).get(f"/tickets/{ref}").body
    assert "x@example.com" in body
    assert "threats: wrote he would come by" in body and "lena" in body
    assert first in body  # earlier ticket
    assert "hi there" in body and "You are suspended from live chat" in body
    assert body.index("hi there") < body.index("my account was hacked")
    # The insult is in the page only inside a closed <details>.
    insult = body.index("you are all useless idiots")
    details = body.rindex("<details", 0, insult)
    assert 'class="abusive"' in body[details:insult] and "</details>" not in body[details:insult]
    assert "created" in body  # history


def test_claim_release_note_status_and_a_second_agent(console: Console) -> None:
    ref = ticket(console, "acct-flow")
    alice, bob = signed_in(console, "alice"), signed_in(console, "bob")
    page = f"/tickets/{ref}"
    assert alice.submit(f"{page}/claim", {}, page).status == 302
    # Bob sees who holds it, and claiming anyway is refused with the holder's name.
    assert "Held by <b>alice</b>" in bob.get(page).body
    reply = bob.post(f"{page}/claim", {"csrf_token": bob.csrf()})
    assert reply.status == 302 and reply.location == f"{page}?error=already_claimed"
    assert "Another agent already holds this ticket" in bob.get(reply.location).body
    assert bob.submit(f"{page}/release", {}).location.startswith(page + "?error=")
    alice.submit(f"{page}/note", {"note": "called the user <b>twice</b>"})
    alice.submit(f"{page}/status", {"status": "pending_user"})
    assert console.desk.get_ticket(ref).ticket.status == "pending_user"
    alice.submit(f"{page}/status", {"status": "open"})
    assert console.desk.get_ticket(ref).ticket.status == "claimed"
    alice.submit(f"{page}/release", {})
    assert console.desk.get_ticket(ref).ticket.assignee is None
    bob.submit(f"{page}/claim", {})
    bob.submit(f"{page}/status", {"status": "resolved", "note": "sorted"})
    detail = console.desk.get_ticket(ref)
    assert detail.ticket.status == "resolved" and detail.ticket.outcome == "resolved"
    kinds = [e.kind for e in detail.events]
    assert kinds == [
        "created",
        "claimed",
        "note",
        "status_changed",
        "status_changed",
        "released",
        "claimed",
        "resolved",
    ]
    body = alice.get(page).body
    assert "called the user &lt;b&gt;twice&lt;/b&gt;" in body  # escaped


def test_deciding_an_appeal_lifts_or_upholds(console: Console, rasa: RasaStub) -> None:
    console.desk.suspend("acct-appeal", 24, "rudeness", "lena")
    ref = ticket(console, "acct-appeal", "wrongful_suspension")
    alice = signed_in(console)
    page = f"/tickets/{ref}"
    reply = alice.submit(f"{page}/decide", {"decision": "lift", "note": ""}, page)
    assert "error=" in reply.location  # a decision needs a note
    reply = alice.submit(f"{page}/decide", {"decision": "lift", "note": "misread"}, page)
    assert reply.location == f"{page}?ok=appeal_lifted"
    assert "Suspension lifted; the ticket is resolved." in alice.get(reply.location).body
    assert console.desk.active_suspension("acct-appeal") is None
    assert console.desk.get_ticket(ref).ticket.outcome == "lifted"
    # The decision is pushed to the user's open page, if any (bot.notify, bot/channels/push.py).
    assert ("/webhooks/socketio/push", {"sender": "acct-appeal"}) in rasa.requests

    console.desk.suspend("acct-upheld", 24, "threats", "lena")
    ref = ticket(console, "acct-upheld", "wrongful_suspension")
    alice.submit(f"/tickets/{ref}/decide", {"decision": "uphold", "note": "clear threats"})
    assert console.desk.active_suspension("acct-upheld") is not None
    assert console.desk.get_ticket(ref).ticket.outcome == "upheld"


def test_issue_and_lift_a_suspension_with_category_and_evidence(console: Console) -> None:
    lena = signed_in(console, "lena")
    reply = lena.submit(
        "/suspensions",
        {
            "user": "acct-rude",
            "hours": "72",
            "category": "personal_insults",
            "reason": "called the agent names",
            "message_ids": "m2, m7",
            "evidence": "see transcript",
        },
        "/suspensions",
    )
    assert reply.status == 302 and "ok=" in reply.location
    active = console.desk.active_suspension("acct-rude")
    assert active is not None and active.category == "personal_insults"
    assert active.evidence == {"message_ids": ["m2", "m7"], "text": "see transcript"}
    assert active.reason == "personal insults: called the agent names"
    body = lena.get("/suspensions?user=acct-rude").body
    assert "m2, m7" in body and "Lift now" in body
    bad = lena.submit("/suspensions", {"user": "acct-rude", "hours": "24", "category": "meh"})
    assert "error=" in bad.location
    lena.submit("/suspensions/lift", {"user": "acct-rude"})
    assert console.desk.active_suspension("acct-rude") is None
    events = console.desk.history("suspension", active.id)
    assert [e.kind for e in events] == ["suspended", "lifted"]
    assert events[0].detail["category"] == "personal_insults" and events[1].actor == "lena"


def test_unknown_ticket_is_404(console: Console) -> None:
    client = signed_in(console)
    assert client.get("/tickets/SB-99999").status == 404
    assert client.get("/tickets/nonsense").status == 404
