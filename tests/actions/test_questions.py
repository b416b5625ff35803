"""An agent's question through the bot: said in the user's language, and the next
message attached as the answer unless it is a case, abuse or a form answer."""

from actions.questions import ActionAnswerTaken, is_skip
from actions.session import ActionEachMessage
from bot import tells
from tests.support.actions import responses, run, slot_events, tracker

USER = "acct-1001"


def asked(desk, category="missing_deposit", key="k1", text=None, macro="ask_which_wallet"):
    ticket = desk.file_report(USER, category, {"asset": "BTC"}, key).ticket
    desk.ask_user(ticket.id, "alice", text=text, macro=None if text else macro)
    return ticket


def shown(desk, messages) -> None:
    assert tells.mark_shown(tells.carried(messages), USER, on=desk) >= 1


def test_question_said_in_swedish_then_the_answer_attached(actions_desk):
    ticket = asked(actions_desk)
    hook = ActionEachMessage()
    _, messages = run(hook, tracker("hej", "greet", slots={"language": "sv"}))
    assert responses(messages) == ["utter_macro_ask_which_wallet",
                                   "utter_question_how_to_answer"]
    assert messages[0]["ticket"] == ticket.reference and messages[0]["asset"] == "BTC"
    # Not shown yet: the same message again is no answer; the question is said again.
    _, again = run(hook, tracker("min Ledger", "inform", slots={"language": "sv"}))
    assert "utter_answer_taken" not in responses(again)
    shown(actions_desk, again)
    events, reply = run(hook, tracker("min Ledger Nano", "inform", message_id="m9",
                                      slots={"language": "sv"}))
    assert responses(reply) == ["utter_answer_taken"]
    assert reply[0]["ticket"] == ticket.reference
    assert slot_events(events)["answer_taken"] is True
    detail = actions_desk.get_ticket(ticket.id)
    assert detail.ticket.status == "claimed" and detail.ticket.assignee == "alice"
    answer = [e for e in detail.events if e.kind == "answered"][0]
    assert (answer.detail["text"], answer.detail["message_id"]) == ("min Ledger Nano", "m9")
    cleared, _ = run(ActionAnswerTaken(), tracker("x", "inform"))
    assert slot_events(cleared)["answer_taken"] is False


def test_free_text_question_and_i_dont_know(actions_desk):
    ticket = asked(actions_desk, text="Which e-mail did they use?")
    hook = ActionEachMessage()
    _, messages = run(hook, tracker("hello", "greet"))
    assert responses(messages) == ["utter_agent_question"]
    assert messages[0]["question"] == "Which e-mail did they use?"
    shown(actions_desk, messages)
    _, reply = run(hook, tracker("I don't know, sorry", "out_of_scope"))
    assert responses(reply) == ["utter_answer_skipped"]
    answer = [e for e in actions_desk.get_ticket(ticket.id).events if e.kind == "answered"]
    assert answer[0].detail["skipped"] is True


def test_several_questions_the_oldest_first_and_the_next_named(actions_desk):
    first = asked(actions_desk, "missing_deposit", "k1")
    second = asked(actions_desk, "impersonation", "k2", macro="ask_which_email")
    hook = ActionEachMessage()
    _, messages = run(hook, tracker("hi", "greet"))
    shown(actions_desk, messages)
    _, reply = run(hook, tracker("the Ledger", "inform"))
    assert responses(reply) == ["utter_answer_taken", "utter_answer_next_question"]
    assert (reply[0]["ticket"], reply[1]["ticket"]) == (first.reference, second.reference)
    _, reply = run(hook, tracker("me@example.com", "inform"))
    assert responses(reply) == ["utter_answer_taken"] and reply[0]["ticket"] == second.reference
    assert actions_desk.pending_questions(USER) == []


def test_an_urgent_report_abuse_or_a_form_answer_is_not_the_answer(actions_desk):
    asked(actions_desk)
    hook = ActionEachMessage()
    _, messages = run(hook, tracker("hi", "greet"))
    shown(actions_desk, messages)
    for text, intent, loop in [
        ("my account was hacked", "report_account_hacked", None),
        ("you useless idiots", "insult", None),
        ("you useless idiots, it is the ledger", "inform", None),
        ("0.5 BTC", "inform", "report_form"),
        ("what is the status of my ticket", "check_appeal_status", None),
    ]:
        _, reply = run(hook, tracker(text, intent, active_loop=loop))
        assert "utter_answer_taken" not in responses(reply), text
    [question] = actions_desk.pending_questions(USER)
    assert question.told  # still waiting for the answer


def test_skip_phrases_in_both_languages():
    for text in ["I don't know", "no idea", "skip", "Vet inte", "ingen aning", "jag vet inte"]:
        assert is_skip(text), text
    for text in ["my Ledger", "knowledge base", "Vetle's wallet"]:
        assert not is_skip(text), text
