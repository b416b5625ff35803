"""A TCP proxy between the action server and PostgreSQL that a test can cut and restore,
so the database "goes away" for real: open connections drop, new ones are closed at once.

It can also cut at the worst moments of a write, watching the PostgreSQL wire protocol on
a connection that inserted a ticket: just before its COMMIT reaches the server (nothing
may be written), or just after the server acknowledged it (written, but the client never
hears so and must not write it twice).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

TICKET_INSERT = b"INSERT INTO tickets"
COMMIT_QUERY = b"COMMIT"
COMMIT_DONE = b"COMMIT\x00"  # CommandComplete tag of a committed transaction
ROLLBACK_DONE = b"ROLLBACK\x00"


class Proxy:
    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.down = False
        self.trap: str | None = None  # "before_commit" | "after_commit", one-shot
        self.sprung = threading.Event()
        self._writers: set[asyncio.StreamWriter] = set()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self.port = 0
        threading.Thread(target=self._serve, daemon=True).start()
        self._ready.wait(10)

    # -- test side (any thread) --------------------------------------------------------

    def cut(self) -> None:
        self._call(self._cut)

    def restore(self) -> None:
        self.down = False

    def arm(self, trap: str) -> None:
        self.sprung.clear()
        self.trap = trap

    def close(self) -> None:
        self._call(self._cut)
        self._loop.call_soon_threadsafe(self._loop.stop)

    def _call(self, function: Callable[[], None]) -> None:
        done = threading.Event()

        def run() -> None:
            function()
            done.set()
        self._loop.call_soon_threadsafe(run)
        done.wait(5)

    # -- proxy side (its own event loop) -------------------------------------------------

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            asyncio.start_server(self._client, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    def _cut(self) -> None:
        self.down = True
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.down:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers |= {writer, up_writer}
        inserted = [False]  # this connection wrote a ticket in its open transaction
        await asyncio.gather(
            self._pipe(reader, up_writer, inserted, to_server=True),
            self._pipe(up_reader, writer, inserted, to_server=False),
            return_exceptions=True,
        )

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    inserted: list[bool], to_server: bool) -> None:
        try:
            while data := await reader.read(65536):
                if self._springs(data, inserted, to_server):
                    self._cut()
                    self.sprung.set()
                    return
                writer.write(data)
                await writer.drain()
        finally:
            writer.transport.abort()
            self._writers.discard(writer)

    def _springs(self, data: bytes, inserted: list[bool], to_server: bool) -> bool:
        if to_server and TICKET_INSERT in data:
            inserted[0] = True
        armed = inserted[0] and self.trap is not None
        if armed and ((self.trap == "before_commit" and to_server and COMMIT_QUERY in data)
                      or (self.trap == "after_commit" and not to_server
                          and COMMIT_DONE in data)):
            self.trap = None
            return True
        if not to_server and (COMMIT_DONE in data or ROLLBACK_DONE in data):
            inserted[0] = False  # that transaction is over; watch the next one afresh
        return False
