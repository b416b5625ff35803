"""The trainer's pages: the review inbox, labelled with one click into the same data
files `supportbot review assign` writes (bot/trainer/review.py), and the Train button
(bot/trainer/training_run.py). Agents without the trainer role get 403."""

from __future__ import annotations

import functools
import logging
import os
import shlex
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.request_context import render, run_sync, words
from bot.console.texts import N_
from bot.desk.reviews import ReviewError, ReviewInfo, ReviewItemNotFound
from bot.logs import log_event
from bot.settings import ROOT, get_settings
from bot.trainer import review
from bot.trainer.nlu_data import load_examples
from bot.trainer.training_run import TrainingRunning, TrainingRuns, without_secrets

logger = logging.getLogger(__name__)

PAGE_SIZE = 20

# Banners by key, as in bot/console/banners.py (render translates them).
OK = {
    "labelled": N_("Labelled: the message is a training example now. Train to use it."),
    "already_example": N_("That intent already had this example; the item is closed."),
    "dismissed": N_("Dismissed: the message stays out of the training data."),
    "training_started": N_("Training started. Its progress is shown below; "
                           "you need not wait."),
}
ERROR = {
    "training_running": N_("A training is already running: this one was not started. "
                           "Its progress is shown below."),
    "intent_needed": N_("Choose an intent first."),
    "item_gone": N_("That item is no longer in the inbox "
                    "(another trainer may have closed it)."),
}
TRAINERS_ONLY = N_("This page is for trainers. Ask a lead for the role.")
NOT_LABELLED = N_("Not labelled: %(reason)s.")

Handler = Callable[..., Awaitable[HTTPResponse]]


def register(app: Sanic) -> None:
    settings = get_settings().trainer
    project = Path(settings.project) if settings.project else ROOT
    app.ctx.trainer_project = project
    app.ctx.training = TrainingRuns(project, shlex.split(settings.train_command),
                                    env=without_secrets(os.environ))
    # Labels append to the same YAML files: one at a time (the executor runs several).
    app.ctx.labelling = threading.Lock()
    app.ctx.training_data = TrainingDataCache(project)
    app.add_route(training_page, "/training", methods=["GET"])
    app.add_route(label, "/training/reviews/<item_id:int>/label", methods=["POST"])
    app.add_route(dismiss, "/training/reviews/<item_id:int>/dismiss", methods=["POST"])
    app.add_route(train, "/training/run", methods=["POST"])
    app.add_route(training_status, "/api/training/status", methods=["GET"])


