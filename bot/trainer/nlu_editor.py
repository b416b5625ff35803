"""Adding one training example to an NLU data file (`data/nlu/<lang>/*.yml`) as plain
text insertion: comments, order, quoting and blank lines stay byte for byte, and the
result is parsed back before it atomically replaces the file."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path

from ruamel.yaml import YAML

from bot.trainer.nlu_data import example_lines

RETRIEVAL_FILE = "faq.yml"
DEFAULT_FILE = "nlu.yml"


class NluFileError(ValueError):
    """The data file cannot take the example as asked; the message is for the trainer."""


_INTENT_LINE = re.compile(r"^(?P<indent>[ ]*)-[ ]+intent:[ ]*(?P<name>[^#]*?)[ ]*(?:#.*)?$")
_EXAMPLES_LINE = re.compile(r"^(?P<indent>[ ]+)examples:[ ]*\|[-+]?[ ]*(?:#.*)?$")
_TOP_LEVEL_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w-]*):")


def example_text(text: str) -> str:
    """One line that reads back as exactly this text from a literal block, with no
    accidental entity markup: "[x](y)" would be an entity annotation for Rasa."""
    text = " ".join(
        "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text).split()
    )
    return re.sub(r"\](?=[(\[{])", "] ", text)


def target_file(language_dir: Path, intent: str) -> Path:
    """nlu.yml (faq.yml for a retrieval intent `x/topic`), unless only another file of
    `language_dir` has the intent's block (an intent of its own file, funds_gone.yml):
    reviewed messages join the main file, not the themed ones (angry.yml, voices.yml)."""
    main = language_dir / (RETRIEVAL_FILE if "/" in intent else DEFAULT_FILE)
    others = sorted(p for p in language_dir.glob("*.yml") if p != main)
    for path in [main, *others]:
        if path.exists() and _find_block(
            path.read_text(encoding="utf-8").splitlines(keepends=True), intent
        ):
            return path
    return main


def _unquote(name: str) -> str:
    name = name.strip()
    if len(name) >= 2 and name[0] == name[-1] and name[0] in "\"'":
        return name[1:-1]
    return name


def _find_block(lines: list[str], intent: str) -> int | None:
    for index, line in enumerate(lines):
        match = _INTENT_LINE.match(line.rstrip("\r\n"))
        if match and _unquote(match.group("name")) == intent:
            return index
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def append_example(path: Path, intent: str, text: str) -> int:
    """Add `- text` as the intent's last example in `path`; returns its 1-based line.

    Plain text insertion: every other byte of the file stays as it was (comments, order,
    quoting, blank lines). A missing intent block is added at the end of the file, if
    `nlu:` is the file's last top-level key. The result is parsed back and checked
    before it replaces the file (atomically).
    """
    if "\n" in text or not text.strip():
        raise ValueError("an example is one non-empty line")
    original = path.read_text(encoding="utf-8") if path.exists() else 'version: "3.1"\n\nnlu:\n'
    lines = original.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    start = _find_block(lines, intent)
    if start is None:
        keys = [m.group("key") for m in map(_TOP_LEVEL_KEY.match, lines) if m]
        if not keys or keys[-1] != "nlu":
            raise NluFileError(f"{path.name}: cannot add a block for {intent} (nlu: is not last)")
        dash = next((m.group("indent") for m in map(_INTENT_LINE.match, lines) if m), "")
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += newline
        if lines and lines[-1].strip():
            lines.append(newline)
        lines += [
            f"{dash}- intent: {intent}{newline}",
            f"{dash}  examples: |{newline}",
            f"{dash}    - {text}{newline}",
        ]
        inserted_at = len(lines) - 1
    else:
        inserted_at = _insert_into_block(lines, start, intent, text, newline, path)
    updated = "".join(lines)
    _check_parses_with(updated, intent, text, path)
    _write_atomically(path, updated)
    return inserted_at + 1


def _insert_into_block(
    lines: list[str], start: int, intent: str, text: str, newline: str, path: Path
) -> int:
    dash_indent = _indent(lines[start])
    examples_at = None
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if line.strip() and not line.lstrip().startswith("#") and _indent(line) <= dash_indent:
            break  # the next block or top-level key
        if _EXAMPLES_LINE.match(line.rstrip("\r\n")):
            examples_at = index
            break
    if examples_at is None:
        raise NluFileError(f"{path.name}: {intent} has no `examples: |` block to append to")
    key_indent = _indent(lines[examples_at])
    content_indent = None
    last_content = examples_at
    for index in range(examples_at + 1, len(lines)):
        line = lines[index]
        if not line.strip():
            continue
        if content_indent is None:
            if _indent(line) <= key_indent:
                break
            content_indent = _indent(line)
        elif _indent(line) < content_indent:
            break
        last_content = index
    indent = " " * (content_indent if content_indent is not None else key_indent + 2)
    if not lines[last_content].endswith("\n"):
        lines[last_content] += newline
    lines.insert(last_content + 1, f"{indent}- {text}{newline}")
    return last_content + 1


def _check_parses_with(content: str, intent: str, text: str, path: Path) -> None:
    document = YAML(typ="safe").load(content) or {}
    for item in document.get("nlu") or []:
        if isinstance(item, dict) and str(item.get("intent")) == intent:
            block = item.get("examples")
            if isinstance(block, str) and text in [t for _, t in example_lines(block)]:
                return
    raise NluFileError(f"{path.name}: the example did not read back; the file was not changed")


def _write_atomically(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(content)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
