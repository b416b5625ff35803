"""A clarifying question answered with something else: asked again with its buttons, once,
on the running bot."""

from __future__ import annotations

from tests.support.live import say


def test_funds_gone_then_a_time_gets_the_question_again(stack):
    user = "acct-clarify-again"
    asked = say(stack, user, "my bitcoin is just gone")
    assert any("Did someone else get into your account" in r for r in asked), asked
    again = say(stack, user, "about an hour ago i think")
    assert any("which of these it is" in r for r in again), again
    menu = say(stack, user, "about an hour ago i said")
    assert not any("which of these it is" in r for r in menu), menu
