"""`make train-quick`: after an NLU-only edit the newest model is fine-tuned, not retrained."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path

from tests.support.tools import ROOT

NEW_EXAMPLES = """version: "3.1"
nlu:
- intent: report_account_hacked
  examples: |
    - a stranger got into my acount tonight and emptied the wallet
    - nån främling tog sig in på mitt konto i natt
"""


def test_quick_retrain_fine_tunes_the_newest_model(trained_model: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "nlu" / "en" / "zz_new.yml").write_text(NEW_EXAMPLES, encoding="utf-8")
    models = tmp_path / "models"
    models.mkdir()
    shutil.copy(trained_model, models / trained_model.name)

    done = subprocess.run(["make", "--no-print-directory", "train-quick", f"DATA={data}",
                           f"MODELS={models}"], cwd=ROOT, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "finetun" in (done.stdout + done.stderr).lower()
    tuned = [m for m in models.glob("*.tar.gz") if m.name != trained_model.name]
    assert len(tuned) == 1

    from rasa.core.agent import Agent

    agent = Agent.load(str(tuned[0]))
    parsed = asyncio.new_event_loop().run_until_complete(
        agent.parse_message("a stranger got into my acount tonight and emptied the wallet")
    )
    assert parsed["intent"]["name"] == "report_account_hacked"
