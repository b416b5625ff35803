"""Reading a server-sent event stream as a browser's EventSource does: events with their
names and data, comments (heartbeats), until the server ends the stream."""

from __future__ import annotations

import http.client
import json
import urllib.parse
from dataclasses import dataclass
from http.cookiejar import CookieJar
from typing import Any


@dataclass
class Event:
    name: str | None  # None for a comment line
    data: Any


class EventStream:
    def __init__(self, base: str, path: str, jar: CookieJar | None = None,
                 timeout: float = 10.0) -> None:
        url = urllib.parse.urlsplit(base)
        self.connection = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar or [])
        headers = {"Accept": "text/event-stream", **({"Cookie": cookie} if cookie else {})}
        self.connection.request("GET", path, headers=headers)
        self.response = self.connection.getresponse()
        self.status = self.response.status
        self.headers = {k.lower(): v for k, v in self.response.getheaders()}

    def next(self) -> Event | None:
        """The next event or comment; None when the stream ended (or nothing came in the
        time-out)."""
        name, data = None, []
        try:
            while True:
                line = self.response.readline()
                if not line:
                    return None
                text = line.decode().rstrip("\r\n")
                if text == "":
                    if data or name:
                        return Event(name, json.loads("\n".join(data)) if data else None)
                    continue
                if text.startswith(":"):
                    return Event(None, text[1:].strip())
                field, _, value = text.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if field == "event":
                    name = value
                elif field == "data":
                    data.append(value)
        except TimeoutError:
            return None

    def until(self, name: str, limit: int = 50) -> Event | None:
        for _ in range(limit):
            event = self.next()
            if event is None or event.name == name:
                return event
        return None

    def close(self) -> None:
        self.connection.close()
