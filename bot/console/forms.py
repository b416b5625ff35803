"""What the pages' handlers share: the desk, a form field read and capped,
redirect-after-POST with a banner, an action refused with one."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console import banners
from bot.console.banners import error_key
from bot.logs import log_event

logger = logging.getLogger(__name__)

MAX_TEXT = 2000


def desk_of(request: Request) -> Any:
    return request.app.ctx.desk


def form(request: Request, name: str, limit: int = MAX_TEXT) -> str:
    return (request.form.get(name) or "").strip()[:limit]


def flash_redirect(to: str, key: str, error: bool = False) -> HTTPResponse:
    """Redirect after POST; the outcome travels in the query string as a key of
    bot.console.banners (no JS, no store, and no text a link could forge)."""
    kind = banners.ERROR if error else banners.OK
    if key not in kind:
        raise KeyError(f"no {'error' if error else 'ok'} banner {key!r}")
    sep = "&" if "?" in to else "?"
    return response.redirect(f"{to}{sep}{urlencode({'error' if error else 'ok': key})}")


def refused(to: str, exc: Exception) -> HTTPResponse:
    """Back to the page with the banner for an expected failure; the detail is logged."""
    key = error_key(exc)
    log_event(logger, "console_action_refused", banner=key, detail=str(exc))
    return flash_redirect(to, key, error=True)
