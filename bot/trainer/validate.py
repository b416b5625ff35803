"""`supportbot validate`: `rasa data validate` plus the checks Rasa lacks (data_checks.py).

Reads `data/nlu/<lang>/*.yml` (the folder name is the language) and `domain/*.yml`:

- error   duplicate        the same example (ignoring case, spacing, punctuation and entity
                           markup) under two intents, in any languages;
- error   missing_language a `utter_*` response without an English variant (no condition,
                           or `language: en`) or without a Swedish one (`language: sv`);
- error   rasa             `rasa data validate` failed (or could not run);
- warning near_duplicate   two examples of different intents that are nearly the same
                           (character-trigram Jaccard similarity >= 0.8);
- warning repeated         the same example twice in one intent and language;
- warning too_few          an intent (each `faq/<topic>` on its own) with fewer than 15
                           examples in a language (40 for urgent intents);
- warning imbalance        an intent whose example counts differ between languages by more
                           than 2:1;
- warning rasa             Rasa's own warnings, less the known false alarms (responses
                           uttered by custom actions or asked by forms).

Exit code 1 when an error-level problem is found, else 0 (`--strict`: warnings too).
Nothing here imports Rasa: `rasa data validate` runs in a subprocess with a timeout.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bot.trainer.data_checks import (
    ENGLISH,
    ERROR,
    IMBALANCE_RATIO,
    MIN_EXAMPLES,
    MIN_URGENT_EXAMPLES,
    NEAR_DUPLICATE_SIMILARITY,
    SWEDISH,
    WARNING,
    Problem,
    check_duplicates,
    check_imbalance,
    check_near_duplicates,
    check_response_languages,
    check_too_few,
    count_examples,
)
from bot.trainer.nlu_data import domain_intents, load_examples, load_responses
from bot.trainer.rasa_validate import RASA_TIMEOUT_S, run_rasa_validate

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Report:
    problems: list[Problem]
    counts: dict[str, dict[str, int]]
    languages: list[str]
    examples: int
    rasa: dict[str, Any]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == WARNING]

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": not self.errors,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "examples": self.examples,
            "languages": self.languages,
            "problems": [asdict(p) for p in self.problems],
            "counts": self.counts,
            "rasa": self.rasa,
        }



@dataclass
class Options:
    root: Path = PROJECT_ROOT
    domain: Path | None = None
    data: Path | None = None
    config: Path | None = None
    run_rasa: bool = True
    rasa_timeout: float = RASA_TIMEOUT_S
    min_examples: int = MIN_EXAMPLES
    min_urgent: int = MIN_URGENT_EXAMPLES
    imbalance_ratio: float = IMBALANCE_RATIO
    similarity: float = NEAR_DUPLICATE_SIMILARITY


def validate(options: Options | None = None) -> Report:
    o = options or Options()
    domain = o.domain or o.root / "domain"
    data = o.data or o.root / "data"
    config = o.config or o.root / "config.yml"
    examples = load_examples(data, o.root)
    languages = sorted({ex.language for ex in examples}) or [ENGLISH, SWEDISH]
    counts = count_examples(examples, languages, domain_intents(domain))
    responses = load_responses(domain)
    retrieval = {name[len("utter_") :].split("/", 1)[0] for name in responses if "/" in name}
    problems: list[Problem] = []
    rasa: dict[str, Any] = {"ran": False}
    if o.run_rasa:
        rasa_problems, rasa = run_rasa_validate(
            domain, data, config, o.root, o.rasa_timeout, retrieval
        )
        problems += rasa_problems
    problems += check_duplicates(examples)
    problems += check_response_languages(responses)
    problems += check_near_duplicates(examples, o.similarity)
    problems += check_too_few(counts, o.min_examples, o.min_urgent)
    problems += check_imbalance(counts, o.imbalance_ratio)
    problems.sort(key=lambda p: p.level != ERROR)  # stable: errors first, order kept
    return Report(problems, counts, languages, len(examples), rasa)


def format_report(report: Report) -> str:
    errors, warnings = report.errors, report.warnings
    lines = [
        f"supportbot validate: {len(errors)} error(s), {len(warnings)} warning(s) "
        f"({report.examples} examples, {len(report.counts)} intents, "
        f"languages {', '.join(report.languages)})"
    ]
    if report.rasa.get("ran"):
        lines.append(
            f"rasa data validate: exit {report.rasa['returncode']}, "
            f"{len(report.rasa['warnings'])} warning(s) shown, "
            f"{report.rasa['suppressed_warnings']} known false alarm(s) hidden "
            "(--json lists them)"
        )
    elif report.rasa.get("error"):
        lines.append(f"rasa data validate: {report.rasa['error']}")
    else:
        lines.append("rasa data validate: skipped")
    for title, group in (("ERRORS", errors), ("WARNINGS", warnings)):
        if group:
            lines += ["", title]
            lines += [f"  {p.check:<16} {p.message}" for p in group]
    width = max([len("INTENT"), *(len(label) for label in report.counts)])
    lines += [
        "",
        "Examples per intent:",
        "  " + "INTENT".ljust(width) + "".join(f"  {lang:>4}" for lang in report.languages),
    ]
    for label, per_language in report.counts.items():
        lines.append(
            "  "
            + label.ljust(width)
            + "".join(f"  {per_language.get(lang, 0):>4}" for lang in report.languages)
        )
    lines += ["", "FAILED: fix the errors above." if errors else "OK (warnings are advice)."]
    return "\n".join(lines)


HELP = "check the NLU data and responses (rasa data validate and more)"


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add `validate` to supportbot's subcommands. It needs no database: it sets
    `standalone`, which `bot.cli.main` runs instead of a desk handler."""
    parser = commands.add_parser("validate", parents=parents, help=HELP, description=HELP)
    parser.add_argument("--domain", type=Path, help="domain file or folder (default: domain/)")
    parser.add_argument("--data", type=Path, help="training data folder (default: data/)")
    parser.add_argument("--config", type=Path, help="default: config.yml")
    parser.add_argument(
        "--skip-rasa", action="store_true", help="only the checks Rasa lacks (fast)"
    )
    parser.add_argument("--rasa-timeout", type=float, default=RASA_TIMEOUT_S, metavar="S")
    parser.add_argument("--min-examples", type=int, default=MIN_EXAMPLES, metavar="N")
    parser.add_argument("--min-urgent", type=int, default=MIN_URGENT_EXAMPLES, metavar="N")
    parser.add_argument("--imbalance", type=float, default=IMBALANCE_RATIO, metavar="RATIO")
    parser.add_argument("--similarity", type=float, default=NEAR_DUPLICATE_SIMILARITY, metavar="J")
    parser.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    parser.set_defaults(standalone=run_cli)


def run_cli(args: argparse.Namespace) -> int:
    options = Options(
        domain=args.domain,
        data=args.data,
        config=args.config,
        run_rasa=not args.skip_rasa,
        rasa_timeout=args.rasa_timeout,
        min_examples=args.min_examples,
        min_urgent=args.min_urgent,
        imbalance_ratio=args.imbalance,
        similarity=args.similarity,
    )
    try:
        report = validate(options)
    except (OSError, ValueError) as exc:
        print(f"supportbot: error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - a broken YAML file: one line, not a traceback
        print(f"supportbot: error: cannot read the data: {exc}".splitlines()[0], file=sys.stderr)
        return 1
    if getattr(args, "json", False):
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_report(report))
    failed = bool(report.errors) or (args.strict and bool(report.warnings))
    return 1 if failed else 0
