"""The action server's one Desk, created on first use (never at import time)."""

from __future__ import annotations

import functools
import logging

from bot.desk import Desk, open_desk
from bot.logs import log_event

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def get_desk() -> Desk:
    # Embedded defaults migrate on first use; scaled deployments migrate once, up front
    # (SUPPORTBOT_AUTO_MIGRATE=0).
    desk = open_desk()
    log_event(logger, "desk_connected", dialect=desk.engine.dialect.name)
    return desk
