"""`rasa data validate` in a subprocess with a timeout, its warnings told apart from the
known false alarms (responses uttered by custom actions or asked by forms, EXTERNAL_*
intents, retrieval intents Rasa counts twice)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot.trainer.data_checks import ERROR, WARNING, Problem

RASA_TIMEOUT_S = 300
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def rasa_command(domain: Path, data: Path, config: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "rasa",
        "data",
        "validate",
        "--domain",
        str(domain),
        "--data",
        str(data),
        "--config",
        str(config),
    ]


def _used_by_code(root: Path) -> tuple[set[str], tuple[str, ...]]:
    """Response names the custom actions utter, exactly or by prefix (f"utter_x_{y}")."""
    names: set[str] = set()
    prefixes: set[str] = set()
    for path in (root / "actions").glob("*.py"):
        source = path.read_text(encoding="utf-8", errors="replace")
        for match in re.finditer(r"utter_[A-Za-z0-9_/]*", source):
            (prefixes if match.group().endswith("_") else names).add(match.group())
    return names, tuple(prefixes)


def rasa_warnings(
    output: str, root: Path, retrieval_intents: Iterable[str] = ()
) -> tuple[list[str], list[str]]:
    """(warnings to show, known false alarms) from Rasa's output.

    False alarms: responses "not used in any story or rule" that custom actions utter or
    forms ask; EXTERNAL_* intents "not found in the NLU training data" (they come through
    the API); a retrieval intent "duplicated across domain files" (Rasa adds it again for
    the file holding its `utter_<intent>/<topic>` responses).
    """
    names, prefixes = _used_by_code(root)
    retrieval = set(retrieval_intents)
    shown, suppressed = [], []
    for line in _ANSI.sub("", output).splitlines():
        match = re.search(r"UserWarning: (.*)", line)
        if not match:
            continue
        message = match.group(1).strip()
        unused = re.match(r"The utterance '([^']+)' is not used in any story or rule", message)
        if unused:
            name = unused.group(1)
            # Forms ask with utter_ask_<form>_<slot>; actions utter the others themselves.
            if name.startswith("utter_ask_") or name in names or name.startswith(prefixes):
                suppressed.append(message)
                continue
        external = re.match(r"The intent '(EXTERNAL_[^']*)' is listed in the domain", message)
        duplicated = re.match(r"The following duplicated intents .*domain files: (.*)", message)
        if external or (
            duplicated and {name.strip() for name in duplicated.group(1).split(",")} <= retrieval
        ):
            suppressed.append(message)
            continue
        shown.append(message)
    return shown, suppressed


def run_rasa_validate(
    domain: Path,
    data: Path,
    config: Path,
    root: Path,
    timeout: float = RASA_TIMEOUT_S,
    retrieval_intents: Iterable[str] = (),
) -> tuple[list[Problem], dict[str, Any]]:
    command = rasa_command(domain, data, config)
    env = {**os.environ, "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "NO_COLOR": "1"}
    try:
        done = subprocess.run(
            command,
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        message = f"rasa data validate did not finish within {timeout:g} s"
        return [Problem(ERROR, "rasa", message)], {"ran": False, "error": message}
    except OSError as exc:
        message = f"rasa data validate could not start: {exc}"
        return [Problem(ERROR, "rasa", message)], {"ran": False, "error": message}
    output = done.stdout + done.stderr
    shown, suppressed = rasa_warnings(output, root, retrieval_intents)
    problems = [Problem(WARNING, "rasa", message) for message in shown]
    info: dict[str, Any] = {
        "ran": True,
        "returncode": done.returncode,
        "warnings": shown,
        "suppressed_warnings": len(suppressed),
        "false_alarms": suppressed,
    }
    if done.returncode != 0:
        tail = [line for line in _ANSI.sub("", output).splitlines() if line.strip()][-15:]
        info["output_tail"] = tail
        problems.insert(
            0,
            Problem(
                ERROR,
                "rasa",
                f"rasa data validate failed (exit {done.returncode}): "
                + (tail[-1] if tail else "no output"),
                {"output_tail": tail},
            ),
        )
    return problems, info
