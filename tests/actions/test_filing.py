"""Filing a finished report: ticket number, priority, dedupe, exactly once, faults."""

from sqlalchemy import text

from actions.filing import ActionFileReport
from actions.session import ActionEachMessage
from tests.support.actions import responses, run, slot_events, tracker

FORM = {"report_category": "account_hacked", "report_id": "r1",
        "incident_time": "today 09:00", "description": "someone changed my email"}


def test_filed_report_is_in_the_queue_with_priority(actions_desk):
    events, messages = run(ActionFileReport(), tracker(slots=FORM))
    [ticket] = actions_desk.list_queue()
    assert (ticket.category, ticket.priority, ticket.user_id) == (
        "account_hacked", "urgent", "acct-1001")
    assert ticket.fields["description"] == "someone changed my email"
    assert messages[0]["response"] == "utter_report_filed"
    assert messages[0]["ticket"] == ticket.reference
    assert messages[0]["target"] == "1 hour"
    assert slot_events(events)["report_category"] is None  # form slots reset


def test_swedish_user_gets_swedish_labels(actions_desk):
    _, messages = run(ActionFileReport(), tracker(slots={**FORM, "language": "sv"}))
    assert (messages[0]["priority"], messages[0]["target"]) == ("akut", "1 timme")


def test_retried_submit_files_once(actions_desk):
    run(ActionFileReport(), tracker(slots=FORM))
    _, messages = run(ActionFileReport(), tracker(slots=FORM))
    [ticket] = actions_desk.list_queue()
    assert ticket.report_count == 1
    assert responses(messages) == ["utter_report_filed"]


def test_second_report_of_same_category_is_attached(actions_desk):
    run(ActionFileReport(), tracker(slots=FORM))
    _, messages = run(ActionFileReport(), tracker(slots={**FORM, "report_id": "r2"}))
    [ticket] = actions_desk.list_queue()
    assert ticket.report_count == 2
    assert responses(messages) == ["utter_report_attached"]


def test_database_fault_keeps_report_and_next_message_files_it_once(actions_desk):
    with actions_desk.engine.begin() as conn:  # break the queue table for one turn
        conn.execute(text("ALTER TABLE tickets RENAME TO tickets_away"))
    events, messages = run(ActionFileReport(), tracker(slots=FORM))
    pending = slot_events(events)["pending_report"]
    assert pending["category"] == "account_hacked"
    assert responses(messages) == ["utter_report_failed"]

    with actions_desk.engine.begin() as conn:
        conn.execute(text("ALTER TABLE tickets_away RENAME TO tickets"))
    hook = ActionEachMessage()
    events, messages = run(hook, tracker("hello?", slots={"pending_report": pending}))
    assert slot_events(events)["pending_report"] is None
    assert "utter_report_filed" in responses(messages)
    run(hook, tracker("hello?", slots={"pending_report": pending}))  # a stale retry
    assert actions_desk.list_queue()[0].report_count == 1
