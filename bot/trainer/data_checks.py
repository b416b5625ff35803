"""`supportbot validate`: `rasa data validate` plus the checks Rasa lacks.

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
import os
import re
import subprocess
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bot.trainer.labels import URGENT_INTENTS

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ERROR = "error"
WARNING = "warning"
MIN_EXAMPLES = 15
MIN_URGENT_EXAMPLES = 40  # issue 3: at least 40 per urgent intent and language
IMBALANCE_RATIO = 2.0
NEAR_DUPLICATE_SIMILARITY = 0.8
RASA_TIMEOUT_S = 300
LANGUAGE_SLOT = "language"
EXTERNAL_PREFIX = "EXTERNAL_"
ENGLISH, SWEDISH = "en", "sv"

# Rasa's entity markup: [text](entity), [text](entity:value), [text]{"entity": ...}.
_ENTITY_MARKUP = re.compile(r"\[([^\]]+?)\](?:\([^)]*\)|\{[^}]*\}|\[[^\]]*\])")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class Example:
    text: str
    label: str  # intent, or faq/<topic> for a retrieval intent
    language: str
    file: str  # relative to the project root when possible
    line: int  # 1-based, 0 when unknown

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class Problem:
    level: str
    check: str
    message: str
    detail: dict[str, Any] = field(default_factory=dict)


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


# -- reading -------------------------------------------------------------------------


def _yaml() -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="rt")  # round-trip loader: keeps line numbers


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def example_lines(block: str) -> list[tuple[int, str]]:
    """(0-based line offset in the block, text) of each `- example` in an examples block."""
    out = []
    for offset, raw in enumerate(block.splitlines()):
        stripped = raw.strip()
        if stripped.startswith("- "):
            out.append((offset, stripped[2:].strip()))
        elif stripped == "-":
            out.append((offset, ""))
    return out


def load_examples(data_dir: Path, root: Path | None = None) -> list[Example]:
    """Every example in `<data_dir>/nlu/<lang>/*.yml`, with its file and line."""
    root = root or data_dir.parent
    yaml = _yaml()
    examples: list[Example] = []
    nlu_dir = data_dir / "nlu"
    for lang_dir in sorted(p for p in nlu_dir.iterdir() if p.is_dir()) if nlu_dir.is_dir() else []:
        for path in sorted([*lang_dir.glob("*.yml"), *lang_dir.glob("*.yaml")]):
            document = yaml.load(path.read_text(encoding="utf-8")) or {}
            rel = _relative(path, root)
            for item in document.get("nlu") or []:
                if not isinstance(item, dict) or "intent" not in item:
                    continue  # synonyms, regexes, lookup tables
                label = str(item["intent"])
                raw = item.get("examples")
                if isinstance(raw, str):
                    first = item.lc.value("examples")[0] + 2  # the line after `examples: |`
                    for offset, text in example_lines(raw):
                        examples.append(Example(text, label, lang_dir.name, rel, first + offset))
                elif isinstance(raw, list):  # examples with metadata: [{text: ...}, ...]
                    for index, entry in enumerate(raw):
                        text = entry.get("text", "") if isinstance(entry, dict) else str(entry)
                        line = raw.lc.item(index)[0] + 1 if hasattr(raw, "lc") else 0
                        examples.append(Example(str(text), label, lang_dir.name, rel, line))
    return examples


def load_responses(domain: Path) -> dict[str, tuple[str, list[Any]]]:
    """{response name: (file, variants)} from a domain file or every yml in a folder."""
    files = sorted([*domain.glob("*.yml"), *domain.glob("*.yaml")]) if domain.is_dir() else [domain]
    yaml = _yaml()
    responses: dict[str, tuple[str, list[Any]]] = {}
    for path in files:
        document = yaml.load(path.read_text(encoding="utf-8")) or {}
        for name, variants in (document.get("responses") or {}).items():
            responses[str(name)] = (path.name, list(variants or []))
    return responses


def domain_intents(domain: Path) -> set[str]:
    files = sorted([*domain.glob("*.yml"), *domain.glob("*.yaml")]) if domain.is_dir() else [domain]
    yaml = _yaml()
    intents: set[str] = set()
    for path in files:
        document = yaml.load(path.read_text(encoding="utf-8")) or {}
        for entry in document.get("intents") or []:
            intents.add(str(next(iter(entry))) if isinstance(entry, dict) else str(entry))
    return intents


# -- normalising and similarity ------------------------------------------------------


def normalise(text: str) -> str:
    """Case, spacing, punctuation and entity markup ignored: "Hi,  there!" -> "hi there"."""
    text = _ENTITY_MARKUP.sub(r"\1", text)
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"['’`´]", "", text)  # don't == dont
    text = "".join(" " if unicodedata.category(ch)[0] in "PSC" else ch for ch in text)
    return " ".join(text.split())


def trigrams(normalised: str) -> frozenset[str]:
    padded = f" {normalised} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _quote(text: str, limit: int = 70) -> str:
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return json.dumps(text, ensure_ascii=False)


# -- the checks ----------------------------------------------------------------------


def check_duplicates(examples: Sequence[Example]) -> list[Problem]:
    """Errors for one text under several labels; warnings for repeats within a label."""
    groups: dict[str, list[Example]] = defaultdict(list)
    for ex in examples:
        key = normalise(ex.text)
        if key:
            groups[key].append(ex)
    problems = []
    for key, group in groups.items():
        labels = sorted({ex.label for ex in group})
        if len(labels) > 1:
            places = ", ".join(f"{ex.label} ({ex.language}, {ex.where})" for ex in group)
            problems.append(
                Problem(
                    ERROR,
                    "duplicate",
                    f"{_quote(group[0].text)} is an example of {len(labels)} intents: {places}",
                    {
                        "text": group[0].text,
                        "normalised": key,
                        "intents": labels,
                        "places": [_place(ex) for ex in group],
                    },
                )
            )
            continue
        # Within one intent only true repeats count: "0.5 BTC" and "0,5 BTC" are variety.
        per_language = Counter((ex.language, _same_text(ex.text)) for ex in group)
        for (language, text), n in sorted(per_language.items()):
            if n > 1:
                places = [
                    ex for ex in group if ex.language == language and _same_text(ex.text) == text
                ]
                problems.append(
                    Problem(
                        WARNING,
                        "repeated",
                        f"{_quote(group[0].text)} appears {n} times in {labels[0]} ({language}): "
                        + ", ".join(ex.where for ex in places),
                        {
                            "text": group[0].text,
                            "intent": labels[0],
                            "language": language,
                            "places": [_place(ex) for ex in places],
                        },
                    )
                )
    return problems


def _same_text(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _place(ex: Example) -> dict[str, Any]:
    return {
        "intent": ex.label,
        "language": ex.language,
        "file": ex.file,
        "line": ex.line,
        "text": ex.text,
    }


def near_duplicate_pairs(
    examples: Sequence[Example], threshold: float = NEAR_DUPLICATE_SIMILARITY
) -> list[tuple[float, Example, Example]]:
    """Pairs of examples of different labels with trigram Jaccard >= threshold.

    Exact duplicates (same normalised text) are left to check_duplicates. Prefilter: sorted
    by trigram-set size, a pair can only reach the threshold if small/large >= threshold,
    so each example is compared only with the ones of similar length.
    """
    items = []
    for ex in examples:
        key = normalise(ex.text)
        if key:
            items.append((len(trigrams(key)), trigrams(key), key, ex))
    items.sort(key=lambda item: item[0])
    pairs = []
    for i, (size_a, grams_a, key_a, ex_a) in enumerate(items):
        limit = size_a / threshold
        for size_b, grams_b, key_b, ex_b in items[i + 1 :]:
            if size_b > limit:
                break
            if ex_a.label == ex_b.label or key_a == key_b:
                continue
            shared = len(grams_a & grams_b)
            similarity = shared / (size_a + size_b - shared)
            if similarity >= threshold:
                pairs.append((similarity, ex_a, ex_b))
    pairs.sort(key=lambda p: (-p[0], p[1].label, p[1].text))
    return pairs


def check_near_duplicates(
    examples: Sequence[Example], threshold: float = NEAR_DUPLICATE_SIMILARITY
) -> list[Problem]:
    return [
        Problem(
            WARNING,
            "near_duplicate",
            f"{_quote(a.text)} ({a.label}, {a.language}, {a.where}) and {_quote(b.text)} "
            f"({b.label}, {b.language}, {b.where}) are {similarity:.0%} alike",
            {"similarity": round(similarity, 3), "places": [_place(a), _place(b)]},
        )
        for similarity, a, b in near_duplicate_pairs(examples, threshold)
    ]


def count_examples(
    examples: Iterable[Example], languages: Sequence[str], extra_labels: Iterable[str] = ()
) -> dict[str, dict[str, int]]:
    """{label: {language: number of distinct examples}}; faq topics counted one by one.

    `extra_labels` (the domain's intents) appear with zero counts when they have no data,
    except a retrieval intent whose `<intent>/<topic>` labels are counted instead, and
    EXTERNAL_* intents.
    """
    seen: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for ex in examples:
        key = _same_text(ex.text)  # repeats count once; "0.5 BTC" and "0,5 BTC" twice
        if key:
            seen[ex.label][ex.language].add(key)
    retrieval = {label.split("/", 1)[0] for label in seen if "/" in label}
    labels = set(seen) | {
        label
        for label in extra_labels
        # EXTERNAL_* intents are triggered through the API, never typed.
        if label not in retrieval and not label.startswith(EXTERNAL_PREFIX)
    }
    return {
        label: {lang: len(seen[label][lang]) if label in seen else 0 for lang in languages}
        for label in sorted(labels)
    }


def minimum_for(label: str, min_examples: int, min_urgent: int) -> int:
    return max(min_examples, min_urgent) if label in URGENT_INTENTS else min_examples


def check_too_few(
    counts: dict[str, dict[str, int]],
    min_examples: int = MIN_EXAMPLES,
    min_urgent: int = MIN_URGENT_EXAMPLES,
) -> list[Problem]:
    problems = []
    for label, per_language in counts.items():
        minimum = minimum_for(label, min_examples, min_urgent)
        for language, n in per_language.items():
            if n < minimum:
                problems.append(
                    Problem(
                        WARNING,
                        "too_few",
                        f"{label} has {n} examples in {language} (minimum {minimum})",
                        {"intent": label, "language": language, "count": n, "min": minimum},
                    )
                )
    return problems


def check_imbalance(
    counts: dict[str, dict[str, int]], ratio: float = IMBALANCE_RATIO
) -> list[Problem]:
    """Counts that differ by more than `ratio` between two languages (both non-zero;
    a language with none is reported by too_few)."""
    problems = []
    for label, per_language in counts.items():
        present = {lang: n for lang, n in per_language.items() if n > 0}
        if len(present) < 2:
            continue
        most = max(present, key=lambda lang: present[lang])
        least = min(present, key=lambda lang: present[lang])
        if present[most] > ratio * present[least]:
            shown = ", ".join(f"{lang} {n}" for lang, n in sorted(present.items()))
            problems.append(
                Problem(
                    WARNING,
                    "imbalance",
                    f"{label} is unbalanced across languages ({shown}; more than {ratio:g}:1)",
                    {"intent": label, "counts": dict(per_language), "ratio": ratio},
                )
            )
    return problems


def _conditions(variant: Any) -> list[dict[str, Any]]:
    condition = variant.get("condition") if isinstance(variant, dict) else None
    if not condition:
        return []
    items = condition if isinstance(condition, list) else [condition]
    return [dict(c) for c in items if isinstance(c, dict)]


def _language_of(variant: Any) -> str | None:
    """en for an unconditioned variant or `language: en`; the slot value otherwise;
    None for a conditional variant that does not name the language."""
    conditions = _conditions(variant)
    if not conditions:
        return ENGLISH
    for c in conditions:
        if c.get("type", "slot") == "slot" and c.get("name") == LANGUAGE_SLOT:
            return str(c.get("value"))
    return None


def check_response_languages(
    responses: dict[str, tuple[str, list[Any]]],
    required: Sequence[str] = (ENGLISH, SWEDISH),
) -> list[Problem]:
    problems = []
    for name, (file, variants) in sorted(responses.items()):
        if not name.startswith("utter_"):
            continue
        have = {_language_of(v) for v in variants}
        missing = [lang for lang in required if lang not in have]
        if missing:
            problems.append(
                Problem(
                    ERROR,
                    "missing_language",
                    f"{name} ({file}) has no {' or '.join(missing)} variant",
                    {"response": name, "file": file, "missing": missing},
                )
            )
    return problems


# -- rasa data validate --------------------------------------------------------------


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


# -- putting it together -------------------------------------------------------------


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


# -- command line (registered in bot/cli.py as `supportbot validate`) ----------------

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
