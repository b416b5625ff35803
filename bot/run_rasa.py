"""The Rasa server as supportbot runs it: `python -m bot.run_rasa run ...` is `rasa run ...`
with a few things done first, before Rasa imports TensorFlow and loads the model.

- The server is supportbot's (bot/server.py: its routes, middleware and workers beside
  the chat channels of credentials.yml), added through Rasa's plugin hooks.
- jax is kept out. TensorFlow 2.12 requires jax (for TFLite's jax converter, which
  catches its absence) and imports it at start-up if installed: ~105 MB of the Rasa
  process and ~0.5 s of start-up for nothing Rasa uses.
- Rasa's internals that no seam reaches are patched (bot/rasa_patches): this is the
  one place they are installed for every Rasa command. A Rasa version they were not
  proven on stops here with a clear error (exit status 2).
- NumPy's OpenBLAS runs on one thread. The NLU's products are tiny (one message against
  linear models): a second BLAS thread only spun, and doubled the CPU of each parse
  (2.2 -> 4.2 ms per parse, measured) while taking a core from the action server.
- Secrets stay off the command line, which any user of the machine can read (`ps`,
  /proc/<pid>/cmdline): `run --enable-api` gets `--auth-token` here, in the process, from
  SUPPORTBOT_RASA_TOKEN or var/rasa_token; the action server's secret, which
  endpoints.yml reads as ${SUPPORTBOT_ACTIONS_TOKEN}, from the environment or
  var/actions_token.
- Files are created private (umask 077): the tracker's SQLite files, logs.
- `rasa run` listens on loopback (SUPPORTBOT_RASA_HOST), not Rasa's every interface: a
  flood of large requests costs Rasa's one core about 1 ms each even when refused, so
  the public side is nginx's (deploy/nginx), which refuses them for a fraction of that.
"""

from __future__ import annotations

import logging
import os
import sys

from bot.local_secrets import actions_token, rasa_token
from bot.logs import log_event
from bot.private_files import restrict_umask
from bot.settings import SettingsError, get_settings

logger = logging.getLogger("bot.run_rasa")
ACTIONS_TOKEN_ENV = "SUPPORTBOT_ACTIONS_TOKEN"  # what endpoints.yml substitutes

TOKEN_FLAGS = ("--auth-token", "-t")
# Subcommands that read endpoints.yml, and so call the action server.
CALLING_ACTIONS = frozenset({"run", "shell", "interactive", "test"})


def with_api_token(argv: list[str]) -> list[str]:
    """`argv` with Rasa's API token added when `rasa run --enable-api` is given none."""
    if len(argv) < 2 or argv[1] != "run" or "--enable-api" not in argv:
        return argv
    if any(arg in TOKEN_FLAGS or arg.startswith("--auth-token=") for arg in argv):
        return argv
    return [*argv, "--auth-token", rasa_token()]


INTERFACE_FLAGS = ("--interface", "-i")


def with_interface(argv: list[str], host: str) -> list[str]:
    """`argv` with `--interface host` added to `rasa run` when it names none: Rasa's own
    default is every interface."""
    if len(argv) < 2 or argv[1] != "run":
        return argv
    if any(arg in INTERFACE_FLAGS or arg.startswith("--interface=") for arg in argv):
        return argv
    return [*argv, "--interface", host]


def main() -> None:
    restrict_umask()
    try:
        settings = get_settings()  # a bad value stops here, before the model loads
    except SettingsError as error:
        log_event(logger, "settings_invalid", logging.ERROR, error=str(error))
        print(f"supportbot: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    sys.argv = with_api_token(sys.argv)  # Python's copy; /proc/<pid>/cmdline keeps the original
    sys.argv = with_interface(sys.argv, settings.rasa.host)
    calls_actions = len(sys.argv) > 1 and sys.argv[1] in CALLING_ACTIONS
    if calls_actions and not settings.actions.token:
        os.environ[ACTIONS_TOKEN_ENV] = actions_token()  # for Rasa's ${...} in endpoints.yml
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # read when NumPy is imported
    sys.modules.setdefault("jax", None)  # type: ignore[arg-type]  # `import jax` -> ImportError
    from bot import rasa_patches

    try:
        rasa_patches.install()
    except rasa_patches.RasaVersionUnproven as error:
        print(f"supportbot: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    from rasa.__main__ import main as rasa_main

    from bot import server

    server.register()
    rasa_main()


if __name__ == "__main__":
    main()
