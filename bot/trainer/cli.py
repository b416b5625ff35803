"""`supportbot eval`: registered on the main parser; everything heavy is imported lazily."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add `eval` to supportbot's subcommands. It needs no database: it sets `standalone`,
    which `bot.cli.main` runs instead of a desk handler."""
    help_ = ("train config.yml's NLU on data/nlu and measure it on eval/'s dev and test "
             "splits (writes reports/)")
    p = commands.add_parser("eval", parents=parents, help=help_, description=help_)
    p.add_argument(
        "--folds",
        type=int,
        default=0,
        metavar="K",
        help="also run K-fold cross-validation (K trainings; default: off)",
    )
    p.add_argument("--seed", type=int, default=42)
    p.add_argument(
        "--data",
        type=Path,
        default=None,
        metavar="DIR",
        help="NLU data folder instead of data/nlu (a copy to try an edit on)",
    )
    p.add_argument(
        "--eval-data",
        type=Path,
        default=None,
        metavar="DIR",
        help="evaluation sets instead of eval/ (<split>/<lang>/<set>.yml)",
    )
    p.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="YML",
        help="pipeline to evaluate instead of config.yml (to compare a change before making it)",
    )
    p.add_argument("--no-oos", action="store_true", help="skip the out-of-scope sets")
    p.add_argument(
        "--split",
        choices=("dev", "test", "all"),
        default="all",
        help="which split of eval/ to measure (dev: for error analysis while editing data)",
    )
    p.add_argument(
        "--live",
        action="store_true",
        help="also send the abuse sets of the chosen splits to a running bot (a full model, "
        "Rasa and the action server on SQLite; ~1 min a split)",
    )
    p.add_argument("--out", type=Path, default=Path("reports"), help="report folder (reports/)")
    p.add_argument(
        "--thresholds",
        type=Path,
        metavar="YML",
        help="exit 1 if a threshold in this file fails (tests/nlu_thresholds.yml)",
    )
    p.set_defaults(standalone=run)


def _live(data: Path, eval_dir: Path, config: Path,
          splits: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    import tempfile

    from bot.trainer.live import run_live
    from bot.trainer.model import train_full

    with tempfile.TemporaryDirectory(prefix="nlu-live-model-") as tmp:
        model = train_full(data, Path(tmp), config=config)
        return run_live(model, splits, eval_dir)


def run(args: argparse.Namespace) -> int:
    from bot.trainer.eval_sets import EVAL_DIR  # light: no Rasa yet
    from bot.trainer.model import CONFIG, NLU_DIR

    if args.folds == 1 or args.folds < 0:
        raise ValueError("--folds must be 0 (off) or at least 2")
    config, data = args.config or CONFIG, args.data or NLU_DIR
    eval_dir = args.eval_data or EVAL_DIR
    for path in (config, data, eval_dir):
        if not path.exists():  # now, not after a minute of loading Rasa
            raise FileNotFoundError(f"{path}: no such file or folder")

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ chatter
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from bot.trainer import gate, report
    from bot.trainer.evaluate import run_cv, run_eval
    from bot.trainer.model import quiet_rasa

    quiet_rasa()
    thresholds = gate.load_thresholds(args.thresholds) if args.thresholds else None
    # Rasa prints progress to stdout; stdout is for the summary (and --json) alone.
    with contextlib.redirect_stdout(sys.stderr):
        chosen = ("dev", "test") if args.split == "all" else (args.split,)
        splits = run_eval(data, eval_dir, seed=args.seed, with_oos=not args.no_oos,
                          config=config, splits=chosen)
        reports: list[dict[str, Any]] = list(splits.values())
        if args.folds:
            reports.append(run_cv(data, folds=args.folds, seed=args.seed, config=config))
        live = _live(data, eval_dir, config, chosen) if args.live else None
    gated = splits.get("test")
    live_test = live.get("test") if live else None
    failures = gate.check(gated, thresholds, live_test) if thresholds and gated else None
    for r in reports:
        r["files"] = [str(p) for p in report.write(r, args.out)]
    if live is not None:
        live_file = args.out / "nlu_live.json"
        live_file.write_text(json.dumps(live, indent=2) + "\n", "utf-8")
    if getattr(args, "json", False):
        summary = {
            r["split"]["kind"]: {k: r[k] for k in ("overall", "sets", "split", "files") if k in r}
            for r in reports
        }
        print(json.dumps({**summary, "live": live, "gate_failures": failures}, indent=2))
    else:
        for r in reports:
            print(report.summary(r, failures if r is gated and live is None else None))
            print()
        if live is not None:
            from bot.trainer.live import summary as live_summary

            for one in live.values():
                print(live_summary(one))
            if failures is not None:
                print("\n".join(f"GATE FAIL: {f}" for f in failures) or "gate: all thresholds met")
            print()
        print(f"reports written to {args.out}/")
    return 1 if failures else 0
