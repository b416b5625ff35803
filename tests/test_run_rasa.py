"""`python -m bot.run_rasa` is `rasa` without jax and with the speedups in place."""

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
from rasa.utils.tensorflow.models import RasaModel
print("RESULT", sys.modules["jax"] is None, "jaxlib" in sys.modules, RasaModel.load._supportbot)
"""


def test_rasa_starts_without_jax_and_with_the_speedups() -> None:
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                          timeout=300)
    assert "Rasa Version" in done.stdout, done.stderr[-2000:]
    result = [line for line in done.stdout.splitlines() if line.startswith("RESULT")]
    assert result == ["RESULT True False True"], done.stderr[-2000:]
