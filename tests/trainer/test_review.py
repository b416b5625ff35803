"""`supportbot review`: assigning reviewed messages to an intent in a copy of the real
data files without disturbing anything else in them, and the commands."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.desk import Desk, make_engine, migrate
from bot.desk.db import PROJECT_ROOT
from bot.desk.reviews import ReviewError
from bot.trainer.data_checks import check_duplicates
from bot.trainer.nlu_data import load_examples
from bot.trainer.review import assign, assignable_intents, nearest_faq
from tests.support.desk_template import copy_template


@pytest.fixture
def db_url(tmp_path: Path, desk_template: Path) -> str:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    copy_template(desk_template, url)
    migrate(url)
    return url


@pytest.fixture
def desk(db_url: str) -> Iterator[Desk]:
    engine = make_engine(db_url)
    try:
        yield Desk(engine)
    finally:
        engine.dispose()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the real data/ and domain/ to write into."""
    root = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "data", root / "data")
    shutil.copytree(PROJECT_ROOT / "domain", root / "domain")
    return root


# -- assigning: the data file --------------------------------------------------------


def test_assign_appends_to_the_intent_and_changes_nothing_else(
    desk: Desk, project: Path
) -> None:
    data = project / "data"
    before = {p: p.read_bytes() for p in data.rglob("*.yml")}
    text = "someone logged into my account from another country and emptied it"
    item = desk.record_review(text, "report_account_hacked", 0.5, "en", "acct-9")
    assert item

    done = assign(desk, item.id, "report_account_hacked", data_dir=data, trainer="tina")

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
    examples = load_examples(data, project)
    hacked = [ex for ex in examples if ex.label == "report_account_hacked"
              and ex.file.endswith("nlu/en/nlu.yml")]
    assert hacked[-1].text == text and hacked[-1].line == done.line
    assert [p for p in check_duplicates(examples) if p.level == "error"] == []
    assert desk.review_items() == []


def test_assign_a_faq_topic_in_swedish_goes_to_faq_yml(desk: Desk, project: Path) -> None:
    data = project / "data"
    item = desk.record_review(
        "hur länge dröjer ett uttag till banken", "faq/withdrawal_time", 0.4, "sv", "acct-3"
    )
    assert item
    done = assign(desk, item.id, "faq/withdrawal_time", data_dir=data)
    assert done.file == "data/nlu/sv/faq.yml" and done.added
    examples = load_examples(data, project)
    [added] = [ex for ex in examples if ex.text == "hur länge dröjer ett uttag till banken"]
    assert (added.label, added.language, added.line) == ("faq/withdrawal_time", "sv", done.line)


def test_assign_refuses_what_would_break_the_data(desk: Desk, project: Path) -> None:
    data = project / "data"
    before = {p: p.read_bytes() for p in data.rglob("*.yml")}

    def item(text: str, language: str = "en") -> int:
        info = desk.record_review(text, "greet", 0.3, language, "u")
        assert info
        return info.id

    with pytest.raises(ReviewError, match="unknown intent"):
        assign(desk, item("hi hi hi"), "report_acount_hacked", data_dir=data)
    with pytest.raises(ReviewError, match="name the topic"):
        assign(desk, item("how long"), "faq", data_dir=data)
    with pytest.raises(ReviewError, match="already an example of greet"):
        assign(desk, item("Hello!"), "goodbye", data_dir=data)
    with pytest.raises(ReviewError, match="no training data folder"):
        assign(desk, item("bonjour", "fr"), "greet", data_dir=data)
    assert {p: p.read_bytes() for p in data.rglob("*.yml")} == before
    assert len(desk.review_items()) == 4  # nothing was closed

    # the intent already has it: nothing written, the item is done
    done = assign(desk, item("HELLO"), "greet", data_dir=data)
    assert not done.added and done.item.status == "assigned"
    assert {p: p.read_bytes() for p in data.rglob("*.yml")} == before
    with pytest.raises(ReviewError, match="already assigned"):
        assign(desk, done.item.id, "greet", data_dir=data)


def test_what_an_item_may_be_labelled_as(project: Path) -> None:
    examples = load_examples(project / "data", project)
    intents = assignable_intents(examples, project / "domain")
    assert "report_account_hacked" in intents and "faq/why_suspended" in intents
    assert "faq" not in intents  # a retrieval intent is named by its topic
    assert not [i for i in intents if i.startswith("EXTERNAL_")]
    assert intents == sorted(intents)


def test_the_nearest_faq_topic_is_the_most_alike_example_in_the_language(
    project: Path,
) -> None:
    examples = load_examples(project / "data", project)
    [en] = [ex for ex in examples if ex.label == "faq/why_suspended" and ex.language == "en"][:1]
    near = nearest_faq(en.text + "??", "en", examples)
    assert near is not None and near.topic == "faq/why_suspended" and near.similarity > 0.8
    assert near.example == en.text
    sv = [ex for ex in examples if ex.label.startswith("faq/") and ex.language == "sv"][0]
    assert nearest_faq(sv.text, "sv", examples).topic == sv.label  # type: ignore[union-attr]
    assert nearest_faq("zzzz qqqq", "en", examples) is None  # shares no trigram
    assert nearest_faq(en.text, "fi", examples) is None  # no FAQ in that language


def test_user_text_never_becomes_entity_markup(desk: Desk, project: Path) -> None:
    data = project / "data"
    item = desk.record_review(
        "my [redacted seed phrase](why) is gone", "report_account_hacked", 0.3, "en", "u"
    )
    assert item
    done = assign(desk, item.id, "report_account_hacked", data_dir=data)
    line = (project / done.file).read_text(encoding="utf-8").splitlines()[done.line - 1]
    assert line.strip() == "- my [redacted seed phrase] (why) is gone"


# -- the command ---------------------------------------------------------------------


def test_review_commands(
    db_url: str, desk: Desk, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = desk.record_review(
        "yo my withdrawl vanished?!", "report_missing_withdrawal", 0.52, "en", "acct-7"
    )
    second = desk.record_review("asdfgh", "greet", 0.12, "en", "acct-8")
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
