"""Queue search, paging and claim-next; closing actions that fit the ticket; agent
management by leads; the console in Swedish; against a real `supportbot console`."""

from __future__ import annotations

import json
import re

import pytest

from tests.support.console import PASSWORD, Client, Console, signed_in, ticket


@pytest.fixture(scope="module", autouse=True)
def agents(console: Console) -> None:
    console.add_agent("ann")
    console.add_agent("bo")
    console.add_agent("cy")
    console.add_agent("lena", role="lead")


def refs(body: str) -> list[str]:
    return re.findall(r'data-ref="(SB-\d+)"', body)


def test_search_by_ticket_number_or_account_id(console: Console) -> None:
    wanted = ticket(console, "Acct-Search", "missing_deposit")
    ticket(console, "acct-other", "missing_deposit")
    client = signed_in(console, "ann")
    number = str(int(wanted.split("-")[1]))
    for query in (wanted, number, "ACCT-SEARCH", "acct-search"):
        assert refs(client.get(f"/queue?q={query}").body) == [wanted], query
    assert "No tickets match" in client.get("/queue?q=nobody-at-all").body


def test_status_all_is_paged(console: Console) -> None:
    for n in range(3):
        ticket(console, f"acct-page-{n}", "impersonation")
    client = signed_in(console, "ann")
    api = client.get("/api/queue?status=all")
    total = int(api.headers["x-total-count"])
    assert total >= 5 and api.headers["x-pages"] == "1"  # 50 a page by default
    page = client.get("/queue?status=all")
    assert f"{total} tickets" in page.body


def test_claim_next_takes_the_most_pressing_and_says_when_none_is_left(
    console: Console,
) -> None:
    urgent = ticket(console, "acct-next", "account_hacked")
    client = signed_in(console, "bo")
    reply = client.submit("/queue/claim-next", {})
    assert reply.status == 302 and reply.location == f"/tickets/{urgent}?ok=claimed"
    assert console.desk.get_ticket(urgent).ticket.assignee == "bo"
    while (reply := client.submit("/queue/claim-next", {})).location.startswith("/tickets/"):
        pass
    assert reply.location == "/queue?error=queue_empty"
    assert "the queue is clear" in client.get(reply.location).body


def test_the_appeal_decision_only_where_a_suspension_is_in_force(console: Console) -> None:
    hacked = ticket(console, "acct-hacked-2", "account_hacked")
    appeal_free = ticket(console, "acct-free", "wrongful_suspension")
    console.desk.suspend("acct-held", 24, "threats", "lena", category="threats")
    appeal = ticket(console, "acct-held", "wrongful_suspension")
    client = signed_in(console, "cy")
    hacked_page = client.get(f"/tickets/{hacked}").body
    assert "Decide the appeal" not in hacked_page
    assert "Account secured and access restored" in hacked_page
    assert "Decide the appeal" not in client.get(f"/tickets/{appeal_free}").body
    assert "Decide the appeal" in client.get(f"/tickets/{appeal}").body
    # Posted anyway, the form is refused where it does not apply.
    client.submit(f"/tickets/{hacked}/claim", {})
    reply = client.submit(f"/tickets/{hacked}/decide", {"decision": "uphold", "note": "x"})
    assert reply.location.endswith("error=decision_not_applicable")
    reply = client.submit(f"/tickets/{hacked}/resolve", {"resolution": "secured", "note": ""})
    assert reply.location.endswith("ok=resolved")
    t = console.desk.get_ticket(hacked).ticket
    assert (t.status, t.outcome) == ("resolved", "resolved")
    assert console.desk.get_ticket(hacked).events[-2].detail.get("note", "").startswith(
        "Account secured") or any("Account secured" in str(e.detail)
                                  for e in console.desk.get_ticket(hacked).events)


def test_lead_only_routes_are_403_for_agents(console: Console) -> None:
    ref = ticket(console, "acct-lead-only", "impersonation")
    console.desk.claim(ref, "ann")
    client = signed_in(console, "ann")
    assert client.get("/agents").status == 403
    for path, data in (("/agents/bo/disable", {}), ("/agents/bo/reset", {}),
                       ("/agents/bo/role", {"role": "lead"}),
                       (f"/tickets/{ref}/reassign", {"agent": "ann"})):
        assert client.submit(path, data).status == 403, path
    assert not console.desk.get_agent("bo").disabled
    assert "Agents" not in client.get("/queue").body.split("<main>")[0]


