"""The scaled profile's action servers (endpoints.scaled.yml): Rasa reaches each with the
secret, forged calls to either are refused, both listen on loopback, and no secret of the
profile (tokens, broker and Redis passwords) is on any process's command line or in the
configs written for supervisord and nginx."""

from __future__ import annotations

import json
import os

import pytest

from bot.desk import Desk, make_engine
from tests.support.action_server import (
    BAD_CREDENTIALS,
    FORGED_CALLS,
    LOOPBACK,
    descendants,
    http,
    listening_addresses,
)
from tests.support.scaled import say

pytestmark = [pytest.mark.rasa, pytest.mark.e2e]


def test_each_instance_reaches_its_action_server(scaled) -> None:
    for index, port in enumerate(scaled.rasa_ports):
        replies = say(scaled, port, f"acct-scaled-secret-{index}", "any news on my ticket?")
        assert replies and all(replies), replies
    for number in (1, 2):
        log = (scaled.log_dir / f"actions{number}.log").read_text()
        assert "action_call_refused" not in log


def test_forged_calls_to_either_action_server_are_refused(scaled) -> None:
    desk = Desk(make_engine(scaled.services.desk_url))
    tried = 0
    for port in scaled.actions_ports:
        for credentials, (headers, query) in BAD_CREDENTIALS.items():
            victim = f"acct-scaled-victim-{port}-{abs(hash(credentials)) % 10**6}"
            for name, make_call in FORGED_CALLS.items():
                answer = http(f"http://127.0.0.1:{port}/webhook{query}",
                              json.dumps(make_call(victim)).encode(),
                              {"Content-Type": "application/json", **headers})
                assert answer.status == 401, (port, credentials, name)
                tried += 1
            assert desk.tickets_for_user(victim) == []
            assert desk.abuse_evidence(victim) == []
    assert tried == 2 * len(BAD_CREDENTIALS) * len(FORGED_CALLS)


def test_the_action_servers_listen_on_loopback_only(scaled) -> None:
    for port in scaled.actions_ports:
        addresses = listening_addresses(port)
        assert addresses and addresses <= LOOPBACK, (port, addresses)


def test_no_secret_of_the_profile_is_on_a_command_line(scaled) -> None:
    services = scaled.services
    secrets = {"rasa token": scaled.env["SUPPORTBOT_RASA_TOKEN"],
               "identity key": scaled.env["SUPPORTBOT_IDENTITY_KEY"],
               "actions token": os.environ["SUPPORTBOT_ACTIONS_TOKEN"]}
    if services.rabbitmq_password:
        secrets["amqp url"] = services.amqp_url()
    if services.redis_password:
        secrets["redis password"] = services.redis_password
    pids = descendants({scaled.process.pid})  # supervisord and all it runs
    assert len(pids) >= 7  # supervisord, two Rasa, two action servers, console, nginx
    written = [scaled.config, *(scaled.run_dir / "nginx").rglob("*.conf")]
    for path in written:  # nor in a config the launcher wrote
        for name, value in secrets.items():
            assert value not in path.read_text(), f"{name} in {path}"
    for pid in pids:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                cmdline = handle.read().decode("utf-8", "replace")
        except OSError:
            continue
        for name, value in secrets.items():
            assert value not in cmdline, f"{name} on the command line of {pid}"
