"""`python -m bot.run_rasa` is `rasa` without jax, with the speedups in place and NumPy
on one BLAS thread."""

from __future__ import annotations

import subprocess
import sys

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
