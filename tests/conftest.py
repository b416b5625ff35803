"""Defaults for every test: never push into a developer's running bot, never write a
token into the repository's var/."""

import pytest


@pytest.fixture(autouse=True, scope="session")
def _isolated_rasa_api():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SUPPORTBOT_RASA_URL", "http://127.0.0.1:9")  # discard port: nobody
        patch.setenv("SUPPORTBOT_RASA_TOKEN", "test-token")
        yield
