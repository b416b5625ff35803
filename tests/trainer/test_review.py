"""The review inbox: recording unsure messages (redacted), listing, and assigning them to
an intent in a copy of the real data files without disturbing anything else in them."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.cli import main
from bot.desk import Desk, make_engine, migrate
from bot.desk.db import PROJECT_ROOT
from bot.trainer import data_checks
from bot.trainer.review import (
    ReviewError,
    ReviewItemNotFound,
    append_example,
    assign,
    dismiss,
    get_item,
    list_items,
    record,
    record_if_unsure,
    unsure_prediction,
)

T0 = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
TX = "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    migrate(url)
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the real data/ and domain/ to write into."""
    root = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "data", root / "data")
    shutil.copytree(PROJECT_ROOT / "domain", root / "domain")
    return root


def fallback_message(text: str, best: str, confidence: float, message_id: str = "m1") -> dict:
    return {
        "text": text,
        "intent": {"name": "nlu_fallback", "confidence": 0.55},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.55},
            {"name": best, "confidence": confidence},
            {"name": "greet", "confidence": 0.01},
        ],
        "entities": [],
        "message_id": message_id,
    }


# -- deciding what is unsure ---------------------------------------------------------


def test_unsure_prediction() -> None:
    sure = {
        "text": "my account was hacked",
        "intent": {"name": "report_account_hacked", "confidence": 0.97},
    }
    assert unsure_prediction(sure, 0.7) is None
    low = {**sure, "intent": {"name": "report_account_hacked", "confidence": 0.62}}
    assert unsure_prediction(low, 0.7) == ("report_account_hacked", 0.62, "low_confidence")
    assert unsure_prediction(fallback_message("hmm", "insult", 0.3), 0.7) == (
        "insult",
        0.3,
        "fallback",
    )
    faq = {
        "text": "hur länge dröjer ett uttag",
        "intent": {"name": "faq", "confidence": 0.95},
        "response_selector": {
            "all_retrieval_intents": ["faq"],
            "faq": {"response": {"intent_response_key": "faq/withdrawal_time", "confidence": 0.41}},
        },
    }
    assert unsure_prediction(faq, 0.7) == ("faq/withdrawal_time", 0.41, "low_confidence")
    faq["response_selector"]["faq"]["response"]["confidence"] = 0.9
    assert unsure_prediction(faq, 0.7) is None
    # an FAQ answer held back as unsure (bot/nlu/faq_fallback.py) keeps its topic
    held_back = {
        **fallback_message("how many teaspoons in a tablespoon", "faq", 0.8),
        "response_selector": {
            "faq": {"response": {"intent_response_key": "faq/fees", "confidence": 0.3}}
        },
    }
    assert unsure_prediction(held_back, 0.7) == ("faq/fees", 0.3, "fallback")
    # buttons, empty messages and messages without NLU are never queued
    assert (
        unsure_prediction(
            {"text": "/request_human", "intent": {"name": "request_human", "confidence": 0.2}}, 0.7
        )
        is None
    )
    assert (
        unsure_prediction({"text": "  ", "intent": {"name": "greet", "confidence": 0.1}}, 0.7)
        is None
    )
    assert unsure_prediction({"text": "hi", "intent": {}}, 0.7) is None


# -- recording -----------------------------------------------------------------------


def test_record_redacts_and_keeps_the_prediction(engine: Engine) -> None:
    item = record(
        engine,
        f"hacked!! my password is Sommar2024 and 2fa code 482913, tx {TX}",
        "report_account_hacked",
        0.41,
        "en",
        "acct-42",
        reason="fallback",
        message_id="msg-1",
        now=T0,
    )
    assert item is not None
    assert item.text == (
        f"hacked!! my password is [redacted password] and 2fa code [redacted code], tx {TX}"
    )
    assert (item.predicted_intent, item.confidence, item.reason) == (
        "report_account_hacked",
        0.41,
        "fallback",
    )
    assert (item.language, item.sender_id, item.status, item.created_at) == (
        "en",
        "acct-42",
        "open",
        T0,
    )
    assert get_item(engine, item.id) == item
    assert "Sommar2024" not in json.dumps(item.to_dict())


def test_a_message_is_recorded_once(engine: Engine) -> None:
    assert record(engine, "hmm", "greet", 0.2, "en", "a", message_id="same") is not None
    assert record(engine, "hmm", "greet", 0.2, "en", "a", message_id="same") is None
    assert record(engine, "hmm", "greet", 0.2, "en", "a") is not None  # no id: no dedupe
    assert len(list_items(engine)) == 2


