"""Desk tests on both databases: a test marked `@pytest.mark.both_backends` that uses
`db_url` (or `backend`) runs on a fresh SQLite file and on a fresh PostgreSQL schema;
unmarked, on SQLite only. Registered for every folder by tests/conftest.py."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support.pg_schema import throwaway_schema


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "both_backends: run on SQLite and on PostgreSQL")


def _parametrized_by_the_test(metafunc: pytest.Metafunc, name: str) -> bool:
    for marker in metafunc.definition.iter_markers("parametrize"):
        names = marker.args[0]
        names = names.split(",") if isinstance(names, str) else names
        if name in [n.strip() for n in names]:
            return True
    return False


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames and not _parametrized_by_the_test(metafunc, "backend"):
        both = metafunc.definition.get_closest_marker("both_backends") is not None
        metafunc.parametrize("backend", ["sqlite", "postgresql"] if both else ["sqlite"],
                             indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def db_url(backend: str, tmp_path, request: pytest.FixtureRequest) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'desk.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    with throwaway_schema(server, f"sb_test_{os.getpid()}") as url:
        yield url
