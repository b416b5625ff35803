"""`python -m bot.run_rasa` is `rasa` without jax, with the speedups in place and NumPy
on one BLAS thread."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # starts a Rasa process of its own

CHECK = """
import sys
sys.argv = ["rasa", "--version"]
from bot import run_rasa
try:
    run_rasa.main()
except SystemExit:
    pass
import rasa.core.agent  # TensorFlow and all Rasa loads for a model
from rasa.engine.runner.dask import DaskGraphRunner
from threadpoolctl import threadpool_info
blas = {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}
print("RESULT", sys.modules["jax"] is None, "jaxlib" in sys.modules,
      DaskGraphRunner.run._supportbot, blas)
"""


def test_rasa_starts_without_jax_and_with_the_speedups() -> None:
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                          timeout=300)
    assert "Rasa Version" in done.stdout, done.stderr[-2000:]
    result = [line for line in done.stdout.splitlines() if line.startswith("RESULT")]
    # one BLAS thread: a second one only spins on the NLU's tiny products
    assert result == ["RESULT True False True {1}"], done.stderr[-2000:]


def test_the_api_token_is_added_in_the_process_not_on_the_command_line(monkeypatch) -> None:
    from bot.run_rasa import with_api_token

    monkeypatch.setenv("SUPPORTBOT_RASA_TOKEN", "token-from-the-environment")
    run = ["rasa", "run", "--enable-api", "--port", "5005"]
    assert with_api_token(run) == [*run, "--auth-token", "token-from-the-environment"]
    # Given one, or not serving the API, or not `run`: left as it is.
    for argv in ([*run, "--auth-token", "given"], [*run, "-t", "given"],
                 [*run, "--auth-token=given"], ["rasa", "run"], ["rasa", "shell"], ["rasa"]):
        assert with_api_token(argv) == argv


def test_rasa_run_listens_where_the_settings_say_not_everywhere() -> None:
    from bot.run_rasa import with_interface

    run = ["rasa", "run", "--enable-api", "--port", "5005"]
    assert with_interface(run, "127.0.0.1") == [*run, "--interface", "127.0.0.1"]
    for argv in ([*run, "--interface", "0.0.0.0"], [*run, "-i", "::"],
                 [*run, "--interface=0.0.0.0"], ["rasa", "shell"], ["rasa"]):
        assert with_interface(argv, "127.0.0.1") == argv


RUN_AND_SHOW = """
import sys
sys.argv = ["rasa", "run", "--enable-api", "--port", "0"]
import rasa.cli.run, rasa.__main__
rasa.cli.run.run = lambda args: print("TOKEN", args.auth_token, flush=True)
from bot import run_rasa
run_rasa.main()
print("CMDLINE", open("/proc/self/cmdline", "rb").read().replace(b"\\0", b" ").decode())
"""


def test_rasa_run_gets_the_token_from_the_environment_while_ps_shows_none() -> None:
    env = {**os.environ, "SUPPORTBOT_RASA_TOKEN": "in-process-token-1234567890"}
    done = subprocess.run([sys.executable, "-c", RUN_AND_SHOW], capture_output=True,
                          text=True, timeout=300, env=env)
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines()
                 if line.startswith(("TOKEN", "CMDLINE")))
    assert lines.get("TOKEN") == "in-process-token-1234567890", done.stderr[-2000:]
    assert "in-process-token" not in lines["CMDLINE"]
