"""The per-message hook on abusive messages: a calm reply, evidence, and nothing else.

Real Trackers, a real CollectingDispatcher and a real SQLite desk (tests/actions)."""

from sqlalchemy import func, select

from actions.session import ActionEachMessage
from bot.desk.models import Event, Report, Suspension, Ticket
from tests.support.actions import responses, run, tracker

HOOK = ActionEachMessage()


def counts(actions_desk):
    with actions_desk.engine.connect() as c:
        return {m.__tablename__: c.execute(select(func.count()).select_from(m)).scalar()
                for m in (Ticket, Report, Event, Suspension)}


def test_insult_with_a_request_gets_the_calm_reply_and_the_request_goes_on(actions_desk):
    tr = tracker("where is my f***ing deposit", "report_missing_deposit", message_id="m7")
    events, messages = run(HOOK, tr)
    assert responses(messages) == ["utter_abuse_calm"]
    # The hook sets no followup and no slot that would stop the form the intent starts.
    assert not [e for e in events if e.get("event") in ("followup", "active_loop")]
    [evidence] = actions_desk.abuse_evidence("acct-1001")
    assert evidence.category == "rudeness"
    assert evidence.message_id == "m7"
    assert "deposit" in evidence.text


def test_pure_insult_is_answered_once_by_the_rule_not_twice(actions_desk):
    _, messages = run(HOOK, tracker("you useless idiots", "insult"))
    assert messages == []  # data/rules.yml answers `insult` with utter_insult_calm
    assert actions_desk.abuse_evidence("acct-1001")[0].category == "personal_insults"


def test_abuse_alone_during_a_form_question_is_left_to_the_rule(actions_desk):
    # The form rejects it and the rule "abuse during the form" answers: a reply here too
    # made two calm replies ("scammers!!!" asked for the time).
    for text in ("scammers!!!", "jag vet var du bor", "you are a bunch of tyrants"):
        tr = tracker(text, "insult", active_loop="report_form", message_id=text,
                     slots={"requested_slot": "incident_time"})
        _, messages = run(HOOK, tr)
        assert messages == [], text


def test_abuse_alone_given_as_the_description_is_answered_by_the_hook(actions_desk):
    # The description takes any text, so no rule runs: the calm reply comes from here,
    # whether or not the detector knows the words.
    for text in ("scammers!!!", "jag vet var du bor", "you are a bunch of tyrants"):
        tr = tracker(text, "insult", active_loop="report_form", message_id=text,
                     slots={"requested_slot": "description"})
        _, messages = run(HOOK, tr)
        assert responses(messages) == ["utter_abuse_calm"], text


def test_threat_without_profanity_is_recorded_in_swedish(actions_desk):
    tr = tracker("jag vet var du bor", "out_of_scope", slots={"language": "sv"})
    _, messages = run(HOOK, tr)
    assert responses(messages) == ["utter_abuse_calm"]
    [evidence] = actions_desk.abuse_evidence("acct-1001")
    assert (evidence.category, evidence.language) == ("threats", "sv")


def test_abuse_never_escalates_no_ticket_no_handoff_no_suspension_change(actions_desk):
    actions_desk.suspend("acct-1001", hours=24, reason="rudeness", agent="lena")
    before = counts(actions_desk)
    for i, (text, intent) in enumerate([
        ("I will find you", "out_of_scope"),
        ("fuck you, give me a human NOW you idiots", "request_human"),
        ("du är en jävla idiot", "insult"),
    ]):
        run(HOOK, tracker(text, intent, message_id=f"a{i}",
                          slots={"suspended": True, "suspension_notified": True}))
    assert counts(actions_desk) == before  # no ticket, report, event or suspension row
    assert actions_desk.list_queue(status="all") == []
    suspension = actions_desk.active_suspension("acct-1001")
    assert suspension.reason == "rudeness"  # unchanged: agents decide
    assert actions_desk.abuse_count("acct-1001") == 3


def test_the_same_message_is_recorded_once(actions_desk):
    tr = tracker("you moron", "greet", message_id="dup")
    run(HOOK, tr)
    run(HOOK, tr)
    assert actions_desk.abuse_count("acct-1001") == 1


def test_secrets_in_an_abusive_message_are_not_stored(actions_desk):
    seed = ("abandon ability able about above absent absorb abstract absurd abuse access "
            "accident")
    run(HOOK, tracker(f"you fucking idiots, my seed is {seed}", "inform"))
    [evidence] = actions_desk.abuse_evidence("acct-1001")
    assert "absorb" not in evidence.text and "[redacted seed phrase]" in evidence.text


def test_clean_message_leaves_no_evidence(actions_desk):
    _, messages = run(HOOK, tracker("my deposit is missing", "report_missing_deposit"))
    assert "utter_abuse_calm" not in responses(messages)
    assert actions_desk.abuse_count("acct-1001") == 0


def test_calm_response_exists_in_both_languages():
    from tests.support.actions import domain_dict

    variants = domain_dict()["responses"]["utter_abuse_calm"]
    assert any(v.get("condition") for v in variants)  # sv
    assert any(not v.get("condition") for v in variants)  # en default


def test_logs_carry_the_category_not_the_words(actions_desk, caplog):
    with caplog.at_level("INFO", logger="actions.abuse"):
        run(HOOK, tracker("you stupid cunt", "inform", message_id="log1"))
    lines = [r.getMessage() for r in caplog.records if r.name == "actions.abuse"]
    assert any('"abuse_detected"' in line and "personal_insults" in line for line in lines)
    assert not any("cunt" in line or "stupid" in line for line in lines)


def test_calm_reply_even_when_the_evidence_cannot_be_written(actions_desk, caplog):
    with actions_desk.engine.begin() as c:  # a real fault: the table is gone
        c.exec_driver_sql("DROP TABLE abuse_evidence")
    with caplog.at_level("ERROR", logger="actions.abuse"):
        _, messages = run(HOOK, tracker("I know where you live", "out_of_scope"))
    assert responses(messages) == ["utter_abuse_calm"]
    assert any('"abuse_evidence_failed"' in r.getMessage() for r in caplog.records)