def test_record_if_unsure(engine: Engine) -> None:
    desk = Desk(engine)
    message = fallback_message("my seed is gone and so is my money", "report_account_hacked", 0.4)
    assert record_if_unsure(desk, message, "acct-1", "en", 0.7) is True
    assert record_if_unsure(desk, message, "acct-1", "en", 0.7) is False  # same message id
    sure = {"text": "hi", "intent": {"name": "greet", "confidence": 0.99}, "message_id": "m2"}
    assert record_if_unsure(engine, sure, "acct-1", "en", 0.7) is False
    [item] = list_items(engine)
    assert (item.predicted_intent, item.reason, item.sender_id) == (
        "report_account_hacked",
        "fallback",
        "acct-1",
    )


def test_record_if_unsure_never_breaks_the_conversation(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'not-migrated.db'}")
    try:
        message = fallback_message("what", "greet", 0.2)
        assert record_if_unsure(engine, message, "acct-1", "en", 0.7) is False
    finally:
        engine.dispose()


def test_list_by_status_oldest_first_and_dismiss(engine: Engine) -> None:
    a = record(engine, "first", "greet", 0.3, "en", "u", now=T0 + timedelta(minutes=5))
    b = record(engine, "second", "greet", 0.3, "en", "u", now=T0)
    assert a and b
    assert [i.id for i in list_items(engine)] == [b.id, a.id]
    done = dismiss(engine, a.id, trainer="tina", now=T0 + timedelta(hours=1))
    assert (done.status, done.resolved_by, done.resolved_at) == (
        "dismissed",
        "tina",
        T0 + timedelta(hours=1),
    )
    assert [i.id for i in list_items(engine)] == [b.id]
    assert [i.id for i in list_items(engine, "dismissed")] == [a.id]
    assert len(list_items(engine, "all")) == 2
    with pytest.raises(ReviewError, match="already dismissed"):
        dismiss(engine, a.id)
    with pytest.raises(ReviewItemNotFound):
        dismiss(engine, 999)
    with pytest.raises(ValueError):
        list_items(engine, "bogus")


# -- assigning: the data file --------------------------------------------------------


def test_assign_appends_to_the_intent_and_changes_nothing_else(
    engine: Engine, project: Path
) -> None:
    data = project / "data"
    before = {p: p.read_bytes() for p in data.rglob("*.yml")}
    text = "someone logged into my account from another country and emptied it"
    item = record(engine, text, "report_account_hacked", 0.5, "en", "acct-9")
    assert item

    done = assign(engine, item.id, "report_account_hacked", data_dir=data, trainer="tina")

    assert done.added and done.file == "data/nlu/en/nlu.yml"
    assert (done.item.status, done.item.assigned_intent, done.item.resolved_by) == (
        "assigned",
        "report_account_hacked",
        "tina",
    )
    target = data / "nlu" / "en" / "nlu.yml"
    old_lines = before[target].decode().splitlines(keepends=True)
    new_lines = target.read_bytes().decode().splitlines(keepends=True)
    assert new_lines[done.line - 1] == f"    - {text}\n"
    # every other byte is as it was: comments, order, blank lines
    assert new_lines[: done.line - 1] + new_lines[done.line :] == old_lines
    assert any(line.lstrip().startswith("#") for line in old_lines)
    for path, content in before.items():
        if path != target:
            assert path.read_bytes() == content, path
    # it is the intent's last example, and the data still validates
    examples = data_checks.load_examples(data, project)
    hacked = [ex for ex in examples if ex.label == "report_account_hacked"
              and ex.file.endswith("nlu/en/nlu.yml")]
    assert hacked[-1].text == text and hacked[-1].line == done.line
    assert [p for p in data_checks.check_duplicates(examples) if p.level == "error"] == []
    assert list_items(engine) == []


def test_assign_a_faq_topic_in_swedish_goes_to_faq_yml(engine: Engine, project: Path) -> None:
    data = project / "data"
    item = record(
        engine, "hur länge dröjer ett uttag till banken", "faq/withdrawal_time", 0.4, "sv", "acct-3"
    )
    assert item
    done = assign(engine, item.id, "faq/withdrawal_time", data_dir=data)
    assert done.file == "data/nlu/sv/faq.yml" and done.added
    examples = data_checks.load_examples(data, project)
    [added] = [ex for ex in examples if ex.text == "hur länge dröjer ett uttag till banken"]
    assert (added.label, added.language, added.line) == ("faq/withdrawal_time", "sv", done.line)


