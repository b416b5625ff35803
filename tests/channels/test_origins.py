"""The socket.io Origin check: the chat page's own origin and the operator's list only."""

from __future__ import annotations

import json
import logging

from bot.channels.origins import OriginCheck, configured_origins, own_origins
from bot.settings import Settings

DIRECT = {"HTTP_HOST": "chat.example.com", "wsgi.url_scheme": "https"}
PROXIED = {"HTTP_HOST": "127.0.0.1:5006", "wsgi.url_scheme": "http",
           "HTTP_X_FORWARDED_HOST": "chat.example.com", "HTTP_X_FORWARDED_PROTO": "https"}


def test_the_pages_own_origin_is_allowed_directly_and_behind_a_proxy():
    check = OriginCheck()
    assert check("https://chat.example.com", dict(DIRECT))
    assert check("https://chat.example.com/", dict(DIRECT))
    assert check("https://Chat.Example.com", dict(PROXIED))
    assert own_origins({}) == set()
    assert not check(None, dict(DIRECT))  # no Origin (a script): no CORS headers owed


FOREIGN = ["https://evil.example", "http://chat.example.com", "https://chat.example.com.evil",
           "https://chat.example.com:8443", "null", "", "https://evil.example, "
           "https://chat.example.com"]


def test_foreign_origins_are_refused_and_logged(caplog):
    check = OriginCheck()
    with caplog.at_level(logging.WARNING, logger="bot.channels.origins"):
        for origin in FOREIGN:
            assert not check(origin, dict(DIRECT)), origin
    events = [json.loads(r.getMessage()) for r in caplog.records]
    assert [e["event"] for e in events] == ["socket_origin_refused"] * len(FOREIGN)


def test_one_request_is_decided_and_logged_once(caplog):
    check, environ = OriginCheck(), dict(DIRECT)
    with caplog.at_level(logging.WARNING, logger="bot.channels.origins"):
        assert not check("https://evil.example", environ)
        assert not check("https://evil.example", environ)  # engine.io asks again
    assert len(caplog.records) == 1


def test_listed_origins_are_allowed_as_well():
    listed = configured_origins(["https://www.exchange.example/", " https://m.exchange.example"])
    check = OriginCheck(listed)
    assert check("https://www.exchange.example", dict(DIRECT))
    assert check("https://m.exchange.example", dict(DIRECT))
    assert check("https://chat.example.com", dict(DIRECT))  # the page itself still works
    assert not check("https://evil.example", dict(DIRECT))


def test_the_environment_wins_over_credentials_yml():
    chat = Settings.from_env({"SUPPORTBOT_CHAT_ORIGINS": "https://a.example, https://b.example/"}
                             ).chat
    assert configured_origins(["https://c.example"], chat) == {"https://a.example",
                                                               "https://b.example"}
    unset = Settings().chat
    assert configured_origins("https://c.example", unset) == {"https://c.example"}
    assert configured_origins(None, unset) == frozenset()
