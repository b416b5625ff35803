"""The policy in code: no human for a suspended user; everyone else gets a handoff ticket.
And "any news on my ticket?"."""

from actions.handoff import ActionRequestHuman
from actions.session import ActionEachMessage
from actions.status import ActionCheckStatus
from bot import tells
from tests.support.actions import responses, run, tracker


def test_suspended_user_is_refused_whatever_the_slots_say(actions_desk):
    actions_desk.suspend("acct-1001", hours=12, reason="threats", agent="lena")
    # A forged slot claiming "not suspended" changes nothing: the action asks the registry.
    _, messages = run(ActionRequestHuman(), tracker("/request_human", "request_human",
                                                    slots={"suspended": False}))
    assert responses(messages) == ["utter_human_refused"]
    assert messages[0]["suspended_until_en"].endswith("UTC")
    assert actions_desk.list_queue() == []


def test_user_not_suspended_gets_a_handoff_ticket(actions_desk):
    _, messages = run(ActionRequestHuman(), tracker("I want to talk to a person",
                                                    "request_human"))
    [ticket] = actions_desk.list_queue()
    assert (ticket.category, ticket.priority) == ("human_handoff", "normal")
    assert responses(messages) == ["utter_handoff_filed"]
    assert messages[0]["ticket"] == ticket.reference


def test_status_without_tickets(actions_desk):
    _, messages = run(ActionCheckStatus(), tracker("any news?", "check_appeal_status"))
    assert responses(messages) == ["utter_status_none"]


def test_status_lists_own_tickets_only_with_outcome(actions_desk):
    mine = actions_desk.file_report("acct-1001", "missing_deposit", {"asset": "BTC"}, "k1").ticket
    actions_desk.file_report("acct-2002", "account_hacked", {}, "k2")
    actions_desk.claim(mine.id, agent="lena")
    actions_desk.resolve(mine.id, outcome="resolved", note="credited", agent="lena")
    actions_desk.file_report("acct-1001", "wrongful_suspension", {"description": "not me"}, "k3")

    _, messages = run(ActionCheckStatus(), tracker("nåt nytt om mitt ärende?",
                                                   "check_appeal_status",
                                                   slots={"language": "sv"}))
    assert responses(messages) == ["utter_status_ticket", "utter_status_ticket"]
    first, second = messages
    assert first["status"] == "väntar på en handläggare"
    assert first["category"] == "överklagande av avstängning"
    assert second["ticket"] == mine.reference and second["status"].startswith("avslutat")


def test_decision_is_told_once_at_next_message_without_repeating_the_lift(actions_desk):
    from actions.session import ActionEachMessage

    actions_desk.suspend("acct-1001", hours=24, reason="rudeness", agent="lena")
    appeal = actions_desk.file_report("acct-1001", "wrongful_suspension", {"description": "not me"},
                              "k1").ticket
    actions_desk.resolve(appeal.id, outcome="lifted", note="brother's laptop", agent="lena")

    hook = ActionEachMessage()
    was_suspended = {"suspended": True, "suspension_notified": True, "language": "sv"}
    _, messages = run(hook, tracker("hej", "greet", slots=was_suspended))
    assert responses(messages) == ["utter_decision_lifted"]  # not also "lifted" again
    assert messages[0]["ticket"] == appeal.reference
    assert messages[0]["category"] == "överklagande av avstängning"
    # Said, not yet shown: until the channel passes the reply on, it is not told.
    _, unseen = run(hook, tracker("hej igen", "greet", slots={"language": "sv"}))
    assert responses(unseen) == ["utter_decision_lifted"]
    assert tells.mark_shown(tells.carried(unseen), "acct-1001", on=actions_desk) == 1
    _, again = run(hook, tracker("och nu?", "greet", slots={"language": "sv"}))
    assert again == []
    kinds = [e.kind for e in actions_desk.history("ticket", appeal.id)]
    assert kinds.count("user_told") == 1


def test_pushed_update_tells_upheld_decision_once(actions_desk):
    from actions.updates import ActionTellTicketUpdates

    actions_desk.suspend("acct-1001", hours=24, reason="threats", agent="lena")
    appeal = actions_desk.file_report("acct-1001", "wrongful_suspension", {}, "k1").ticket
    actions_desk.resolve(appeal.id, outcome="upheld", note="evidence is clear", agent="lena")
    pushed = tracker("", "EXTERNAL_ticket_update",
                     slots={"suspended": True, "suspension_notified": True})
    # Rasa runs the per-message check for a pushed intent too: it says the decision, and
    # the pushed intent's own action adds nothing (it would say it twice).
    _, messages = run(ActionEachMessage(), pushed)
    assert responses(messages) == ["utter_decision_upheld"]
    assert run(ActionTellTicketUpdates(), pushed) == ([], [])
    # The push (bot/channels/push.py) marks it once an open page showed it, not the action.
    assert tells.carried(messages) == tells.decision(appeal.id)
    assert actions_desk.untold_decisions("acct-1001")[0].id == appeal.id


def test_the_agents_reason_is_told_with_the_decision_in_the_users_language(actions_desk):
    ticket = actions_desk.file_report("acct-1001", "missing_deposit", {"asset": "ETH"},
                                      "k1").ticket
    actions_desk.resolve(ticket.id, outcome="resolved", note="found it", agent="lena",
                         reason="reason_funds_credited")
    _, messages = run(ActionEachMessage(), tracker("hej", "greet", slots={"language": "sv"}))
    assert responses(messages) == ["utter_decision_resolved",
                                   "utter_macro_reason_funds_credited"]
    assert messages[1]["asset"] == "ETH" and messages[1]["ticket"] == ticket.reference
    assert tells.carried(messages) == tells.decision(ticket.id)
