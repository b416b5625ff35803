"""The action server's one Desk, created on first use (never at import time)."""

from __future__ import annotations

import functools
import logging
import os

from bot.desk import Desk
from bot.desk.db import database_url, make_engine, migrate
from bot.logs import log_event

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def get_desk() -> Desk:
    url = database_url()
    # Embedded defaults migrate on first use; scaled deployments migrate once, up front.
    if os.environ.get("SUPPORTBOT_AUTO_MIGRATE", "1") != "0":
        migrate(url)
    log_event(logger, "desk_connected", dialect=url.split(":", 1)[0])
    return Desk(make_engine(url))
