"""The action server killed (SIGKILL) or frozen (SIGSTOP) mid-form on a real Stack: the user
is told their message is kept, the report is filed once the action server is back, exactly
once, and the supervisor brings a dead action server back by itself."""

from __future__ import annotations

import json
import signal
import threading

from sqlalchemy import text

from bot.channels.delivery_texts import TEXTS
from tests.support.faults import LOST, outbox_rows, signal_process, wait_for
from tests.support.live import say, supportbot

KEPT_EN, KEPT_SV = TEXTS["kept"]["en"], TEXTS["kept"]["sv"]
# The filing confirmation (domain/responses.yml utter_report_filed), in English.
FILED_EN = "Thank you, it's filed."


def tickets(stack, user: str) -> list[dict]:
    return json.loads(supportbot(stack, "status", user, "--json"))["tickets"]


def reports(stack) -> int:
    with stack.direct.connect() as db:
        return db.execute(text("SELECT count(*) FROM reports")).scalar_one()


def filed_once(stack, user: str, category: str) -> dict:
    found = tickets(stack, user)
    if len(found) != 1:
        LOST.append(user)
    assert [t["category"] for t in found] == [category]
    return found[0]


def test_action_server_killed_mid_form_the_report_is_kept_and_filed_once(fault_stack):
    stack, user = fault_stack, "acct-fault-kill"
    asked = say(stack, user, "my deposit of 120 USDT on TRC20 has not arrived")
    assert any("transaction" in r.lower() for r in asked)
    with stack.hold("actions"):
        signal_process(stack, "actions", signal.SIGKILL)
        assert say(stack, user, "I don't have the tx id") == [KEPT_EN]
        assert say(stack, user, "this morning at 8") == [KEPT_EN]
        assert outbox_rows(stack) == {"pending": 2}
        assert tickets(stack, user) == []  # nothing half-filed
    # Released: the supervisor restarts the action server, the outbox is replayed.
    wait_for(lambda: outbox_rows(stack) == {}, what="the outbox to be replayed")
    ticket = filed_once(stack, user, "missing_deposit")
    assert (ticket["fields"]["amount"], ticket["fields"]["network"],
            ticket["fields"]["tx_id"], ticket["fields"]["incident_time"]) == (
        "120", "TRC20", "not provided", "this morning at 8")
    # The replies of the replay are told at the next message: the ticket number first.
    told = say(stack, user, "thanks")
    assert any(ticket["reference"] in r for r in told)
    assert not any(ticket["reference"] in r for r in say(stack, user, "ok"))  # once
    assert stack.supervisor.restarts["actions"] >= 1


def test_frozen_action_server_times_out_and_the_turn_is_replayed(fault_stack):
    stack, user = fault_stack, "acct-fault-freeze"
    say(stack, user, "jag vill överklaga min avstängning")  # not suspended: told so
    say(stack, user, "någon har loggat in på mitt konto, det är hackat")
    say(stack, user, "igår kväll")
    with stack.hold("actions"):
        signal_process(stack, "actions", signal.SIGSTOP)
        try:
            replies = say(stack, user, "mitt lösenord byttes och pengar togs ut")
        finally:
            signal_process(stack, "actions", signal.SIGCONT)
    assert replies == [KEPT_SV]
    wait_for(lambda: outbox_rows(stack) == {}, what="the outbox to be replayed")
    ticket = filed_once(stack, user, "account_hacked")
    assert ticket["fields"]["incident_time"] == "igår kväll"
    assert "lösenord byttes" in ticket["fields"]["description"]


def test_double_submit_and_retried_request_give_one_ticket(fault_stack):
    stack, answer = fault_stack, "a fake support account asks my friends for money"
    # A double click: the form's last answer twice at once. One files; the other comes
    # after the form and is a new turn (it may point to the ticket, never make a second
    # ticket or report).
    user = "acct-fault-double"
    say(stack, user, "someone is pretending to be me on telegram")
    before = reports(stack)
    answers: list[list[str]] = []
    clicks = [threading.Thread(target=lambda: answers.append(say(stack, user, answer)))
              for _ in range(2)]
    for click in clicks:
        click.start()
    for click in clicks:
        click.join()
    assert sum(any(FILED_EN in r for r in a) for a in answers) == 1
    filed_once(stack, user, "impersonation")
    assert reports(stack) == before + 1

    # A network retry: the answer is kept during an outage, and the client sends it
    # again once the bot is back. The kept one files; the retry files nothing more.
    user = "acct-fault-retry"
    say(stack, user, "someone is pretending to be me on telegram")
    before = reports(stack)
    with stack.hold("actions"):
        signal_process(stack, "actions", signal.SIGKILL)
        assert say(stack, user, answer) == [KEPT_EN]
    wait_for(lambda: outbox_rows(stack) == {}, what="the outbox to be replayed")
    retried = say(stack, user, answer)
    assert sum(FILED_EN in r for r in retried) == 1  # the kept answer's ticket, told now
    filed_once(stack, user, "impersonation")
    assert reports(stack) == before + 1


def test_rasa_killed_while_a_message_waits_replays_it_after_restart(fault_stack):
    """The outbox survives Rasa: the new process replays it without the user writing."""
    stack, user = fault_stack, "acct-fault-rasa"
    say(stack, user, "my withdrawal of 0.5 BTC never arrived")
    with stack.hold("actions"), stack.hold("rasa"):
        signal_process(stack, "actions", signal.SIGKILL)
        say(stack, user, "bitcoin network")
        assert outbox_rows(stack) == {"pending": 1}
        signal_process(stack, "rasa", signal.SIGKILL)
        stack._spawn("rasa")
        stack.wait_ready("rasa", 180)
        stack._spawn("actions")
        stack.wait_ready("actions", 120)
    wait_for(lambda: outbox_rows(stack) == {}, what="the new Rasa to replay the outbox")
    # The kept answer was taken by the form: it goes on from there.
    assert any("When did it happen" in r for r in say(stack, user, "I don't have it"))
    say(stack, user, "yesterday at noon")
    ticket = filed_once(stack, user, "missing_withdrawal")
    assert (ticket["fields"]["amount"], ticket["fields"]["asset"]) == ("0.5", "BTC")
    assert ticket["fields"]["network"] not in (None, "not provided")


def test_supervisor_restarts_a_killed_action_server(fault_stack, caplog):
    stack = fault_stack
    before = stack.supervisor.restarts.get("actions", 0)
    old = stack.processes["actions"].pid
    signal_process(stack, "actions", signal.SIGKILL)
    wait_for(lambda: stack.processes["actions"].pid != old, 30, "a new action server")
    stack.wait_ready("actions", 120)
    assert stack.supervisor.restarts["actions"] == before + 1
    events = [json.loads(r.getMessage()) for r in caplog.records
              if r.name == "bot.serve"]
    assert {"process_exited", "process_restarted"} <= {e["event"] for e in events}
