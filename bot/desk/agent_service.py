"""The Desk's console accounts. It stores only password hashes; hashing and verifying is
bot.console.auth's job."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from bot.desk import agents
from bot.desk.clock import resolve_now
from bot.desk.errors import AgentExists
from bot.desk.models import AGENT_ROLES
from bot.desk.records import AgentInfo
from bot.desk.transactions import Transactions
from bot.desk.validation import non_empty, one_of


class AgentService(Transactions):
    def add_agent(
        self, name: str, role: str, password_hash: str, now: datetime | None = None
    ) -> AgentInfo:
        """A console account; AgentExists when the name is taken."""
        name = non_empty(name, "name")
        one_of(role, AGENT_ROLES, "role")
        password_hash = non_empty(password_hash, "password_hash")
        at = resolve_now(now)
        try:
            with self._write() as session:
                return agents.agent_info(
                    agents.create(session, name=name, role=role, password_hash=password_hash, at=at)
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
