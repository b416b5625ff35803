"""Answers that are no answer, in the middle of a report form, on the running bot: the
question comes again, with one reply saying why."""

from __future__ import annotations

from tests.support.live import say, supportbot

CALM = ("I understand you're frustrated", "Jag förstår att du är frustrerad")
TIME_QUESTION = ("When did it happen?", "När hände det?")
DESCRIPTION_QUESTION = ("Tell me what happened", "Berätta vad som hänt")


def _count(replies: list[str], starts: tuple[str, ...]) -> int:
    return sum(any(start in reply for start in starts) for reply in replies)


def test_abuse_alone_in_a_form_gets_one_calm_reply_and_the_question_again(stack):
    user = "acct-en-form-abuse"
    supportbot(stack, "suspend", user, "--hours", "24", "--reason", "insults", "--agent", "lena")
    started = say(stack, user, "my account has been hacked, someone logged in from abroad")
    assert _count(started, TIME_QUESTION) == 1

    ranted = say(stack, user, "scammers!!!")
    assert _count(ranted, CALM) == 1, ranted  # not the hook's and the rule's both
    assert _count(ranted, TIME_QUESTION) == 1, ranted

    answered = say(stack, user, "yesterday around 9 in the evening")
    assert _count(answered, DESCRIPTION_QUESTION) == 1, answered


def test_an_asset_is_no_answer_to_when_it_happened(stack):
    user = "acct-sv-form-time"
    supportbot(stack, "suspend", user, "--hours", "24", "--reason", "hot", "--agent", "lena")
    started = say(stack, user, "mitt konto har blivit hackat, någon har loggat in")
    assert _count(started, TIME_QUESTION) == 1

    coin = say(stack, user, "BTC")
    assert any("inte en tidpunkt" in r for r in coin), coin
    assert _count(coin, TIME_QUESTION) == 1 and _count(coin, DESCRIPTION_QUESTION) == 0, coin

    answered = say(stack, user, "igår kväll vid nio")
    assert _count(answered, DESCRIPTION_QUESTION) == 1, answered