def test_assign_refuses_what_would_break_the_data(engine: Engine, project: Path) -> None:
    data = project / "data"
    before = {p: p.read_bytes() for p in data.rglob("*.yml")}

    def item(text: str, language: str = "en") -> int:
        info = record(engine, text, "greet", 0.3, language, "u")
        assert info
        return info.id

    with pytest.raises(ReviewError, match="unknown intent"):
        assign(engine, item("hi hi hi"), "report_acount_hacked", data_dir=data)
    with pytest.raises(ReviewError, match="name the topic"):
        assign(engine, item("how long"), "faq", data_dir=data)
    with pytest.raises(ReviewError, match="already an example of greet"):
        assign(engine, item("Hello!"), "goodbye", data_dir=data)
    with pytest.raises(ReviewError, match="no training data folder"):
        assign(engine, item("bonjour", "fr"), "greet", data_dir=data)
    assert {p: p.read_bytes() for p in data.rglob("*.yml")} == before
    assert len(list_items(engine)) == 4  # nothing was closed

    # the intent already has it: nothing written, the item is done
    done = assign(engine, item("HELLO"), "greet", data_dir=data)
    assert not done.added and done.item.status == "assigned"
    assert {p: p.read_bytes() for p in data.rglob("*.yml")} == before
    with pytest.raises(ReviewError, match="already assigned"):
        assign(engine, done.item.id, "greet", data_dir=data)


def test_append_example_edge_cases(tmp_path: Path) -> None:
    path = tmp_path / "nlu.yml"
    path.write_text(
        'version: "3.1"\n'
        "nlu:\n"
        "- intent: greet  # hello\n"
        "  examples: |\n"
        "    - hi\n"
        "\n"
        "    - hello\n"
        "  # trailing comment of the block\n"
        "\n"
        "- intent: 'thank'\n"
        "  examples: |\n"
        "    - thanks",  # no newline at the end of the file
        encoding="utf-8",
    )
    assert append_example(path, "greet", "hey there") == 8
    assert append_example(path, "thank", "cheers [mate](person) ok") == 14
    assert append_example(path, "deny", "nope") == 18
    assert path.read_text(encoding="utf-8") == (
        'version: "3.1"\n'
        "nlu:\n"
        "- intent: greet  # hello\n"
        "  examples: |\n"
        "    - hi\n"
        "\n"
        "    - hello\n"
        "    - hey there\n"
        "  # trailing comment of the block\n"
        "\n"
        "- intent: 'thank'\n"
        "  examples: |\n"
        "    - thanks\n"
        "    - cheers [mate](person) ok\n"
        "\n"
        "- intent: deny\n"
        "  examples: |\n"
        "    - nope\n"
    )
    with pytest.raises(ValueError):
        append_example(path, "greet", "two\nlines")


def test_user_text_never_becomes_entity_markup(engine: Engine, project: Path) -> None:
    data = project / "data"
    item = record(
        engine, "my [redacted seed phrase](why) is gone", "report_account_hacked", 0.3, "en", "u"
    )
    assert item
    done = assign(engine, item.id, "report_account_hacked", data_dir=data)
    line = (project / done.file).read_text(encoding="utf-8").splitlines()[done.line - 1]
    assert line.strip() == "- my [redacted seed phrase] (why) is gone"


# -- the command ---------------------------------------------------------------------


def test_review_commands(
    db_url: str, engine: Engine, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = record(
        engine, "yo my withdrawl vanished?!", "report_missing_withdrawal", 0.52, "en", "acct-7"
    )
    second = record(engine, "asdfgh", "greet", 0.12, "en", "acct-8")
    assert first and second

    assert main(["review", "list", "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert "yo my withdrawl vanished?!" in out and "0.52" in out and "acct-7" in out

    assert main(["--json", "review", "list", "--db", db_url]) == 0
    assert [i["id"] for i in json.loads(capsys.readouterr().out)] == [first.id, second.id]

    code = main(
        [
            "review",
            "assign",
            str(first.id),
            "report_missing_withdrawal",
            "--db",
            db_url,
            "--data",
            str(project / "data"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0 and "data/nlu/en/nlu.yml:" in out

    assert main(["review", "dismiss", str(second.id), "--db", db_url]) == 0
    assert "dismissed" in capsys.readouterr().out
    assert main(["review", "dismiss", str(second.id), "--db", db_url]) == 1
    assert "already dismissed" in capsys.readouterr().err
    assert main(["review", "assign", "999", "greet", "--db", db_url]) == 1
    assert "not found" in capsys.readouterr().err

    assert main(["review", "list", "--db", db_url]) == 0
    assert "empty" in capsys.readouterr().out
