"""The trainer's pages over HTTP, on a real console process: the role gate, labelling
into a copy of the project's data (the code path of `supportbot review assign`),
dismissing, paging, and the Train button (a short `python -c` printing progress lines
runs in place of `make train-quick`, which takes minutes)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.trainer.nlu_data import load_examples
from tests.support.console import Client, Console, signed_in, start_console
from tests.support.training import copy_project, trainer_env


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("project"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, project: Path) -> Iterator[Console]:
    for console in start_console(tmp_path_factory.mktemp("training"),
                                 env=trainer_env(project, pause=1.0)):
        console.add_agent("ann")  # an agent, no more
        console.add_agent("leo", "lead")
        console.add_agent("tina", trainer=True)
        console.add_agent("lena", "lead", trainer=True)  # a lead may be a trainer too
        yield console


def trainer(site: Console, name: str = "tina") -> Client:
    return signed_in(site, name)


def status(client: Client) -> dict:
    reply = client.get("/api/training/status")
    assert reply.status == 200, reply.body
    return json.loads(reply.body)


def test_only_trainers_see_the_trainer_pages(site: Console) -> None:
    item = site.desk.record_review("what is this gate", "greet", 0.3, "en", "acct-gate")
    assert item
    for name in ("ann", "leo"):
        client = signed_in(site, name)
        assert 'href="/training"' not in client.get("/queue").body
        page = client.get("/training")
        assert page.status == 403 and "for trainers" in page.body
        assert client.get("/api/training/status").status == 403
        token = client.csrf()
        for path, data in (
            (f"/training/reviews/{item.id}/label", {"intent": "greet"}),
            (f"/training/reviews/{item.id}/dismiss", {}),
            ("/training/run", {}),
        ):
            assert client.post(path, {"csrf_token": token, **data}).status == 403, path
    assert site.desk.review_item(item.id).status == "open"
    assert not (site.desk.review_item(item.id).resolved_by)
    for name in ("tina", "lena"):
        client = trainer(site, name)
        assert 'href="/training"' in client.get("/queue").body
        page = client.get("/training")
        assert page.status == 200 and "what is this gate" in page.body
    assert Client(site.url).get("/api/training/status").status == 401
    site.desk.dismiss_review(item.id)


def test_an_item_shows_its_prediction_and_nearest_faq_topic(site: Console) -> None:
    item = site.desk.record_review("why was my account suspended from the chat??",
                                   "faq/why_suspended", 0.47, "en", "acct-near")
    assert item
    body = trainer(site).get("/training").body
    card = body[body.index(f'id="item-{item.id}"'):]
    card = card[: card.index("</li>")]
    assert "why was my account suspended from the chat??" in card
    assert "faq/why_suspended · 0.47" in card
    assert re.search(r"Nearest FAQ topic</dt><dd[^>]*>faq/why_suspended · \d+% alike", card)
    assert card.count("Label as faq/why_suspended") == 1  # predicted and nearest: one button
    site.desk.dismiss_review(item.id)


def test_one_click_labels_into_the_data_and_closes_the_item(
    site: Console, project: Path
) -> None:
    text = "somebody changed my email and now i cannot log in at all"
    item = site.desk.record_review(text, "report_account_hacked", 0.52, "en", "acct-label")
    assert item
    target = project / "data" / "nlu" / "en" / "nlu.yml"
    before = target.read_text(encoding="utf-8")
    client = trainer(site)
    assert "Label as report_account_hacked" in client.get("/training").body
    reply = client.submit(f"/training/reviews/{item.id}/label",
                          {"intent": "report_account_hacked"}, page="/training")
    assert reply.status == 302 and reply.location == "/training?ok=labelled"
    after = target.read_text(encoding="utf-8")
    assert len(after.splitlines()) == len(before.splitlines()) + 1
    assert f"    - {text}\n" in after
    [added] = [ex for ex in load_examples(project / "data", project) if ex.text == text]
    assert (added.label, added.language, added.file) == (
        "report_account_hacked", "en", "data/nlu/en/nlu.yml")
    closed = site.desk.review_item(item.id)
    assert (closed.status, closed.assigned_intent, closed.resolved_by) == (
        "assigned", "report_account_hacked", "tina")
    page = client.get("/training?ok=labelled").body
    assert text not in page and "Train to use it" in page
    # The same text again: the intent has it, nothing is written twice.
    again = site.desk.record_review(text, None, None, "en", "acct-label-2")
    assert again
    reply = client.submit(f"/training/reviews/{again.id}/label",
                          {"intent": "report_account_hacked"}, page="/training")
    assert reply.location == "/training?ok=already_example"
    assert target.read_text(encoding="utf-8") == after


def test_dismiss_and_refusals_leave_the_data_alone(site: Console, project: Path) -> None:
    data = project / "data"
    before = {p: p.read_bytes() for p in data.rglob("*.yml")}
    client = trainer(site)
    kept = site.desk.record_review("asdf qwerty", "greet", 0.2, "en", "acct-noise")
    assert kept
    refused = client.submit(f"/training/reviews/{kept.id}/label",
                            {"intent": "no_such_intent"}, page="/training")
    assert refused.status == 409 and "Not labelled: unknown intent" in refused.body
    bare = client.submit(f"/training/reviews/{kept.id}/label", {"intent": "faq"},
                         page="/training")
    assert bare.status == 409 and "name the topic" in bare.body
    no_token = client.post(f"/training/reviews/{kept.id}/label", {"intent": "greet"})
    assert no_token.status == 403 and "CSRF" in no_token.body
    assert site.desk.review_item(kept.id).status == "open"
    reply = client.submit(f"/training/reviews/{kept.id}/dismiss", {}, page="/training")
    assert reply.location == "/training?ok=dismissed"
    assert site.desk.review_item(kept.id).status == "dismissed"
    gone = client.submit(f"/training/reviews/{kept.id}/label", {"intent": "greet"},
                         page="/training")
    assert gone.location == "/training?error=item_gone"
    assert {p: p.read_bytes() for p in data.rglob("*.yml")} == before


def test_the_inbox_comes_in_pages(site: Console) -> None:
    items = [site.desk.record_review(f"paging message number {n}", None, None, "en", "acct-p")
             for n in range(23)]
    client = trainer(site)
    first, second = client.get("/training").body, client.get("/training?page=2").body
    assert "(23 open)" in first and "Page 1 of 2" in first and "Page 2 of 2" in second
    assert first.count('class="card review-item"') == 20
    assert second.count('class="card review-item"') == 3
    assert "paging message number 0<" in first and "paging message number 22<" in second
    # A form sends its page along; the trainer comes back to it.
    last = items[-1]
    assert last
    reply = client.submit(f"/training/reviews/{last.id}/dismiss", {"page": "2"},
                          page="/training?page=2")
    assert reply.location == "/training?page=2&ok=dismissed"
    assert "?page=99" and "Page 2 of 2" in client.get("/training?page=99").body
    for item in items[:-1]:
        assert item
        site.desk.dismiss_review(item.id)


def test_the_train_button_runs_one_training_in_the_background(
    site: Console, project: Path
) -> None:
    client, other = trainer(site), trainer(site, "lena")
    assert status(client)["state"] == "idle"
    token, other_token = client.csrf("/training"), other.csrf("/training")
    clicked = time.monotonic()
    reply = client.post("/training/run", {"csrf_token": token})
    answered = time.monotonic() - clicked
    assert reply.status == 302 and reply.location == "/training?ok=training_started"
    # The command takes 3 s: the answer came while it still ran, not after.
    running = status(client)
    assert running["state"] == "running" and running["started_by"] == "tina", running
    assert answered < 3

    second = other.post("/training/run", {"csrf_token": other_token})
    assert second.location == "/training?error=training_running"
    assert "A training is already running" in other.get(second.location).body

    deadline = time.monotonic() + 30
    while (done := status(client))["state"] == "running":
        assert time.monotonic() < deadline, done
        time.sleep(0.2)
    assert done["state"] == "succeeded" and done["returncode"] == 0
    assert done["log_tail"] == ["Epochs: 1/3", "Epochs: 2/3", "Epochs: 3/3"]
    assert done["elapsed_s"] >= 2.9
    assert len((project / "runs.txt").read_text().split()) == 1  # one process ran
    assert (project / "var" / "train.log").read_text().startswith("Epochs: 1/3")
    page = client.get("/training").body
    assert "The last training succeeded." in page and "Epochs: 3/3" in page


def test_a_swedish_trainer_reads_the_page_in_swedish(site: Console) -> None:
    site.desk.add_agent("sven", "agent", site.desk.agent_credentials("tina")[1], trainer=True)
    site.desk.set_agent_language("sven", "sv")
    item = site.desk.record_review("vad är detta", "greet", 0.3, "sv", "acct-sv")
    assert item
    client = trainer(site, "sven")
    page = client.get("/training").body
    assert '<html lang="sv">' in page and "Granskningsinkorg" in page
    assert "Märk som greet" in page and 'lang="sv">vad är detta<' in page
    refused = client.submit(f"/training/reviews/{item.id}/label", {"intent": "no_such"},
                            page="/training")
    assert refused.status == 409 and "Inte märkt: unknown intent" in refused.body
    started = client.get("/training?ok=training_started").body
    assert "Träningen har startat" in started
    site.desk.dismiss_review(item.id)
