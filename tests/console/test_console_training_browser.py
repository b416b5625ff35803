"""The Training page in a real browser (Playwright + Debian's chromium): one click labels
an item and it leaves the inbox; the Train button's progress shows without a reload
(a short `python -c` printing progress lines stands in for `make train-quick`); axe-core
finds nothing serious or critical."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright import sync_api

from bot.trainer.nlu_data import load_examples
from tests.support.axe import BLOCKING, by_impact, describe, violations
from tests.support.browser import CHROMIUM_ARGS, chromium
from tests.support.console import PASSWORD, Console, start_console
from tests.support.training import copy_project, trainer_env

expect = sync_api.expect


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("project"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, project: Path) -> Iterator[Console]:
    for console in start_console(tmp_path_factory.mktemp("training-browser"),
                                 env=trainer_env(project, pause=1.0)):
        console.add_agent("tina", trainer=True)
        yield console


@pytest.fixture
def page(site: Console) -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium()), headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900},
                                      base_url=site.url)
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("Name").fill("tina")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(re.compile(r"/queue$"))
        yield page
        browser.close()


def test_one_click_labels_an_item_and_it_leaves_the_inbox(
    page, site: Console, project: Path, screenshots: Path
) -> None:
    text = "my 2fa codes stopped working and someone else got in"
    item = site.desk.record_review(text, "report_account_hacked", 0.48, "en", "acct-b1")
    noise = site.desk.record_review("hmm ok whatever", "greet", 0.31, "en", "acct-b2")
    assert item and noise
    page.get_by_role("link", name="Training").click()
    expect(page).to_have_url(re.compile(r"/training$"))
    card = page.locator(f"#item-{item.id}")
    expect(card).to_contain_text(text)
    expect(card).to_contain_text("report_account_hacked · 0.48")
    page.screenshot(path=str(screenshots / "console-training.png"), full_page=True)

    card.get_by_role("button", name="Label as report_account_hacked").click()
    expect(page.locator(".flash.ok")).to_contain_text("Labelled")
    expect(page.locator(f"#item-{item.id}")).to_have_count(0)
    expect(page.locator(f"#item-{noise.id}")).to_have_count(1)
    labelled = [ex for ex in load_examples(project / "data", project) if ex.text == text]
    assert [(ex.label, ex.language) for ex in labelled] == [("report_account_hacked", "en")]
    assert site.desk.review_item(item.id).status == "assigned"


def test_the_train_button_shows_progress_without_a_reload(page, project: Path) -> None:
    refused: list[str] = []  # what the Content-Security-Policy blocked, or a script error
    page.on("console", lambda msg: refused.append(msg.text) if "Refused to" in msg.text
            else None)
    page.on("pageerror", lambda error: refused.append(str(error)))
    page.goto("/training")
    assert page.locator("#training-log").evaluate("e => getComputedStyle(e).overflow") \
        == "auto"  # training.css applies under the policy
    page.get_by_role("button", name="Train now").click()
    expect(page.locator(".flash.ok")).to_contain_text("Training started")
    url = page.url
    status = page.locator("#training [role=status]")
    expect(status).to_contain_text("Training…")
    expect(page.locator("#training-log")).to_contain_text("Epochs: 1/3")
    expect(status).to_contain_text("The last training succeeded.", timeout=30_000)
    expect(page.locator("#training-log")).to_contain_text("Epochs: 3/3")
    assert re.fullmatch(r"\d+ s", page.locator("#training-elapsed").inner_text())
    assert page.url == url  # the page followed the training by itself
    assert len((project / "runs.txt").read_text().split()) == 1
    assert refused == []


def test_the_training_page_has_no_serious_accessibility_violations(page, site) -> None:
    site.desk.record_review("när kommer min insättning", "faq/deposit_time", 0.4, "sv", "a-sv")
    page.goto("/training")
    found = violations(page)
    blocking = [v for v in found if v.get("impact") in BLOCKING]
    assert blocking == [], describe(blocking)
    print("axe on /training:", by_impact(found))
