"""Action tests here use the actions' desk fixture (a real SQLite file)."""

from tests.actions.conftest import desk  # noqa: F401
