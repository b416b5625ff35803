"""`supportbot review`: the trainer's side of the review inbox.

The action server records user messages the bot was unsure of (actions/review_inbox.py;
stored, redacted, through the Desk). A trainer runs `supportbot review list`, and
`review assign ID INTENT` appends the text as a training example to
`data/nlu/<lang>/nlu.yml` (`faq.yml` for `faq/<topic>`), touching nothing else in the
file (bot/trainer/nlu_editor.py). Or `review dismiss ID`.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.desk import Desk
from bot.desk.clock import span, utc_now
from bot.desk.models import REVIEW_STATUSES
from bot.desk.records import to_plain
from bot.desk.reviews import ReviewError, ReviewInfo
from bot.terminal import clean, operator_name, table
from bot.trainer.nlu_data import EXTERNAL_PREFIX, Example, domain_intents, load_examples
from bot.trainer.nlu_editor import append_example, example_text, target_file
from bot.trainer.similarity import jaccard, normalise, trigrams

RETRIEVAL_INTENT = "faq"  # the FAQ's retrieval intent: faq/<topic>

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Assignment:
    item: ReviewInfo
    file: str  # the data file the example went to
    line: int  # its 1-based line
    added: bool  # False: the intent already had this example; nothing was written

    def to_dict(self) -> dict[str, Any]:
        return {f.name: to_plain(getattr(self, f.name)) for f in fields(self)}


def assign(
    desk: Desk,
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
    data_dir = data_dir or PROJECT_ROOT / "data"
    domain = domain or data_dir.parent / "domain"
    item = desk.review_item(item_id)
    if item.status != "open":
        raise ReviewError(f"review item {item_id} is already {item.status}")
    language_dir = data_dir / "nlu" / item.language
    if not language_dir.is_dir():
        raise ReviewError(f"no training data folder for language {item.language!r}")
    text = example_text(item.text)
    if not text:
        raise ReviewError(f"review item {item_id} has no text to add")

    examples = load_examples(data_dir)
    if intent not in assignable_intents(examples, domain):
        known = {ex.label for ex in examples} | domain_intents(domain)
        if any(label.startswith(f"{intent}/") for label in known):
            raise ReviewError(
                f"{intent} is a retrieval intent: name the topic ({intent}/<topic>)"
            )
        raise ReviewError(f"unknown intent {intent!r}")

    key = normalise(text)
    same = [ex for ex in examples if normalise(ex.text) == key]
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
    closed = desk.mark_review_assigned(item_id, intent, trainer=trainer, now=now)
    return Assignment(closed, _relative(path, data_dir.parent), line, added)


def assignable_intents(examples: list[Example], domain: Path) -> list[str]:
    """What an item may be labelled as, sorted: the intents of the data and the domain,
    each retrieval intent by its topics (`faq/<topic>`, never bare `faq`), no
    `EXTERNAL_` intent (those the bot sends itself)."""
    known = {ex.label for ex in examples} | domain_intents(domain)
    retrieval = {label.split("/", 1)[0] for label in known if "/" in label}
    return sorted(
        label for label in known
        if label not in retrieval and not label.startswith(EXTERNAL_PREFIX)
    )


@dataclass(frozen=True)
class Nearest:
    topic: str  # faq/<topic>
    similarity: float  # character-trigram Jaccard, 0..1
    example: str  # the training example it is closest to


class FaqIndex:
    """The FAQ's examples by language, their trigrams computed once, to find the topic
    nearest to a message."""

    def __init__(self, examples: list[Example]) -> None:
        self._examples: dict[str, list[tuple[Example, frozenset[str]]]] = {}
        for ex in examples:
            if ex.label.startswith(f"{RETRIEVAL_INTENT}/"):
                grams = trigrams(normalise(ex.text))
                self._examples.setdefault(ex.language, []).append((ex, grams))

    def nearest(self, text: str, language: str) -> Nearest | None:
        """The FAQ topic whose example in `language` is most like `text`, by the
        similarity `supportbot validate` flags near-duplicates with; None when no
        example shares a trigram with it (or the language has no FAQ)."""
        grams = trigrams(normalise(text))
        best: Nearest | None = None
        for ex, example_grams in self._examples.get(language, []):
            score = jaccard(grams, example_grams)
            if score > 0 and (best is None or score > best.similarity):
                best = Nearest(ex.label, score, ex.text)
        return best


def nearest_faq(text: str, language: str, examples: list[Example]) -> Nearest | None:
    """FaqIndex(examples).nearest(text, language), for one message."""
    return FaqIndex(examples).nearest(text, language)


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _confidence(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def cmd_list(desk: Desk, args: argparse.Namespace) -> tuple[Any, str]:
    items = desk.review_items(args.status)
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


def cmd_assign(desk: Desk, args: argparse.Namespace) -> tuple[Any, str]:
    done = assign(desk, args.id, args.intent, data_dir=args.data, trainer=args.trainer)
    where = f"{done.file}:{done.line}"
    if done.added:
        text = f"Item {done.item.id}: added to {args.intent} at {where}. Retrain to use it."
    else:
        text = f"Item {done.item.id}: {args.intent} already has this example ({where})."
    return done, f"{text}\n  {clean(done.item.text)}"


def cmd_dismiss(desk: Desk, args: argparse.Namespace) -> tuple[Any, str]:
    item = desk.dismiss_review(args.id, trainer=args.trainer)
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
    trainer = operator_name()

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
