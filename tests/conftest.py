"""Defaults for every test: never push into a developer's running bot, never write a
token into the repository's var/. And the real stack, one per test session, for every
folder that needs it (tests/dialogue, tests/channels, ...)."""

import os
from pathlib import Path

import pytest
from xdist import is_xdist_controller

from bot import rasa_patches
from bot.serve import Stack, write_endpoints
from bot.settings import get_settings
from bot.trainer.freshness import fresh_model
from tests.support.tools import ROOT, free_port, run_tool
from tests.support.workers import heaviest_first, once_per_run, xdist_group

# Fixtures more than one folder uses; helpers are plain imports from tests/support.
pytest_plugins = [
    "tests.support.services", "tests.support.backends", "tests.support.browser",
    "tests.support.fixtures", "tests.support.fault_summary",
]

# A test that uses one of these fixtures (directly or through another) gets the marker:
# `make test-fast` deselects `rasa` (a trained model), `e2e` (real Rasa and action
# servers) and `slow` (a console server, an action server or a browser of its own).
MARKER_BY_FIXTURE = {
    "trained_model": "rasa",
    "stack": "e2e",
    "fault_stack": "e2e",
    "scaled": "e2e",
    "console": "slow",
    "action_server": "slow",
    "site": "slow",
    "chat_page": "slow",
    "browser": "slow",
}


def pytest_sessionstart(session: pytest.Session) -> None:
    """Rasa run inside the test process is patched as bot/run_rasa.py patches the servers',
    before any test module is imported (collection comes after this hook). Not in xdist's
    controller, which runs no test (importing the patches imports TensorFlow: seconds of
    CPU); each worker installs them."""
    if not is_xdist_controller(session):
        rasa_patches.install()


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for fixture, marker in MARKER_BY_FIXTURE.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(marker)
        group = xdist_group(item)  # used by `-n 2 --dist loadgroup` (Makefile)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))
    heaviest_first(items, ("e2e", "rasa", "slow"))


@pytest.fixture(autouse=True, scope="session")
def _isolated_rasa_api():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SUPPORTBOT_RASA_URL", "http://127.0.0.1:9")  # discard port: nobody
        patch.setenv("SUPPORTBOT_RASA_TOKEN", "test-token")
        patch.setenv("SUPPORTBOT_ACTIONS_TOKEN", "test-actions-token-" + "a" * 32)
        yield


@pytest.fixture(autouse=True)
def _settings_read_per_test():
    """Each test's code reads the environment as the test left it (monkeypatch.setenv
    before the first use): the process's cached settings are dropped around it."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where browser tests save pictures: docs/screenshots/ only when asked
    (SUPPORTBOT_SCREENSHOTS=1, `make screenshots`), so a test run leaves the tree clean."""
    if os.environ.get("SUPPORTBOT_SCREENSHOTS") == "1":
        folder = ROOT / "docs" / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path_factory.mktemp("screenshots")


def _train() -> str:
    model = fresh_model()
    if model is not None:
        return str(model)
    result = run_tool("rasa", "train", "--domain", "domain", "--data", "data",
                      "--config", "config.yml", "--out", "models")
    assert result.returncode == 0, "rasa train failed"
    return str(max(ROOT.glob("models/*.tar.gz"), key=os.path.getmtime))


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The model of the data as it is: trained (or found up to date) once per run, by
    the first xdist worker that needs it."""
    return Path(once_per_run(tmp_path_factory, "trained_model", _train))


@pytest.fixture(scope="session")
def stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory):
    """Rasa, the action server and the console, once per run: every test that uses it
    runs on one xdist worker (tests/support/workers.py ONE_WORKER), in its file's order."""
    tmp = tmp_path_factory.mktemp("stack")
    actions_port = free_port()
    endpoints = write_endpoints(tmp / "endpoints.yml", actions_port, tmp / 'tracker.db')
    db = f"sqlite:///{tmp / 'desk.db'}"
    running = Stack(rasa_port=free_port(), actions_port=actions_port,
                    console_port=free_port(), model=str(trained_model),
                    endpoints=str(endpoints), log_dir=tmp / "log")
    running.env = {
        "SUPPORTBOT_DB_URL": db,
        "SUPPORTBOT_TRACKER_DB_URL": f"sqlite:///{tmp / 'tracker.db'}",
        "SUPPORTBOT_CONSOLE_SECRET": "test-secret-" + "x" * 32,
        "SUPPORTBOT_RASA_TOKEN": "test-rasa-token",
        # The CLI and the console push decisions to this Rasa.
        "SUPPORTBOT_RASA_URL": f"http://localhost:{running.rasa_port}",
        # Production sign-in: every chat message carries a token signed with this key.
        "SUPPORTBOT_IDENTITY_KEY": "test-identity-key-" + "k" * 32,
        "SUPPORTBOT_DEV_LOGIN": "0",
    }
    running.start()
    running.db = db
    yield running
    running.stop()
