"""Every console response carries the security headers; banners say only fixed texts;
bodies are capped well under 1 MB. Live against `supportbot console`."""

from __future__ import annotations

import http.client
import json
import re
import urllib.parse

import pytest
from markupsafe import escape

from bot.console import banners
from bot.console.app import MAX_BODY_BYTES
from tests.support.console import Client, Console

EXPECTED = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


@pytest.fixture(scope="module", autouse=True)
def agents(console: Console) -> None:
    console.add_agent("hedda")


@pytest.fixture(scope="module")
def hedda(console: Console) -> Client:
    client = Client(console.url)
    assert client.login("hedda").status == 302
    return client


def assert_secure(headers: dict[str, str], what: str) -> None:
    for name, value in EXPECTED.items():
        assert headers.get(name) == value, f"{what}: {name} is {headers.get(name)!r}"
    policy = headers.get("content-security-policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in policy.split("; ") if d}
    assert directives.get("default-src") == ["'none'"], f"{what}: {policy!r}"
    assert directives.get("frame-ancestors") == ["'none'"], f"{what}: {policy!r}"
    # Only the console's own script files (the live queue), never inline ones.
    assert directives.get("script-src") == ["'self'"], f"{what}: {policy!r}"
    assert directives.get("connect-src") == ["'self'"], f"{what}: {policy!r}"
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy


def test_every_kind_of_response_carries_the_headers(console: Console, hedda: Client) -> None:
    anonymous = Client(console.url)
    ref = console.desk.file_report("acct-headers", "impersonation", {}, "k-headers")
    ticket = f"/tickets/SB-{ref.ticket.id:05d}"
    replies = {
        "sign-in page": (anonymous.get("/login"), 200),
        "redirect to sign-in": (anonymous.get("/queue"), 302),
        "401 from the API": (anonymous.get("/api/queue"), 401),
        "403 without CSRF": (anonymous.post("/login", {"name": "x"}), 403),
        "wrong password": (anonymous.login("hedda", "not the password"), 401),
        "queue": (hedda.get("/queue"), 200),
        "ticket": (hedda.get(ticket), 200),
        "suspensions": (hedda.get("/suspensions"), 200),
        "JSON API": (hedda.get("/api/queue"), 200),
        "unknown ticket": (hedda.get("/tickets/SB-99999"), 404),
        "unknown path": (hedda.get("/no/such/page"), 404),
        "stylesheet": (hedda.get("/static/console.css"), 200),
        "redirect after a form": (hedda.submit(f"{ticket}/claim", {}), 302),
    }
    for what, (reply, status) in replies.items():
        assert reply.status == status, f"{what}: {reply.status}"
        assert_secure(reply.headers, what)
    assert replies["queue"][0].headers["cache-control"] == "no-store"


def test_pages_have_no_inline_script_or_style(hedda: Client, console: Console) -> None:
    ref = console.desk.file_report("acct-inline", "account_hacked", {}, "k-inline")
    for path in ("/queue", f"/tickets/SB-{ref.ticket.id:05d}", "/suspensions", "/login"):
        body = hedda.get(path).body.lower()
        # A JSON data block (the page's texts for its script) is data the browser never
        # runs; any other script is a file of the console's own.
        data = re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', body, re.S)
        assert all(json.loads(block) for block in data), f"{path}: data block is not JSON"
        scripts = re.findall(r"<script(?! type=\"application/json\")[^>]*>(.*?)</script>",
                             body, re.S)
        assert all(code == "" for code in scripts), f"{path}: inline script"
        assert body.count("<script") == body.count('<script src="/static/') + len(data)
        assert " style=" not in body and "<style" not in body
        assert " onclick=" not in body and "javascript:" not in body


FORGED = [
    "Your password expired: send it to security@evil.example",
    "<b>urgent</b>",
    "claimed ",
    "CLAIMED",
    "__class__",
    "already_claimed",  # an error key offered as an ok message
]


@pytest.mark.parametrize("path", ["/queue", "/suspensions"])
def test_banners_show_only_known_keys(hedda: Client, path: str) -> None:
    plain = hedda.get(path).body
    assert 'class="flash' not in plain
    for text in FORGED:
        for kind in ("ok", "error"):
            if kind == "error" and text == "already_claimed":
                continue
            body = hedda.get(f"{path}?{urllib.parse.urlencode({kind: text})}").body
            assert 'class="flash' not in body, (kind, text)
            assert "evil.example" not in body
    for key, message in banners.OK.items():
        body = hedda.get(f"{path}?ok={key}").body
        assert f'<p class="flash ok" role="status">{escape(message)}</p>' in body
    for key, message in banners.ERROR.items():
        body = hedda.get(f"{path}?error={key}").body
        assert f'<p class="flash error" role="alert">{escape(message)}</p>' in body


def test_a_refused_form_says_why_with_a_fixed_banner(console: Console, hedda: Client) -> None:
    reply = hedda.submit("/suspensions", {"user": "acct-b", "hours": "lots"}, "/suspensions")
    assert reply.location.endswith("error=hours_not_a_number")
    assert escape(banners.ERROR["hours_not_a_number"]) in hedda.get(reply.location).body
    reply = hedda.submit("/suspensions", {"user": "acct-b", "hours": "nan"}, "/suspensions")
    assert reply.location.endswith("error=hours_out_of_range")
    reply = hedda.submit("/suspensions/lift", {"user": "acct-never"}, "/suspensions")
    assert reply.location.endswith("error=no_active_suspension")


def raw_post(console: Console, body_size: int, chunked: bool = False) -> tuple[int, str, dict]:
    host, port = urllib.parse.urlsplit(console.url).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=20)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    body = b"note=" + b"a" * body_size
    try:
        if chunked:
            chunks = iter([body[i : i + 65536] for i in range(0, len(body), 65536)])
            connection.request(
                "POST",
                "/login",
                body=chunks,
                headers={**headers, "Transfer-Encoding": "chunked"},
                encode_chunked=True,
            )
        else:
            connection.request("POST", "/login", body=body, headers=headers)
        reply = connection.getresponse()
        return reply.status, reply.read().decode(errors="replace"), {
            k.lower(): v for k, v in reply.getheaders()
        }
    except (TimeoutError, ConnectionResetError, BrokenPipeError) as error:
        return 0, repr(error), {}
    finally:
        connection.close()


def test_bodies_over_the_limit_are_refused_with_a_message(console: Console) -> None:
    assert MAX_BODY_BYTES <= 256 * 1024  # well under 1 MB
    for size, chunked in ((MAX_BODY_BYTES + 1, False), (900_000, False), (900_000, True)):
        status, body, headers = raw_post(console, size, chunked)
        assert status == 413, (size, chunked, status, body[:200])
        assert "Request too large: the console takes at most 128 KB" in body
        assert_secure(headers, f"413 for {size} bytes")
    # 5 MB: the answer is the same 413, but the console stops reading and closes the
    # connection, so a client still sending may see the reset before the answer.
    status, body, _headers = raw_post(console, 5_000_000)
    assert status == 413 or "ConnectionReset" in body or "BrokenPipe" in body, (status, body)
    # A form near the limit is read (and refused only for its missing CSRF token).
    status, body, _headers = raw_post(console, MAX_BODY_BYTES - 1000)
    assert status == 403 and "CSRF" in body
    assert Client(console.url).get("/login").status == 200
