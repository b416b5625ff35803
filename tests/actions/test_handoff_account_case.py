"""The actions as the action server runs them, for a user whose id is spelled otherwise
than in the registry, and for a request for staff that a suspension closed."""

from actions.handoff import ActionRequestHuman
from actions.status import ActionCheckStatus
from tests.support.actions import responses, run, tracker


def test_suspended_as_one_spelling_refused_as_another(actions_desk):
    actions_desk.suspend("Alice01", hours=12, reason="threats", agent="lena")
    for sender in ("alice01", "ALICE01"):
        _, messages = run(ActionRequestHuman(), tracker("/request_human", "request_human",
                                                        sender=sender))
        assert responses(messages) == ["utter_human_refused"]
        assert messages[0]["suspension_reason"] == "threats"
    assert actions_desk.list_queue() == []


def test_tickets_of_one_spelling_are_the_status_of_another(actions_desk):
    actions_desk.file_report("ALICE01", "missing_deposit", {"asset": "BTC"}, "k1")
    _, messages = run(ActionCheckStatus(), tracker("any news?", "check_appeal_status",
                                                   sender="alice01"))
    assert responses(messages) == ["utter_status_ticket"]
    assert messages[0]["category"] == "missing deposit"


def test_a_request_for_staff_closed_by_a_suspension_says_so(actions_desk):
    _, filed = run(ActionRequestHuman(), tracker("a human please", "request_human",
                                                 sender="Alice01"))
    assert responses(filed) == ["utter_handoff_filed"]
    actions_desk.suspend("alice01", hours=12, reason="threats", agent="lena")
    assert actions_desk.list_queue() == []

    _, en = run(ActionCheckStatus(), tracker("any news?", "check_appeal_status",
                                             sender="ALICE01"))
    assert en[0]["ticket"] == filed[0]["ticket"]
    assert en[0]["status"] == "resolved, closed when your live chat was suspended"
    _, sv = run(ActionCheckStatus(), tracker("nåt nytt?", "check_appeal_status",
                                             sender="alice01", slots={"language": "sv"}))
    assert sv[0]["status"] == "avslutat, stängt när din livechatt stängdes av"


def test_suspended_between_the_check_and_the_filing_is_refused(actions_desk):
    """The action checks the registry, then files; a suspension issued in between is
    caught by the desk's own check in the filing's transaction."""
    from sqlalchemy import event

    from bot.desk import Desk

    other_desk = Desk(actions_desk.engine)
    suspended = []

    def suspend_first(conn, cursor, statement, *args):
        if statement == "BEGIN IMMEDIATE" and not suspended:  # the filing starts
            suspended.append("issuing")  # the suspension's own BEGIN comes through here
            suspended.append(other_desk.suspend("alice01", 12, "threats", "lena"))

    event.listen(actions_desk.engine, "before_cursor_execute", suspend_first)
    try:
        _, messages = run(ActionRequestHuman(), tracker("a human please", "request_human",
                                                        sender="Alice01"))
    finally:
        event.remove(actions_desk.engine, "before_cursor_execute", suspend_first)
    assert suspended, "the suspension was not issued mid-action"
    assert responses(messages) == ["utter_human_refused"]
    assert actions_desk.tickets_for_user("alice01") == []
