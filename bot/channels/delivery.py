"""Every user message from a user channel goes through `deliver`: it loses nothing.

Rasa 3.6 swallows a failed custom action ("Bot will continue, but the actions events are
lost", processor._run_action) and saves the tracker anyway: the user gets no reply and
the answer they gave mid-form is lost or misread. So, per message:

1. The message is written to the outbox (bot/channels/outbox.py) before Rasa sees it.
2. Rasa handles it with remote actions guarded (bot/channels/action_guard.py): an
   action server that is down, failing or slow aborts the turn before `save_tracker`,
   so the tracker is as if the message never came; replies already produced are held
   back (bot/channels/buffered_output.py) and dropped.
3. Handled: the row is deleted and the replies go out. Not handled: the row stays, the
   user is told their message is kept, and it is replayed in order when the action
   server is back (a background pinger of its /health, bot/channels/action_health.py,
   so the check costs nothing per message), or before their next message. A replay's
   replies go to the user's open socket.io page, else they are told at the next message.
4. A handled message that produced no reply gets a short apology: never silence (what
   the user is told here: bot/channels/delivery_texts.py).
5. What a reply tells (a decision, an agent's question: bot/tells.py) is marked told only
   once the reply is passed on to the user, not when a reply kept for later is stored.

Exactly once: a row is deleted only after Rasa saved the tracker; a replay of a row that
may have been handled already (claimed before) is skipped when the tracker holds its
message id; filing itself is idempotent (actions/filing.py, key sender:report_id).

Channels call `deliver(message, on_new_message)` or wrap Rasa's handler with
`delivering(on_new_message)`; bot/server.py starts the replay worker with the server
(`start_worker`), so a restarted Rasa replays without waiting for a message.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.lock_store import LockError
from rasa.shared.core.events import UserUttered
from sqlalchemy.exc import SQLAlchemyError

from bot import tells
from bot.channels.action_guard import ActionServerUnavailable, action_timeout, guard_this_turn
from bot.channels.action_health import PING_MISSES_DOWN, health_url
from bot.channels.action_health import answers as ping
from bot.channels.buffered_output import BufferedOutput, flush, with_output
from bot.channels.delivery_texts import text_for
from bot.channels.outbox import Outbox, Row
from bot.channels.rasa_agent import running_agent
from bot.logs import log_event
from bot.rasa_patches import pooled_endpoints
from bot.settings import get_settings

logger = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]

MAX_FAILURES = 8  # 5xx or timeouts on one message; connection refused never counts
MAX_BACKOFF = 60.0
LIVE_CHANNELS = 10_000


def lease() -> float:
    """Longer than any turn: a crashed instance's claims expire."""
    return action_timeout() * 12


# -- the delivery service ----------------------------------------------------------------

