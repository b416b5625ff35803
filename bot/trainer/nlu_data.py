"""Reading the training data: NLU examples with their file and line
(`data/nlu/<lang>/*.yml`, the folder name is the language), and the domain's responses and
intents. Nothing here imports Rasa."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXTERNAL_PREFIX = "EXTERNAL_"  # intents triggered through the API, never typed


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
    examples: list[Example] = []
    nlu_dir = data_dir / "nlu"
    for lang_dir in sorted(p for p in nlu_dir.iterdir() if p.is_dir()) if nlu_dir.is_dir() else []:
        for path in sorted([*lang_dir.glob("*.yml"), *lang_dir.glob("*.yaml")]):
            text = path.read_text(encoding="utf-8")
            examples.extend(_file_examples(text, lang_dir.name, _relative(path, root)))
    return examples


# The review inbox, the console's Training page and `supportbot validate` read the same
# files again and again, and the round-trip parse (kept for its line numbers) is slow:
# a file's examples are kept per content, so an edited file is parsed anew.
@functools.lru_cache(maxsize=128)
def _file_examples(text: str, language: str, rel: str) -> tuple[Example, ...]:
    document = _yaml().load(text) or {}
    examples: list[Example] = []
    for item in document.get("nlu") or []:
        if not isinstance(item, dict) or "intent" not in item:
            continue  # synonyms, regexes, lookup tables
        label = str(item["intent"])
        raw = item.get("examples")
        if isinstance(raw, str):
            first = item.lc.value("examples")[0] + 2  # the line after `examples: |`
            for offset, example in example_lines(raw):
                examples.append(Example(example, label, language, rel, first + offset))
        elif isinstance(raw, list):  # examples with metadata: [{text: ...}, ...]
            for index, entry in enumerate(raw):
                example = entry.get("text", "") if isinstance(entry, dict) else str(entry)
                line = raw.lc.item(index)[0] + 1 if hasattr(raw, "lc") else 0
                examples.append(Example(str(example), label, language, rel, line))
    return tuple(examples)


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
    intents: set[str] = set()
    for path in files:
        intents |= _file_intents(path.read_text(encoding="utf-8"))
    return intents


@functools.lru_cache(maxsize=32)
def _file_intents(text: str) -> frozenset[str]:
    document = _yaml().load(text) or {}
    return frozenset(str(next(iter(entry))) if isinstance(entry, dict) else str(entry)
                     for entry in document.get("intents") or [])