def trainers_only(handler: Handler) -> Handler:
    @functools.wraps(handler)
    async def gated(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        agent = request.ctx.agent
        if not agent.trainer:
            log_event(logger, "console_trainer_refused", logging.WARNING,
                      account=agent.name, path=request.path)
            if request.path.startswith("/api/"):
                return response.json({"error": "trainers only"}, status=403)
            return render(request, "error.html", status=403, problem=TRAINERS_ONLY)
        return await handler(request, *args, **kwargs)

    return gated


@dataclass(frozen=True)
class TrainingData:
    intents: list[str]
    faq: review.FaqIndex


class TrainingDataCache:
    """The project's intents and FAQ index, read again only when a data or domain file
    changed (reading them takes seconds; a trainer's label changes them)."""

    def __init__(self, project: Path) -> None:
        self.project = project
        self._lock = threading.Lock()
        self._signature: tuple[Any, ...] | None = None
        self._data: TrainingData | None = None

    def _files(self) -> tuple[Any, ...]:
        found = []
        for folder in (self.project / "data", self.project / "domain"):
            for path in sorted(folder.rglob("*.yml")):
                stat = path.stat()
                found.append((str(path), stat.st_mtime_ns, stat.st_size))
        return tuple(found)

    def get(self) -> TrainingData:
        with self._lock:
            signature = self._files()
            if self._data is None or signature != self._signature:
                examples = load_examples(self.project / "data")
                self._data = TrainingData(
                    review.assignable_intents(examples, self.project / "domain"),
                    review.FaqIndex(examples),
                )
                self._signature = signature
            return self._data


@dataclass(frozen=True)
class InboxRow:
    item: ReviewInfo
    nearest: review.Nearest | None


def _data_dir(request: Request) -> Path:
    return request.app.ctx.trainer_project / "data"


def _page_number(request: Request) -> int:
    """The inbox page a form came from (its hidden `page`), or the one asked for."""
    source = request.form if request.method == "POST" else request.args
    raw = (source or {}).get("page")
    return int(raw) if raw and raw.isascii() and raw.isdigit() and 0 < int(raw) < 10**6 else 1


def _inbox(request: Request, page: int) -> dict[str, Any]:
    desk = request.app.ctx.desk
    total = desk.count_reviews("open")
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(page, pages)
    items = desk.review_items("open", limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    data = request.app.ctx.training_data.get()
    rows = [InboxRow(i, data.faq.nearest(i.text, i.language)) for i in items]
    return {"rows": rows, "intents": data.intents, "total": total, "page": page,
            "pages": pages}


def _back(page: int, **banner: str) -> HTTPResponse:
    query = {"page": str(page)} if page > 1 else {}
    query.update(banner)
    return response.redirect("/training" + (f"?{urlencode(query)}" if query else ""))


async def _page(request: Request, status: int = 200, error: str | None = None) -> HTTPResponse:
    inbox = await run_sync(_inbox, request, _page_number(request))
    training = await run_sync(request.app.ctx.training.status)
    ok_key, error_key = request.args.get("ok"), request.args.get("error")
    return render(
        request,
        "training.html",
        status=status,
        training=training,
        train_command=shlex.join(request.app.ctx.training.command),
        message=OK.get(ok_key or ""),
        error=error or ERROR.get(error_key or ""),
        **inbox,
    )


@trainers_only
async def training_page(request: Request) -> HTTPResponse:
    return await _page(request)


def _assign(request: Request, item_id: int, intent: str, trainer: str) -> review.Assignment:
    with request.app.ctx.labelling:
        return review.assign(request.app.ctx.desk, item_id, intent,
                             data_dir=_data_dir(request), trainer=trainer)


@trainers_only
async def label(request: Request, item_id: int) -> HTTPResponse:
    intent = (request.form.get("intent") or "").strip()[:255]
    page = _page_number(request)
    if not intent:
        return _back(page, error="intent_needed")
    trainer, desk = request.ctx.agent.name, request.app.ctx.desk
    try:
        if (await run_sync(desk.review_item, item_id)).status != "open":
            return _back(page, error="item_gone")
        done = await run_sync(_assign, request, item_id, intent, trainer)
    except ReviewItemNotFound:
        return _back(page, error="item_gone")
    except ReviewError as exc:
        # The desk's own words (which intent, which file), never the user's text.
        log_event(logger, "console_label_refused", account=trainer, item=item_id,
                  intent=intent, detail=str(exc))
        said = words(request)["_"](NOT_LABELLED) % {"reason": exc}
        return await _page(request, status=409, error=said)
    log_event(logger, "console_labelled", account=trainer, item=item_id, intent=intent,
              file=done.file, line=done.line, added=done.added)
    return _back(page, ok="labelled" if done.added else "already_example")


@trainers_only
async def dismiss(request: Request, item_id: int) -> HTTPResponse:
    page = _page_number(request)
    try:
        await run_sync(request.app.ctx.desk.dismiss_review, item_id,
                       trainer=request.ctx.agent.name)
    except ReviewError:
        return _back(page, error="item_gone")
    return _back(page, ok="dismissed")


@trainers_only
async def train(request: Request) -> HTTPResponse:
    page = _page_number(request)
    try:
        # Only the start runs here (off the loop); the training goes on without the request.
        await run_sync(request.app.ctx.training.start, request.ctx.agent.name)
    except TrainingRunning:
        log_event(logger, "console_training_refused", account=request.ctx.agent.name,
                  reason="already_running")
        return _back(page, error="training_running")
    return _back(page, ok="training_started")


@trainers_only
async def training_status(request: Request) -> HTTPResponse:
    status = await run_sync(request.app.ctx.training.status)
    return response.json(status.to_dict())
