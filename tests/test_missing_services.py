"""A missing service skips a test on a developer's machine and fails it in CI."""

import pytest

from tests.support.services import REQUIRE_SERVICES, missing


def test_a_missing_service_skips_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(REQUIRE_SERVICES, raising=False)
    with pytest.raises(pytest.skip.Exception, match="Redis unreachable"):
        missing("Redis unreachable")


def test_a_missing_service_fails_when_services_are_required(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(REQUIRE_SERVICES, "1")
    with pytest.raises(pytest.fail.Exception, match="Redis unreachable.*is a failure"):
        missing("Redis unreachable")
