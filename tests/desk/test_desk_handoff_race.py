"""Suspending and asking for staff at the same moment never leave a suspended user with
an open request for staff, whichever transaction wins (real threads, real databases)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from bot.desk import HUMAN_HANDOFF, Desk, HandoffRefused

ROUNDS = 25


def _together(*calls: Callable[[], object]) -> list[BaseException]:
    start = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call: Callable[[], object]) -> None:
        start.wait()
        try:
            call()
        except HandoffRefused:
            pass  # the suspension came first: the desk refused the handoff
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.both_backends
def test_no_open_handoff_survives_a_concurrent_suspension(desk: Desk) -> None:
    for round_ in range(ROUNDS):
        user = f"acct-race-{round_}"
        errors = _together(
            lambda u=user: desk.file_report(u, HUMAN_HANDOFF, {}, f"h-{u}"),
            lambda u=user: desk.suspend(u.upper(), 24, "threats", "lena"),
        )
        assert errors == []
        assert desk.active_suspension(user) is not None
        still_open = [t for t in desk.tickets_for_user(user) if t.status != "resolved"]
        assert still_open == [], f"round {round_}: {still_open}"
