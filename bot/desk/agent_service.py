"""The Desk's console accounts. It stores only password hashes; hashing and verifying is
bot.console.auth's job."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.desk import agents
from bot.desk.clock import resolve_now
from bot.desk.errors import AgentExists, AgentNotFound
from bot.desk.models import AGENT_ROLES, Agent, ConsoleSession
from bot.desk.records import AgentInfo
from bot.desk.transactions import Transactions
from bot.desk.validation import non_empty, one_of
from bot.i18n import LANGUAGES


class AgentService(Transactions):
    def add_agent(
        self, name: str, role: str, password_hash: str, now: datetime | None = None,
        *, trainer: bool = False,
    ) -> AgentInfo:
        """A console account (`trainer`: it may also label and train); AgentExists when
        the name is taken."""
        name = non_empty(name, "name")
        one_of(role, AGENT_ROLES, "role")
        password_hash = non_empty(password_hash, "password_hash")
        at = resolve_now(now)
        try:
            with self._write() as session:
                return agents.agent_info(
                    agents.create(
                        session, name=name, role=role, password_hash=password_hash, at=at,
                        trainer=trainer,
                    )
                )
        except IntegrityError:
            raise AgentExists(name) from None

    def agent_credentials(self, name: str) -> tuple[AgentInfo, str] | None:
        """(account, password hash) for sign-in; None when there is no such agent."""
        with self._read() as session:
            row = agents.find(session, name)
            return None if row is None else (agents.agent_info(row), row.password_hash)

    def get_agent(self, name: str) -> AgentInfo | None:
        with self._read() as session:
            row = agents.find(session, name)
            return None if row is None else agents.agent_info(row)

    def set_agent_password(self, name: str, password_hash: str) -> None:
        """Store a new hash (e.g. rehashed with stronger parameters at sign-in)."""
        with self._write() as session:
            row = agents.find(session, name)
            if row is not None:
                row.password_hash = non_empty(password_hash, "password_hash")

    def set_agent_trainer(self, name: str, trainer: bool) -> AgentInfo:
        """Give or take the trainer role; LookupError when there is no such agent."""
        with self._write() as session:
            row = agents.find(session, name)
            if row is None:
                raise LookupError(f"no agent {name}")
            row.trainer = trainer
            session.flush()
            return agents.agent_info(row)

    def list_agents(self) -> list[AgentInfo]:
        with self._read() as session:
            return [agents.agent_info(row) for row in agents.all_agents(session)]

    def set_agent_disabled(self, name: str, disabled: bool) -> AgentInfo:
        """Disable (or enable) an account. Disabling ends its console sessions in the
        same transaction, so no open page keeps working; AgentNotFound if none."""
        with self._write() as session:
            row = _existing(session, name)
            row.disabled = disabled
            if disabled:
                _end_sessions(session, name)
            session.flush()
            return agents.agent_info(row)

    def reset_agent_password(self, name: str, password_hash: str) -> AgentInfo:
        """A lead's reset: the new (one-time) password must be changed at the next
        sign-in, and every session of the agent ends now."""
        with self._write() as session:
            row = _existing(session, name)
            row.password_hash = non_empty(password_hash, "password_hash")
            row.must_change_password = True
            _end_sessions(session, name)
            session.flush()
            return agents.agent_info(row)

    def change_own_password(self, name: str, password_hash: str) -> AgentInfo:
        """The agent's own new password; clears a pending reset."""
        with self._write() as session:
            row = _existing(session, name)
            row.password_hash = non_empty(password_hash, "password_hash")
            row.must_change_password = False
            session.flush()
            return agents.agent_info(row)

    def set_agent_language(self, name: str, language: str) -> AgentInfo:
        """The console's language for this agent ("en" or "sv")."""
        one_of(language, LANGUAGES, "language")
        with self._write() as session:
            row = _existing(session, name)
            row.language = language
            session.flush()
            return agents.agent_info(row)

    def set_agent_role(self, name: str, role: str) -> AgentInfo:
        one_of(role, AGENT_ROLES, "role")
        with self._write() as session:
            row = _existing(session, name)
            row.role = role
            session.flush()
            return agents.agent_info(row)


def _existing(session: Session, name: str) -> Agent:
    row = agents.find(session, name)
    if row is None:
        raise AgentNotFound(name)
    return row


def _end_sessions(session: Session, name: str) -> None:
    session.execute(delete(ConsoleSession).where(ConsoleSession.agent == name))
