"""A small made-up project (data/nlu/en, data/nlu/sv, domain/) for the data checks."""

from __future__ import annotations

from pathlib import Path

EN_NLU = """\
version: "3.1"

# English examples. A comment that must not confuse line numbers.
nlu:
- intent: greet
  examples: |
    - hi
    - Hello there!
    - [hey](greeting) you

- intent: report_missing_deposit
  # a comment between the key and the block
  examples: |
    - my deposit of 250 USDT is missing
    - deposit never arrived
    - 0.5 BTC
    - 0,5 BTC
"""

SV_NLU = """\
version: "3.1"
nlu:
- intent: greet
  examples: |
    - hej
    - hej
- intent: report_missing_deposit
  examples: |
    - min insättning har inte kommit
- intent: faq/deposit_time
  examples: |
    - hur lång tid tar en insättning
"""

EN_FAQ = """\
version: "3.1"
nlu:
- intent: faq/deposit_time
  examples: |
    - how long does a deposit take
    - when will my deposit arrive
"""

DOMAIN = """\
version: "3.1"
intents:
  - greet
  - faq
  - report_missing_deposit
  - EXTERNAL_ticket_update
responses:
  utter_ok:
    - condition: [{type: slot, name: language, value: sv}]
      text: "Hej"
    - text: "Hi"
  utter_explicit_en:
    - condition: [{type: slot, name: language, value: sv}, {type: slot, name: x, value: true}]
      text: "Hej"
    - condition:
        - type: slot
          name: language
          value: en
      text: "Hi"
  utter_no_sv:
    - text: "Hi"
  utter_no_en:
    - condition: [{type: slot, name: language, value: sv}]
      text: "Hej"
    - condition: [{type: slot, name: suspended, value: true}]
      text: "You are suspended"
  utter_faq/deposit_time:
    - condition: [{type: slot, name: language, value: sv}]
      text: "Några minuter"
    - text: "A few minutes"
"""


def make_project(root: Path, en: str = EN_NLU, sv: str = SV_NLU, domain: str = DOMAIN) -> Path:
    (root / "data" / "nlu" / "en").mkdir(parents=True)
    (root / "data" / "nlu" / "sv").mkdir(parents=True)
    (root / "domain").mkdir()
    (root / "data" / "nlu" / "en" / "nlu.yml").write_text(en, encoding="utf-8")
    (root / "data" / "nlu" / "en" / "faq.yml").write_text(EN_FAQ, encoding="utf-8")
    (root / "data" / "nlu" / "sv" / "nlu.yml").write_text(sv, encoding="utf-8")
    (root / "domain" / "core.yml").write_text(domain, encoding="utf-8")
    return root
