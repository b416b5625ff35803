"""Writing an evaluation to reports/ and the one-screen terminal summary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.trainer.labels import URGENT_INTENTS


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _name(report: dict[str, Any]) -> str:
    split = report["split"]
    return f"nlu_cv{split['folds']}" if split["kind"] == "cv" else f"nlu_{split['kind']}"


def _title(report: dict[str, Any]) -> str:
    split = report["split"]
    if split["kind"] == "cv":
        return f"{split['folds']}-fold cross-validation of data/nlu (seed {split['seed']})"
    return (
        f"{split['kind']} split of eval/ (trained on all {split['train_examples']} examples "
        f"of data/nlu; {split['test_examples']} ordinary messages)"
    )


def _set_lines(report: dict[str, Any]) -> list[str]:
    """One line each for abuse plus a case, and abuse only, per language."""
    sets = report.get("sets") or {}
    lines = []
    if sets.get("abusive_urgent"):
        cells = ", ".join(
            f"{g} {_pct(s['right_case'])} of {s['examples']} (asked {_pct(s['asked'])}, "
            f"read as insult {_pct(s['read_as_insult'])})"
            for g, s in sets["abusive_urgent"].items()
        )
        lines.append(f"ABUSE + CASE      right case: {cells}")
    if sets.get("abuse_only"):
        cells = ", ".join(
            f"{g} {_pct(s['escalated'])} of {s['examples']} (insult {_pct(s['insult'])})"
            for g, s in sets["abuse_only"].items()
        )
        lines.append(f"ABUSE ONLY        escalated: {cells}")
    return lines


def confusion_png(conf: dict[str, Any], title: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display on CI or servers
    import matplotlib.pyplot as plt

    labels, matrix = conf["labels"], conf["matrix"]
    size = max(6.0, 0.45 * len(labels) + 2)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title, fontsize=10)
    peak = max((max(row) for row in matrix), default=0)
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            if count:
                colour = "white" if count > peak / 2 else "black"
                ax.text(j, i, str(count), ha="center", va="center", fontsize=7, color=colour)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def markdown(report: dict[str, Any]) -> str:
    lines = [f"# NLU evaluation: {_title(report)}", ""]
    lines += [
        f"Config `{report['config']}` (random_seed {report.get('random_seed')}), "
        f"fallback threshold {report['fallback_threshold']}.",
        "",
    ]
    set_lines = _set_lines(report)
    if set_lines:
        lines += ["```", *set_lines, "```", ""]
    for lang, s in report["languages"].items():
        lines += [
            f"## {lang}: macro-F1 {s['macro_f1']:.3f}, accuracy {_pct(s['accuracy'])}, "
            f"fallback {_pct(s['fallback_rate'])}",
            "",
            f"Accuracy of the top intent if there were no fallback: {_pct(s['top_accuracy'])}.",
            "",
            f"Urgent recall {_pct(s['urgent_recall'])}, "
            f"false-urgent rate {_pct(s['false_urgent_rate'])}. "
            f"FAQ topic accuracy {_pct(s['faq']['accuracy'])} "
            f"(macro-F1 {s['faq']['macro_f1']:.3f}, {s['faq']['examples']} examples).",
            "",
            "| intent | precision | recall | F1 | support |",
            "|---|---|---|---|---|",
        ]
        # Worst first; labels only ever predicted (nlu_fallback) show in the confusion matrix.
        for label, r in sorted(s["intents"].items(), key=lambda kv: kv[1]["f1"]):
            if not r["support"]:
                continue
            mark = " (urgent)" if label in URGENT_INTENTS else ""
            lines.append(
                f"| {label}{mark} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} "
                f"| {r['support']} |"
            )
        lines += ["", "| faq topic | precision | recall | F1 | support |", "|---|---|---|---|---|"]
        for label, r in sorted(s["faq"]["topics"].items(), key=lambda kv: kv[1]["f1"]):
            if not r["support"]:
                continue
            lines.append(
                f"| {label} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} "
                f"| {r['support']} |"
            )
        lines.append("")
    for name, o in report.get("oos", {}).items():
        lines += [
            f"## Out of scope: {name} ({o['lang']}, {o['examples']} texts)",
            "",
            f"Fallback / out_of_scope (right) {_pct(o['fallback_rate'])}; wrong answer "
            f"{_pct(o['wrong_answer_rate'])}; wrong escalation {_pct(o['wrong_escalation_rate'])}"
            f", of which false-urgent {_pct(o['false_urgent_rate'])}.",
            "",
            "Predicted intents: "
            + ", ".join(f"{k} {v}" for k, v in o["predicted_intents"].items()),
            "",
        ]
        for e in o["escalated_examples"]:
            lines.append(f"- `{e['intent']}` {e['confidence']:.2f}: {e['text']}")
        lines.append("")
    if "misclassified_count" in report:
        lines += [
            "## Misclassified",
            "",
            f"{report['misclassified_count']} ordinary messages. The test split's errors are not "
            "listed: read the dev split's (nlu_dev.md) for error analysis.",
        ]
        return "\n".join(lines) + "\n"
    lines += [
        "## Misclassified",
        "",
        "| lang | text | true | predicted | conf. |",
        "|---|---|---|---|---|",
    ]
    for w in [*report["misclassified"], *report.get("misclassified_sets", [])]:
        text = w["text"].replace("|", "\\|")
        lines.append(
            f"| {w['lang']} | {text} | {w['gold']} | {w['predicted']} | {w['confidence']:.2f} |"
        )
    return "\n".join(lines) + "\n"


def summary(report: dict[str, Any], failures: list[str] | None = None) -> str:
    """At most ~20 lines: what a trainer reads after every data change."""
    langs = list(report["languages"])
    rows = [
        ("examples", lambda s: str(s["examples"])),
        ("macro-F1", lambda s: f"{s['macro_f1']:.3f}"),
        ("accuracy", lambda s: _pct(s["accuracy"])),
        ("  no fallback", lambda s: _pct(s["top_accuracy"])),
        ("faq topic acc.", lambda s: _pct(s["faq"]["accuracy"])),
        ("fallback", lambda s: _pct(s["fallback_rate"])),
    ]
    out = [f"NLU {_title(report)}", "".ljust(16) + "".join(lang.rjust(9) for lang in langs)]
    for name, cell in rows:
        out.append(name.ljust(16) + "".join(cell(report["languages"][g]).rjust(9) for g in langs))
    o = report["overall"]
    per_lang = ", ".join(f"{g} {_pct(report['languages'][g]['urgent_recall'])}" for g in langs)
    out.append(
        f"URGENT RECALL     {_pct(o['urgent_recall'])} of {o['urgent_examples']} ({per_lang})"
        "  [report_* + appeal_suspension, exact intent]"
    )
    out.append(f"FALSE-URGENT      {_pct(o['false_urgent_rate'])} of non-urgent test text")
    weakest = sorted(
        (r["f1"], f"{g}:{label}")
        for g in langs
        for label, r in report["languages"][g]["intents"].items()
        if r["support"]
    )[:4]
    out.append("weakest intents   " + ", ".join(f"{n} {f:.2f}" for f, n in weakest))
    for name, s in report.get("oos", {}).items():
        out.append(
            f"OOS {name} ({s['examples']}): FALSE-URGENT {_pct(s['false_urgent_rate'])}, "
            f"escalate {_pct(s['wrong_escalation_rate'])}, wrong answer "
            f"{_pct(s['wrong_answer_rate'])}, fallback {_pct(s['fallback_rate'])}"
        )
    out += _set_lines(report)
    if "misclassified_count" in report:
        out.append(f"misclassified     {report['misclassified_count']} (not listed: test split)")
    else:
        wrong = len(report["misclassified"]) + len(report.get("misclassified_sets", []))
        out.append(f"misclassified     {wrong} (see reports/)")
    if failures is not None:
        out += [f"GATE FAIL: {f}" for f in failures] or ["gate: all thresholds met"]
    return "\n".join(out)


def write(report: dict[str, Any], out_dir: Path) -> list[Path]:
    """<name>.json (everything), <name>.md, <name>_misclassified.json, a PNG per language."""
    out_dir.mkdir(parents=True, exist_ok=True)
    name = _name(report)
    written = [out_dir / f"{name}.json", out_dir / f"{name}.md"]
    written[0].write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    written[1].write_text(markdown(report), "utf-8")
    if "misclassified_count" not in report:
        errors = out_dir / f"{name}_misclassified.json"
        wrong = [*report["misclassified"], *report.get("misclassified_sets", [])]
        errors.write_text(json.dumps(wrong, indent=2, ensure_ascii=False), "utf-8")
        written.append(errors)
    for lang, s in report["languages"].items():
        png = out_dir / f"{name}_confusion_{lang}.png"
        confusion_png(s["confusion"], f"{lang}: {_title(report)}", png)
        written.append(png)
    return written
