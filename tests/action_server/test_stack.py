"""The stack as `make run` starts it (bot.serve.Stack; tests/conftest.py's `stack`):
Rasa reaches its action server with the secret, nobody else does, the action server
listens on loopback, no secret is on any command line, and the files it makes are
private."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
import yaml

from bot.desk import Desk, make_engine
from bot.serve import ROOT, write_endpoints
from tests.support.action_server import (
    BAD_CREDENTIALS,
    FORGED_CALLS,
    LOOPBACK,
    descendants,
    http,
    listening_addresses,
)
from tests.support.live import say

pytestmark = [pytest.mark.rasa, pytest.mark.e2e]


def test_rasa_reaches_the_action_server_with_the_secret(stack) -> None:
    replies = say(stack, "acct-secret-path", "any news on my ticket?")
    assert replies and all(replies), replies  # answered by action_check_status
    assert "action_call_refused" not in (stack.log_dir / "actions.log").read_text()


@pytest.mark.parametrize("credentials", list(BAD_CREDENTIALS))
def test_forged_calls_to_the_stacks_action_server_are_refused(stack, credentials) -> None:
    victim = "acct-stack-victim-" + str(abs(hash(credentials)) % 10**8)
    desk = Desk(make_engine(stack.db))
    real = desk.file_report(victim, "missing_withdrawal", {"asset": "ETH"}, f"{victim}:real")
    headers, query = BAD_CREDENTIALS[credentials]
    for name, make_call in FORGED_CALLS.items():
        answer = http(f"http://127.0.0.1:{stack.actions_port}/webhook{query}",
                      json.dumps(make_call(victim)).encode(),
                      {"Content-Type": "application/json", **headers})
        assert (answer.status, answer.json()) == (401, {"error": "unauthorized"}), name
        assert real.ticket.reference not in answer.text
    assert [t.category for t in desk.tickets_for_user(victim)] == ["missing_withdrawal"]
    assert desk.abuse_evidence(victim) == []


def test_the_action_server_listens_on_loopback_only(stack) -> None:
    addresses = listening_addresses(stack.actions_port)
    assert addresses and addresses <= LOOPBACK, addresses


def test_no_secret_is_on_any_command_line(stack) -> None:
    secrets = {name: value for name, value in {
        **stack.env, "SUPPORTBOT_ACTIONS_TOKEN": os.environ["SUPPORTBOT_ACTIONS_TOKEN"],
    }.items() if name.endswith(("_TOKEN", "_SECRET", "_KEY"))}
    assert set(secrets) >= {"SUPPORTBOT_RASA_TOKEN", "SUPPORTBOT_ACTIONS_TOKEN"}
    pids = descendants({process.pid for process in stack.processes.values()})
    assert len(pids) >= len(stack.processes)
    for pid in pids:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        for name, value in secrets.items():
            assert value not in cmdline, f"{name} on the command line of {pid}"
    # And Rasa did get its token: its API answers with it and refuses without it.
    status = f"http://127.0.0.1:{stack.rasa_port}/status"
    assert http(status).status == 401
    assert http(f"{status}?token={stack.env['SUPPORTBOT_RASA_TOKEN']}").status == 200


def test_what_the_stack_wrote_is_private(stack) -> None:
    say(stack, "acct-private-files", "hello")  # the databases and their WAL files exist
    home = stack.log_dir.parent  # the stack's own var/: databases, logs, endpoints
    found = {path.relative_to(home).as_posix(): stat.S_IMODE(path.stat().st_mode)
             for path in home.rglob("*")}
    assert {"desk.db", "tracker.db", "log/rasa.log", "log/actions.log"} <= set(found), found
    assert any(name.endswith("-wal") for name in found), found
    loose = {name: oct(mode) for name, mode in found.items()
             if mode != (0o700 if (home / name).is_dir() else 0o600)}
    assert not loose


def test_the_tests_endpoints_send_the_secret_as_make_run_does(tmp_path) -> None:
    ours = yaml.safe_load(write_endpoints(tmp_path / "e.yml", 5055, tmp_path / "t.db")
                          .read_text())["action_endpoint"]
    for shipped in ("endpoints.yml", "endpoints.scaled.yml"):
        endpoint = yaml.safe_load((ROOT / shipped).read_text())["action_endpoint"]
        assert endpoint["headers"] == ours["headers"] == {
            "Authorization": "Bearer ${SUPPORTBOT_ACTIONS_TOKEN}"}, shipped
