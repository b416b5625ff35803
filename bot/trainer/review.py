"""The review inbox: user messages the bot was unsure of, for a trainer to label.

The action server calls `record_if_unsure` on every user message; a message whose intent
confidence is below the threshold (or that hit `nlu_fallback`) is stored, redacted of
secrets, with the predicted intent, confidence, language, sender id and time. A trainer
then runs `supportbot review list`, and `review assign ID INTENT` appends the text as a
training example to `data/nlu/<lang>/nlu.yml` (`faq.yml` for `faq/<topic>`), touching
nothing else in the file: comments, order and layout stay byte for byte. Or
`review dismiss ID`.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from bot.desk.clock import resolve_now, utc_now
from bot.desk.db import is_sqlite
from bot.desk.errors import DeskError
from bot.desk.models import REVIEW_STATUSES, ReviewItem
from bot.desk.records import to_plain
from bot.logs import log_event
from bot.redact import redact

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_THRESHOLD = 0.7  # above config.yml's fallback thresholds (0.4, FAQ answers 0.6)
FALLBACK_INTENT = "nlu_fallback"
MAX_TEXT = 2000  # characters stored; a flood is not a training example
RETRIEVAL_FILE = "faq.yml"
DEFAULT_FILE = "nlu.yml"


class ReviewError(DeskError):
    """A review action that cannot be done; the message is for the trainer."""


class ReviewItemNotFound(ReviewError, LookupError):
    def __init__(self, item_id: int) -> None:
        self.item_id = item_id
        super().__init__(f"review item {item_id} not found")


@dataclass(frozen=True)
class ReviewInfo:
    id: int
    text: str
    predicted_intent: str | None
    confidence: float | None
    reason: str
    language: str
    sender_id: str
    message_id: str | None
    status: str
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None
    assigned_intent: str | None

    def to_dict(self) -> dict[str, Any]:
        return {f.name: to_plain(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class Assignment:
    item: ReviewInfo
    file: str  # the data file the example went to
    line: int  # its 1-based line
    added: bool  # False: the intent already had this example; nothing was written

    def to_dict(self) -> dict[str, Any]:
        return {f.name: to_plain(getattr(self, f.name)) for f in fields(self)}


def _info(row: ReviewItem) -> ReviewInfo:
    return ReviewInfo(**{f.name: getattr(row, f.name) for f in fields(ReviewInfo)})


def _engine(desk_or_engine: Any) -> Engine:
    """A Desk (anything with .engine) or an Engine."""
    return getattr(desk_or_engine, "engine", desk_or_engine)


@contextmanager
def _session(engine: Engine, write: bool) -> Iterator[Session]:
    """One transaction; on SQLite, writers take the lock up front as the Desk does."""
    with Session(engine, future=True, expire_on_commit=False) as session:
        with session.begin():
            if is_sqlite(engine):
                session.connection().exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
            yield session


# -- storing -------------------------------------------------------------------------


def clean_text(text: str) -> str:
    """Redacted, one line, no control characters, at most MAX_TEXT characters."""
    text = redact(text)
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    text = " ".join(text.split())
    return text[:MAX_TEXT]


def record(
    desk_or_engine: Any,
    text: str,
    predicted_intent: str | None,
    confidence: float | None,
    language: str,
    sender_id: str,
    *,
    reason: str = "low_confidence",
    message_id: str | None = None,
    now: datetime | None = None,
) -> ReviewInfo | None:
    """Store a message for review, redacted first. None when `message_id` is already
    stored (the same message is recorded once) or nothing is left of the text."""
    stored = clean_text(text or "")
    if not stored:
        return None
    if confidence is not None:
        confidence = float(confidence)
    row = ReviewItem(
        text=stored,
        predicted_intent=predicted_intent,
        confidence=confidence,
        reason=reason,
        language=language,
        sender_id=sender_id,
        message_id=message_id or None,
        status="open",
        created_at=resolve_now(now),
    )
    engine = _engine(desk_or_engine)
    try:
        with _session(engine, write=True) as session:
            session.add(row)
            session.flush()
            return _info(row)
    except IntegrityError:
        if message_id is None:
            raise
        with _session(engine, write=False) as session:
            existing = session.scalars(
                select(ReviewItem).where(ReviewItem.message_id == message_id)
            ).first()
        if existing is None:
            raise
        return None


def unsure_prediction(
    latest_message: Mapping[str, Any], threshold: float
) -> tuple[str | None, float | None, str] | None:
    """(predicted label, confidence, reason) when the NLU was unsure of this message.

    Button payloads ("/intent") are never unsure. After `nlu_fallback`, the predicted
    label is the classifier's own best guess (the next in the ranking). For a retrieval
    intent (faq), the label is `faq/<topic>` and the confidence the lower of the intent's
    and the response selector's.
    """
    text = str(latest_message.get("text") or "")
    if not text.strip() or text.lstrip().startswith("/"):
        return None
    intent = latest_message.get("intent") or {}
    name, confidence = intent.get("name"), intent.get("confidence")
    if not name:
        return None
    if name == FALLBACK_INTENT:
        ranking = latest_message.get("intent_ranking") or []
        best = next((r for r in ranking if r.get("name") not in (None, FALLBACK_INTENT)), None)
        if best is None:
            return None, None, "fallback"
        label, confidence = _with_topic(latest_message, str(best["name"]), best.get("confidence"))
        return label, confidence, "fallback"
    label, confidence = _with_topic(latest_message, str(name), confidence)
    if confidence is None or confidence < threshold:
        return label, confidence, "low_confidence"
    return None


def _with_topic(
    latest_message: Mapping[str, Any], intent: str, confidence: Any
) -> tuple[str, float | None]:
    """`faq/<topic>` and the lower of the two confidences for a retrieval intent; else the
    intent and its confidence. An unsure FAQ answer (bot/nlu/faq_fallback.py) keeps its
    topic, so the trainer sees which answer the bot nearly gave."""
    label, value = intent, _number(confidence)
    selector = (latest_message.get("response_selector") or {}).get(intent)
    if isinstance(selector, Mapping):
        response = selector.get("response") or {}
        if response.get("intent_response_key"):
            label = str(response["intent_response_key"])
        selected = _number(response.get("confidence"))
        if selected is not None:
            value = selected if value is None else min(value, selected)
    return label, value


def _number(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def record_if_unsure(
    desk_or_engine: Any,
    tracker_latest_message: Mapping[str, Any],
    sender_id: str,
    language: str,
    threshold: float = DEFAULT_THRESHOLD,
) -> bool:
    """Store the message for review if the NLU was unsure of it; True when stored.

    Called by the action server on every user message: it never raises for a database
    problem (logged instead), because a review inbox must not stop a conversation.
    """
    unsure = unsure_prediction(tracker_latest_message, threshold)
    if unsure is None:
        return False
    label, confidence, reason = unsure
    try:
        item = record(
            desk_or_engine,
            str(tracker_latest_message.get("text") or ""),
            label,
            confidence,
            language or "en",
            sender_id,
            reason=reason,
            message_id=tracker_latest_message.get("message_id") or None,
        )
    except SQLAlchemyError as error:
        log_event(
            logger,
            "review_record_failed",
            logging.ERROR,
            user=sender_id,
            error=type(error).__name__,
        )
        return False
    if item is not None:
        log_event(logger, "review_recorded", item=item.id, intent=label, reason=reason)
    return item is not None


# -- reading and deciding ------------------------------------------------------------


def list_items(desk_or_engine: Any, status: str | None = "open") -> list[ReviewInfo]:
    """Items with `status` (None or "all": every item), oldest first."""
    query = select(ReviewItem).order_by(ReviewItem.created_at, ReviewItem.id)
    if status not in (None, "all"):
        if status not in REVIEW_STATUSES:
            raise ValueError(f"unknown status {status!r} (one of {', '.join(REVIEW_STATUSES)})")
        query = query.where(ReviewItem.status == status)
    with _session(_engine(desk_or_engine), write=False) as session:
        return [_info(row) for row in session.scalars(query)]


def get_item(desk_or_engine: Any, item_id: int) -> ReviewInfo:
    with _session(_engine(desk_or_engine), write=False) as session:
        row = session.get(ReviewItem, item_id)
        if row is None:
            raise ReviewItemNotFound(item_id)
        return _info(row)


def _close(
    desk_or_engine: Any,
    item_id: int,
    status: str,
    trainer: str | None,
    intent: str | None,
    now: datetime | None,
) -> ReviewInfo:
    with _session(_engine(desk_or_engine), write=True) as session:
        row = session.get(ReviewItem, item_id)
        if row is None:
            raise ReviewItemNotFound(item_id)
        if row.status != "open":
            raise ReviewError(f"review item {item_id} is already {row.status}")
        row.status = status
        row.resolved_at = resolve_now(now)
        row.resolved_by = trainer
        row.assigned_intent = intent
        session.flush()
        return _info(row)


def dismiss(
    desk_or_engine: Any, item_id: int, trainer: str | None = None, now: datetime | None = None
) -> ReviewInfo:
    """Close an item without adding it to the data (noise, not worth an example)."""
    return _close(desk_or_engine, item_id, "dismissed", trainer, None, now)


def assign(
    desk_or_engine: Any,
    item_id: int,
    intent: str,
    *,
    data_dir: Path | None = None,
    domain: Path | None = None,
    trainer: str | None = None,
    now: datetime | None = None,
) -> Assignment:
    """Append the item's (redacted) text to the intent's examples in its language's data
    file, then mark the item assigned.

    Refused: an unknown intent (a typo would invent one), `faq` without a topic, a
    language without a data folder, and a text that already is an example of another
    intent (that would make `supportbot validate` fail). A text the intent already has
    is not written twice.
    """
    from bot.trainer import data_checks

    data_dir = data_dir or PROJECT_ROOT / "data"
    domain = domain or data_dir.parent / "domain"
    item = get_item(desk_or_engine, item_id)
    if item.status != "open":
        raise ReviewError(f"review item {item_id} is already {item.status}")
    language_dir = data_dir / "nlu" / item.language
    if not language_dir.is_dir():
        raise ReviewError(f"no training data folder for language {item.language!r}")
    text = example_text(item.text)
    if not text:
        raise ReviewError(f"review item {item_id} has no text to add")

    examples = data_checks.load_examples(data_dir)
    known = {ex.label for ex in examples} | data_checks.domain_intents(domain)
    retrieval = {label.split("/", 1)[0] for label in known if "/" in label}
    if intent in retrieval:
        raise ReviewError(f"{intent} is a retrieval intent: name the topic ({intent}/<topic>)")
    if intent not in known or intent.startswith(data_checks.EXTERNAL_PREFIX):
        raise ReviewError(f"unknown intent {intent!r}")

    key = data_checks.normalise(text)
    same = [ex for ex in examples if data_checks.normalise(ex.text) == key]
    other = [ex for ex in same if ex.label != intent]
    if other:
        raise ReviewError(
            f"the text is already an example of {other[0].label} ({other[0].where}); "
            "dismiss the item or edit the data by hand"
        )
    mine = [ex for ex in same if ex.language == item.language]
    if mine:
        path, line, added = data_dir.parent / mine[0].file, mine[0].line, False
    else:
        path = target_file(language_dir, intent)
        line, added = append_example(path, intent, text), True
    closed = _close(desk_or_engine, item_id, "assigned", trainer, intent, now)
    return Assignment(closed, _relative(path, data_dir.parent), line, added)


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


# -- writing the data file -----------------------------------------------------------

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
            raise ReviewError(f"{path.name}: cannot add a block for {intent} (nlu: is not last)")
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
        raise ReviewError(f"{path.name}: {intent} has no `examples: |` block to append to")
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
    from ruamel.yaml import YAML

    from bot.trainer.data_checks import example_lines

    document = YAML(typ="safe").load(content) or {}
    for item in document.get("nlu") or []:
        if isinstance(item, dict) and str(item.get("intent")) == intent:
            block = item.get("examples")
            if isinstance(block, str) and text in [t for _, t in example_lines(block)]:
                return
    raise ReviewError(f"{path.name}: the example did not read back; the file was not changed")


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


# -- command line (registered in bot/cli.py as `supportbot review ...`) --------------


def _confidence(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def cmd_list(desk: Any, args: argparse.Namespace) -> tuple[Any, str]:
    from bot.cli import clean, span, table

    items = list_items(desk, args.status)
    if not items:
        return items, "The review inbox is empty." if args.status == "open" else "No items."
    now = utc_now()
    rows = [
        [
            str(i.id),
            i.status,
            i.language,
            clean(i.predicted_intent),
            _confidence(i.confidence),
            i.reason,
            clean(i.sender_id),
            span(now - i.created_at),
            clean(i.text if len(i.text) <= 80 else i.text[:79] + "…"),
        ]
        for i in items
    ]
    headers = ["ID", "STATUS", "LANG", "PREDICTED", "CONF", "REASON", "SENDER", "AGE", "TEXT"]
    return items, table(headers, rows)


def cmd_assign(desk: Any, args: argparse.Namespace) -> tuple[Any, str]:
    from bot.cli import clean

    done = assign(desk, args.id, args.intent, data_dir=args.data, trainer=args.trainer)
    where = f"{done.file}:{done.line}"
    if done.added:
        text = f"Item {done.item.id}: added to {args.intent} at {where}. Retrain to use it."
    else:
        text = f"Item {done.item.id}: {args.intent} already has this example ({where})."
    return done, f"{text}\n  {clean(done.item.text)}"


def cmd_dismiss(desk: Any, args: argparse.Namespace) -> tuple[Any, str]:
    item = dismiss(desk, args.id, trainer=args.trainer)
    return item, f"Item {item.id} dismissed."


def _item_id(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or int(value) <= 0:
        raise argparse.ArgumentTypeError(f"not a review item id: {value!r}")
    return int(value)


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add `review list|assign|dismiss` to supportbot's subcommands (desk handlers)."""
    help_ = "messages the bot was unsure of: label them as training data"
    review = commands.add_parser("review", parents=parents, help=help_, description=help_)
    sub = review.add_subparsers(dest="review_command", metavar="COMMAND", required=True)
    trainer = os.environ.get("USER") or "cli"

    def command(name: str, handler: Any, text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=parents, help=text, description=text)
        p.set_defaults(handler=handler)
        return p

    p = command("list", cmd_list, "items waiting for review, oldest first")
    p.add_argument("--status", choices=[*REVIEW_STATUSES, "all"], default="open")
    p = command("assign", cmd_assign, "add the item's text as an example of INTENT")
    p.add_argument("id", metavar="ID", type=_item_id)
    p.add_argument("intent", metavar="INTENT", help="e.g. report_account_hacked or faq/topic")
    p.add_argument("--data", type=Path, help="training data folder (default: data/)")
    p.add_argument("--trainer", default=trainer, help="your name (default: $USER)")
    p = command("dismiss", cmd_dismiss, "close the item without adding it")
    p.add_argument("id", metavar="ID", type=_item_id)
    p.add_argument("--trainer", default=trainer, help="your name (default: $USER)")
