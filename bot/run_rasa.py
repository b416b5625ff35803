"""The Rasa server as supportbot runs it: `python -m bot.run_rasa run ...` is `rasa run ...`
with two things done first, before Rasa imports TensorFlow and loads the model.

- jax is kept out. TensorFlow 2.12 requires jax (for TFLite's jax converter, which
  catches its absence) and imports it at start-up if installed: ~105 MB of the Rasa
  process and ~0.5 s of start-up for nothing Rasa uses.
- Rasa's per-message waste is patched away (bot/rasa_speedups.py).
- NumPy's OpenBLAS runs on one thread. The NLU's products are tiny (one message against
  linear models): a second BLAS thread only spun, and doubled the CPU of each parse
  (2.2 -> 4.2 ms per parse, measured) while taking a core from the action server.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # read when NumPy is imported
    sys.modules.setdefault("jax", None)  # type: ignore[arg-type]  # `import jax` -> ImportError
    from bot import rasa_speedups

    rasa_speedups.install()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
