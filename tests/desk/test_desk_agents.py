"""Console accounts managed by a lead: disable, reset, language, role, reassign."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.console.sessions import SessionStore
from bot.desk import Desk
from bot.desk.errors import AgentNotFound, AgentUnavailable, NotHolder


@pytest.fixture
def agents(desk: Desk) -> Desk:
    desk.add_agent("lead", "lead", "hash-lead")
    desk.add_agent("ann", "agent", "hash-ann")
    desk.add_agent("bo", "agent", "hash-bo")
    return desk


@pytest.mark.both_backends
def test_disabling_ends_every_session_at_once(agents: Desk) -> None:
    sessions = SessionStore(agents.engine, timedelta(hours=1))
    token = sessions.start("ann")
    assert sessions.agent_of(token) == "ann"
    assert agents.set_agent_disabled("ann", True).disabled
    assert sessions.agent_of(token) is None
    assert not agents.set_agent_disabled("ann", False).disabled
    with pytest.raises(AgentNotFound):
        agents.set_agent_disabled("nobody", True)


def test_a_reset_password_must_be_changed_and_ends_sessions(agents: Desk) -> None:
    sessions = SessionStore(agents.engine, timedelta(hours=1))
    token = sessions.start("ann")
    info = agents.reset_agent_password("ann", "hash-once")
    assert info.must_change_password and sessions.agent_of(token) is None
    assert agents.agent_credentials("ann")[1] == "hash-once"
    # A rehash at sign-in keeps the reset pending; only the agent's own change clears it.
    agents.set_agent_password("ann", "hash-rehashed")
    assert agents.get_agent("ann").must_change_password
    assert not agents.change_own_password("ann", "hash-own").must_change_password


def test_language_and_role(agents: Desk) -> None:
    assert agents.get_agent("ann").language == "en"
    assert agents.set_agent_language("ann", "sv").language == "sv"
    with pytest.raises(ValueError):
        agents.set_agent_language("ann", "de")
    assert agents.set_agent_role("ann", "lead").role == "lead"
    assert [a.name for a in agents.list_agents()] == ["ann", "bo", "lead"]


@pytest.mark.both_backends
def test_reassign_moves_a_held_ticket_with_a_history_event(agents: Desk) -> None:
    filed = agents.file_report("acct-1", "missing_deposit", {}, "k1").ticket
    with pytest.raises(NotHolder):
        agents.reassign(filed.id, "bo", "lead")  # nobody holds it yet
    agents.claim(filed.id, "ann")
    moved = agents.reassign(filed.id, "bo", "lead")
    assert (moved.assignee, moved.status) == ("bo", "claimed")
    event = agents.get_ticket(filed.id).events[-1]
    assert (event.kind, event.actor, event.detail) == (
        "reassigned", "lead", {"from": "ann", "to": "bo"})
    agents.set_agent_disabled("ann", True)
    with pytest.raises(AgentUnavailable):
        agents.reassign(filed.id, "ann", "lead")
    with pytest.raises(AgentNotFound):
        agents.reassign(filed.id, "nobody", "lead")
