"""Desk fixtures: a migrated Desk on a fresh SQLite file; tests marked
`@pytest.mark.both_backends` also run on a fresh PostgreSQL schema."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError

from bot.desk import Desk, make_engine, migrate
from tests.pg_schema import throwaway_schema

PG_CANDIDATES = (
    "postgresql://postgres@localhost/test",
    "postgresql://root@localhost/test",
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "both_backends: run on SQLite and on PostgreSQL")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        both = metafunc.definition.get_closest_marker("both_backends") is not None
        backends = ["sqlite", "postgresql"] if both else ["sqlite"]
        metafunc.parametrize("backend", backends, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """URL of a reachable PostgreSQL ($SUPPORTBOT_TEST_PG_URL first), else skip."""
    env_url = os.environ.get("SUPPORTBOT_TEST_PG_URL")
    errors = []
    for url in ([env_url] if env_url else []) + list(PG_CANDIDATES):
        engine = create_engine(url, future=True, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
            return url
        except OperationalError as exc:
            errors.append(f"{url}: {str(exc.orig).strip().splitlines()[0]}")
        finally:
            engine.dispose()
    pytest.skip("PostgreSQL unreachable: " + "; ".join(errors))


@pytest.fixture
def db_url(backend: str, tmp_path, request: pytest.FixtureRequest) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'desk.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    with throwaway_schema(server, f"sb_test_{os.getpid()}") as url:
        yield url


@pytest.fixture
def desk(db_url: str) -> Iterator[Desk]:
    migrate(db_url)
    engine = make_engine(db_url)
    try:
        yield Desk(engine)
    finally:
        engine.dispose()