class Delivery:
    def __init__(self, outbox: Outbox | None = None) -> None:
        self.outbox = outbox or Outbox.open()
        self.up = True  # until a ping or a turn says otherwise
        self.handler: Handler | None = None
        self._locks: dict[str, asyncio.Lock] = {}
        self._live: OrderedDict[str, OutputChannel] = OrderedDict()
        self._worker: asyncio.Task | None = None
        self._missed_pings = 0

    async def _db(self, method: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.to_thread(method, *args)

    def _lock(self, sender: str) -> asyncio.Lock:
        return self._locks.setdefault(sender, asyncio.Lock())

    def sender_lock(self, sender: str) -> asyncio.Lock:
        """Held while a message of `sender` is handled; a push takes it too (push.py)."""
        return self._lock(sender)

    def start(self, handler: Handler) -> None:
        if _action_guard_missing():  # a plain `rasa run`, or switched off
            log_event(logger, "action_guard_missing", logging.WARNING,
                      note="start Rasa with python -m bot.run_rasa; a failing action "
                           "server now loses a message's events")
        self.handler = self.handler or handler
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._worker:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)

    # -- a message from a channel -----------------------------------------------------

    async def deliver(self, message: UserMessage, handler: Handler) -> None:
        self.start(handler)
        sender, out = message.sender_id, message.output_channel
        self._remember(sender, out)
        async with self._lock(sender):
            try:
                # Claimed at once unless the action server is down or older messages
                # of the sender's wait: then it waits its turn behind them.
                admitted = await self._db(self.outbox.admit, sender, message.message_id,
                                          message.text or "", message.input_channel,
                                          message.metadata, lease() if self.up else None)
            except SQLAlchemyError as error:
                # No outbox: handle it directly rather than refuse it.
                log_event(logger, "outbox_unavailable", logging.ERROR, sender=sender,
                          error=type(error).__name__)
                await self._handle_unlogged(message, handler)
                return
            row_id = admitted.row_id
            for payload in admitted.replies:
                await out.send_response(sender, payload)
            await self._shown(sender, admitted.replies)
            try:
                handled = self.up and await self._drain(
                    sender, out, handler, message, row_id, admitted.claimed)
            except SQLAlchemyError as error:  # the outbox failed mid-way; the row is kept
                log_event(logger, "outbox_unavailable", logging.ERROR, sender=sender,
                          error=type(error).__name__)
                handled = False
        if handled is None:
            return
        if not handled:
            log_event(logger, "delivery_kept", sender=sender, row=row_id)
            await out.send_text_message(sender, await text_for("kept", message))

    async def _handle_unlogged(self, message: UserMessage, handler: Handler) -> None:
        buffer = BufferedOutput(message.output_channel.name())
        await handler(with_output(message, buffer))
        await flush(buffer, message.output_channel)
        await self._shown(message.sender_id, [payload for _, payload in buffer.messages])

    # -- handling the sender's waiting messages in order ------------------------------

    async def _drain(self, sender: str, out: OutputChannel | None, handler: Handler,
                     current: UserMessage | None = None, current_row: int | None = None,
                     claimed: Row | None = None) -> bool | None:
        """Handle the sender's messages in order, starting with `claimed` if given (then
        the replies waiting for the sender were taken already). True: `current` was
        handled (or there is none); False: it waits in the outbox; None: it was parked."""
        if claimed is None and out is not None:
            kept = await self._db(self.outbox.take_replies, sender)
            for payload in kept:
                await out.send_response(sender, payload)
            await self._shown(sender, kept)
        while True:
            row, claimed = (claimed or await self._db(self.outbox.claim_next, sender, lease()),
                            None)
            if row is None:
                return current_row is None or not await self._waiting(current_row, sender)
            is_current = row.id == current_row
            message = current if is_current and current else _from_row(row)
            outcome = await asyncio.shield(self._handle(row, message, handler))
            if outcome == "kept":
                return False
            buffer = outcome
            target = out if out is not None else self._live_channel(sender)
            if isinstance(buffer, BufferedOutput):
                await self._pass_on(sender, buffer, target)
                if is_current and not buffer.messages and target is not None:
                    log_event(logger, "delivery_no_reply", sender=sender, row=row.id)
                    await target.send_text_message(sender, await text_for("no_reply", message))
            elif target is not None:  # parked
                await target.send_text_message(sender, await text_for("failed", message))
            else:
                await self._db(self.outbox.keep_reply, sender,
                               {"text": await text_for("failed", message)})
            if is_current:
                return None if buffer == "failed" else True

    async def _waiting(self, row_id: int, sender: str) -> bool:
        return await self._db(self.outbox.waiting, sender) > 0

    async def _handle(self, row: Row, message: UserMessage, handler: Handler
                      ) -> BufferedOutput | str:
        """One turn: a BufferedOutput when handled, "kept" or "failed" otherwise."""
        buffer = BufferedOutput(message.output_channel.name())
        if row.tries > 1 and await self._already_handled(row):
            await self._db(self.outbox.done, row.id)
            log_event(logger, "delivery_duplicate_skipped", sender=row.sender, row=row.id)
            return buffer
        guard_this_turn()  # this task's context only (shielded task)
        try:
            await handler(with_output(message, buffer))
        except ActionServerUnavailable as error:
            self._mark_down(error.kind)
            return await self._retry_later(row, error.kind, counts=error.kind != "down")
        except (SQLAlchemyError, OSError, LockError, asyncio.TimeoutError) as error:
            return await self._retry_later(row, type(error).__name__, counts=True)
        except Exception as error:  # noqa: BLE001 - a bug: park it, do not loop on it
            logger.exception("delivery failed")
            log_event(logger, "delivery_parked", logging.ERROR, sender=row.sender, row=row.id,
                      error=type(error).__name__)
            await self._db(self.outbox.park, row.id)
            return "failed"
        await self._db(self.outbox.done, row.id)
        if row.tries > 1:
            log_event(logger, "delivery_replayed", sender=row.sender, row=row.id,
                      tries=row.tries)
        return buffer

    async def _retry_later(self, row: Row, reason: str, counts: bool) -> str:
        failures = row.failures + (1 if counts else 0)
        if failures >= MAX_FAILURES:
            log_event(logger, "delivery_parked", logging.ERROR, sender=row.sender,
                      row=row.id, reason=reason, failures=failures)
            await self._db(self.outbox.park, row.id)
            return "failed"
        delay = min(MAX_BACKOFF, 2.0 ** failures) if counts else 0.0
        await self._db(self.outbox.release, row.id, delay, counts)
        log_event(logger, "delivery_deferred", logging.WARNING, sender=row.sender,
                  row=row.id, reason=reason, retry_in_s=delay)
        return "kept"

    async def _already_handled(self, row: Row) -> bool:
        """Rasa saved the turn but the instance died before deleting the row."""
        agent = running_agent()
        if agent is None:
            return False
        tracker = await agent.tracker_store.retrieve(row.sender)
        return tracker is not None and any(
            isinstance(e, UserUttered) and e.message_id == row.message_id
            for e in tracker.events)

    async def _pass_on(self, sender: str, buffer: BufferedOutput,
                       target: OutputChannel | None) -> None:
        if target is None:  # nobody listening: told at the next message
            for _, payload in buffer.messages:
                await self._db(self.outbox.keep_reply, sender, payload)
            return
        await flush(buffer, target)
        await self._shown(sender, [payload for _, payload in buffer.messages])

    async def _shown(self, sender: str, payloads: list[dict[str, Any]]) -> None:
        """Passed on to the user: what they told (a decision, a question) is told now."""
        if carried := tells.carried(payloads):
            await self._db(tells.mark_shown, carried, sender)

    # -- the user's open page, for replies of replays ---------------------------------

    def _remember(self, sender: str, out: OutputChannel) -> None:
        if isinstance(out, CollectingOutputChannel):
            self._live.pop(sender, None)  # REST: the response is gone once sent
            return
        self._live[sender] = out
        self._live.move_to_end(sender)
        while len(self._live) > LIVE_CHANNELS:
            self._live.popitem(last=False)

    def _live_channel(self, sender: str) -> OutputChannel | None:
        out = self._live.get(sender)
        sio = getattr(out, "sio", None)
        if sio is not None:  # socket.io: is anyone in the user's room?
            try:
                if not any(True for _ in sio.manager.get_participants("/", sender)):
                    return None
            except (KeyError, AttributeError):
                return None
        return out

    # -- health and the replay worker ---------------------------------------------------

    def _mark_down(self, kind: str) -> None:
        if self.up:
            log_event(logger, "action_server_down", logging.WARNING, kind=kind)
        self.up = False

    async def _run(self) -> None:
        url = health_url()
        while True:
            try:
                await self._tick(url)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the worker must outlive any one failure
                logger.exception("delivery worker")
            await asyncio.sleep(get_settings().actions.health_interval)

    async def _tick(self, url: str) -> None:
        answers = await ping(url)
        self._missed_pings = 0 if answers else self._missed_pings + 1
        if answers and not self.up:
            log_event(logger, "action_server_up")
            self.up = True
        elif self._missed_pings >= PING_MISSES_DOWN:
            self._mark_down("no_health")
        if not self.up or self.handler is None:
            return
        for sender in await self._db(self.outbox.due_senders):
            if self._lock(sender).locked():
                continue  # a message of theirs is being handled; it drains the rest
            async with self._lock(sender):
                await self._drain(sender, None, self.handler)
            if not self.up:
                return


