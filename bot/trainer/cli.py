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
    help_ = "train config.yml's NLU on a split of data/nlu and measure it (writes reports/)"
    p = commands.add_parser("eval", parents=parents, help=help_, description=help_)
    p.add_argument(
        "--folds",
        type=int,
        default=0,
        metavar="K",
        help="also run K-fold cross-validation (K trainings; default: off)",
    )
    p.add_argument("--test-fraction", type=float, default=0.2, help="held-out share (0.2)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument(
        "--data",
        type=Path,
        default=None,
        metavar="DIR",
        help="NLU data folder instead of data/nlu (a copy to try an edit on)",
    )
    p.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="YML",
        help="pipeline to evaluate instead of config.yml (to compare a change before making it)",
    )
    p.add_argument("--no-oos", action="store_true", help="skip the out-of-scope sets")
    p.add_argument("--out", type=Path, default=Path("reports"), help="report folder (reports/)")
    p.add_argument(
        "--thresholds",
        type=Path,
        metavar="YML",
        help="exit 1 if a threshold in this file fails (tests/nlu_thresholds.yml)",
    )
    p.set_defaults(standalone=run)


def run(args: argparse.Namespace) -> int:
    from bot.trainer.model import CONFIG, NLU_DIR  # light: no Rasa yet

    if args.folds == 1 or args.folds < 0:
        raise ValueError("--folds must be 0 (off) or at least 2")
    config, data = args.config or CONFIG, args.data or NLU_DIR
    for path in (config, data):
        if not path.exists():  # now, not after a minute of loading Rasa
            raise FileNotFoundError(f"{path}: no such file or folder")

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ chatter
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from bot.trainer import gate, report
    from bot.trainer.evaluate import run_cv, run_holdout
    from bot.trainer.model import quiet_rasa

    quiet_rasa()
    thresholds = gate.load_thresholds(args.thresholds) if args.thresholds else None
    # Rasa prints progress to stdout; stdout is for the summary (and --json) alone.
    with contextlib.redirect_stdout(sys.stderr):
        reports: list[dict[str, Any]] = [
            run_holdout(
                data,
                test_fraction=args.test_fraction,
                seed=args.seed,
                with_oos=not args.no_oos,
                config=config,
            )
        ]
        if args.folds:
            reports.append(run_cv(data, folds=args.folds, seed=args.seed, config=config))
    failures = gate.check(reports[0], thresholds) if thresholds else None
    for r in reports:
        r["files"] = [str(p) for p in report.write(r, args.out)]
    if getattr(args, "json", False):
        summary = {
            r["split"]["kind"]: {k: r[k] for k in ("overall", "split", "files")} for r in reports
        }
        print(json.dumps({**summary, "gate_failures": failures}, indent=2))
    else:
        for i, r in enumerate(reports):
            print(report.summary(r, failures if i == 0 else None))
            print()
        print(f"reports written to {args.out}/")
    return 1 if failures else 0