def test_a_lead_disables_and_the_session_ends_at_once(console: Console) -> None:
    console.add_agent("dee")
    dee, lead = signed_in(console, "dee"), signed_in(console, "lena")
    assert dee.get("/queue").status == 200
    assert "dee" in lead.get("/agents").body
    reply = lead.submit("/agents/dee/disable", {}, page="/agents")
    assert reply.location == "/agents?ok=agent_disabled"
    assert dee.get("/queue").status == 302  # signed out at the next request
    assert Client(console.url).login("dee").status == 401
    assert lead.submit("/agents/lena/disable", {}, page="/agents").location.endswith(
        "error=not_yourself")
    lead.submit("/agents/dee/enable", {}, page="/agents")
    assert Client(console.url).login("dee").status == 302


def test_a_reset_password_is_shown_once_and_must_be_changed(console: Console) -> None:
    console.add_agent("eve")
    eve, lead = signed_in(console, "eve"), signed_in(console, "lena")
    page = lead.submit("/agents/eve/reset", {}, page="/agents")
    assert page.status == 200 and "no-store" in page.headers["cache-control"]
    once = re.search(r'id="one-time-password">([^<]+)<', page.body).group(1)
    assert once not in lead.get("/agents").body  # shown only in the answer to the reset
    assert eve.get("/queue").status == 302  # the old session ended
    assert Client(console.url).login("eve").status == 401  # the old password is gone
    fresh = Client(console.url)
    assert fresh.login("eve", once).location == "/password"
    assert fresh.get("/queue").location == "/password"  # nothing else until changed
    reply = fresh.submit("/password", {"current": once, "new": "short", "again": "short"},
                         page="/password")
    assert reply.status == 400 and "at least 8" in reply.body
    new = "a brand new secret"
    reply = fresh.submit("/password", {"current": once, "new": new, "again": new},
                         page="/password")
    assert reply.location == "/queue?ok=password_changed"
    assert fresh.get("/queue").status == 200
    assert Client(console.url).login("eve", once).status == 401
    assert Client(console.url).login("eve", new).status == 302


def test_a_lead_reassigns_a_held_ticket_with_a_history_event(console: Console) -> None:
    ref = ticket(console, "acct-reassign", "missing_withdrawal")
    console.desk.claim(ref, "ann")
    lead = signed_in(console, "lena")
    page = lead.get(f"/tickets/{ref}").body
    assert 'action="/tickets/' + ref + '/reassign"' in page
    reply = lead.submit(f"/tickets/{ref}/reassign", {"agent": "bo"}, page=f"/tickets/{ref}")
    assert reply.location == f"/tickets/{ref}?ok=reassigned"
    detail = console.desk.get_ticket(ref)
    assert detail.ticket.assignee == "bo"
    assert (detail.events[-1].kind, detail.events[-1].detail) == (
        "reassigned", {"from": "ann", "to": "bo"})
    reply = lead.submit(f"/tickets/{ref}/reassign", {"agent": "nobody"}, page=f"/tickets/{ref}")
    assert reply.location.endswith("error=agent_not_found")


def test_the_console_in_swedish_per_agent(console: Console) -> None:
    console.add_agent("fia")
    client = signed_in(console, "fia")
    assert '<html lang="en">' in client.get("/queue").body
    reply = client.submit("/language", {"language": "sv", "next": "/suspensions"})
    assert reply.location == "/suspensions?ok=language_changed"
    page = client.get("/queue").body
    assert '<html lang="sv">' in page and "Ta nästa" in page and "Logga ut" in page
    live = json.loads(re.search(r'id="queue-texts">(.*?)</script>', page).group(1))
    assert live["urgent_title"] == "Brådskande ärende {ref}"  # the live queue's own words
    assert console.desk.get_agent("fia").language == "sv"
    other = signed_in(console, "ann")
    assert '<html lang="en">' in other.get("/queue").body  # per agent
    # Off-site "next" targets are not followed.
    assert client.submit("/language", {"language": "en", "next": "//evil.example"}
                         ).location.startswith("/queue")
    # Before sign-in, the browser's language.
    anonymous = Client(console.url)
    anonymous.headers["Accept-Language"] = "sv-SE,sv;q=0.9,en;q=0.5"
    assert "Logga in" in anonymous.get("/login").body
    assert PASSWORD
