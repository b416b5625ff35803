"""Console accounts on an open session (the Desk owns transactions).

The desk stores only password hashes; hashing and verifying is bot.console.auth's job.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.desk.models import Agent
from bot.desk.records import AgentInfo


def all_agents(session: Session) -> list[Agent]:
    return list(session.execute(select(Agent).order_by(Agent.name)).scalars())


def find(session: Session, name: str) -> Agent | None:
    return session.execute(select(Agent).where(Agent.name == name)).scalar_one_or_none()


def create(
    session: Session, *, name: str, role: str, password_hash: str, at: datetime,
    trainer: bool = False,
) -> Agent:
    row = Agent(name=name, role=role, password_hash=password_hash, created_at=at,
                disabled=False, trainer=trainer)
    session.add(row)
    session.flush()  # IntegrityError when the name is taken
    return row


def agent_info(row: Agent) -> AgentInfo:
    return AgentInfo(
        id=row.id,
        name=row.name,
        role=row.role,
        created_at=row.created_at,
        disabled=bool(row.disabled),
        trainer=bool(row.trainer),
        language=row.language or "en",
        must_change_password=bool(row.must_change_password),
    )
