"""Session start and the per-message suspension check: notice once, in the user's language."""

from actions.session import ActionEachMessage, ActionSessionStart
from tests.support.actions import responses, run, slot_events, tracker


def test_session_start_loads_suspension(actions_desk):
    actions_desk.suspend("acct-1001", hours=48, reason="threats toward staff", agent="lena")
    events, messages = run(ActionSessionStart(), tracker(slots={"language": "sv"}))
    assert events[0]["event"] == "session_started"
    assert events[-1] == {**events[-1], "event": "action", "name": "action_listen"}
    slots = slot_events(events)
    assert slots["suspended"] is True
    assert slots["suspension_reason"] == "threats toward staff"
    assert slots["suspended_by"] == "lena"
    assert slots["language"] == "sv"  # carried over
    assert slots["suspension_notified"] is False
    assert messages == []  # the notice waits for the first message, to know the language


def test_suspended_user_is_told_once_with_end_time_in_both_languages(actions_desk):
    suspension = actions_desk.suspend("acct-1001", hours=24, reason="personal insults",
                                      agent="lena")
    hook = ActionEachMessage()
    events, messages = run(hook, tracker("hej", "greet", slots={"language": "sv"}))
    assert responses(messages) == ["utter_suspension_notice"]
    notice = messages[0]
    assert notice["suspension_reason"] == "personal insults"
    assert "svensk tid" in notice["suspended_until_sv"]
    assert str(suspension.ends_at.year) in notice["suspended_until_en"]
    assert slot_events(events)["suspension_notified"] is True

    _, again = run(hook, tracker("tack", "thank", slots={
        "language": "sv", "suspended": True, "suspension_notified": True}))
    assert again == []


def test_user_not_suspended_hears_nothing_extra(actions_desk):
    events, messages = run(ActionEachMessage(), tracker("hi", "greet"))
    assert messages == []
    assert slot_events(events).get("suspended") in (None, False)


def test_lift_during_session_is_announced(actions_desk):
    actions_desk.suspend("acct-1001", hours=24, reason="rudeness", agent="lena")
    actions_desk.lift("acct-1001", agent="lena")
    events, messages = run(ActionEachMessage(), tracker(
        "hi", "greet", slots={"suspended": True, "suspension_notified": True}))
    assert responses(messages) == ["utter_suspension_lifted"]
    assert slot_events(events)["suspended"] is False


def test_language_follows_clear_messages_and_keeps_through_unclear_ones(actions_desk):
    check = ActionEachMessage()

    def language_set(text: str, current: str) -> str | None:
        return slot_events(run(check, tracker(text, slots={"language": current}))[0]
                           ).get("language")

    assert language_set("mitt konto är kapat", "en") == "sv"
    assert language_set("0.5 BTC", "sv") is None  # unclear: the slot keeps "sv"
    assert language_set("/appeal_suspension", "sv") is None  # a button says nothing
    assert language_set("my deposit is missing", "sv") == "en"


def test_unsure_message_lands_in_the_review_inbox_redacted(actions_desk):
    tr = tracker("uh my password is hunter2 and the thing is weird", "nlu_fallback")
    tr.latest_message["intent"]["confidence"] = 0.41
    tr.latest_message["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 0.41},
                                           {"name": "report_account_hacked", "confidence": 0.3}]
    run(ActionEachMessage(), tr)
    [item] = actions_desk.review_items()
    assert item.sender_id == "acct-1001"
    assert item.predicted_intent == "report_account_hacked"
    assert "hunter2" not in item.text and "redacted" in item.text

    sure = tracker("my account was hacked", "report_account_hacked", message_id="m2")
    run(ActionEachMessage(), sure)  # confident: not for review
    assert len(actions_desk.review_items()) == 1