def _action_guard_missing() -> bool:
    """Rasa's remote actions are loaded without `run_guarded` in place. Not loaded at all
    (a test driving `deliver` with a handler of its own), no remote action can run, and
    the check would import them, and TensorFlow with them: seconds of CPU."""
    if "rasa.core.actions.action" not in sys.modules:
        return False
    from bot.rasa_patches import action_guard

    return not action_guard.PATCH.is_applied()


def _from_row(row: Row) -> UserMessage:
    return UserMessage(row.text, CollectingOutputChannel(), row.sender,
                       input_channel=row.input_channel, message_id=row.message_id,
                       metadata=row.metadata)


_delivery: Delivery | None = None


def delivery() -> Delivery:
    global _delivery
    if _delivery is None:
        _delivery = Delivery()
    return _delivery


async def deliver(message: UserMessage, on_new_message: Handler) -> None:
    """Hand a user's message to Rasa through the outbox (see the module's docstring)."""
    await delivery().deliver(message, on_new_message)


def delivering(on_new_message: Handler) -> Handler:
    """Rasa's message handler, wrapped so every message goes through `deliver`."""
    async def handler(message: UserMessage) -> None:
        await deliver(message, on_new_message)
    return handler


async def start_worker(handler: Handler) -> None:
    """Start the replay worker with the server, not only at the first message (a restarted
    Rasa replays what waits without waiting for a message); bot/server.py calls it."""
    pooled_endpoints.start_pooling()
    delivery().start(handler)


async def stop_worker() -> None:
    await delivery().stop()
    await pooled_endpoints.close_sessions()
