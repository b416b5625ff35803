"""nginx at the edge (deploy/nginx) in front of the real stack: only the chat's paths get
through, bodies over 64 KiB and floods from one address are refused there, a chat
message and the chat page's socket pass. Debian's nginx runs as this user."""

from __future__ import annotations

import asyncio
import http.client
import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from bench.stacks import free_port
from bot.channels.identity import issue_token
from deploy.nginx.edge import Edge, nginx_binary
from tests.support.chat import websocket_hello
from tests.support.services import missing

pytestmark = pytest.mark.e2e

# Rasa's API and what else the Rasa process serves, and spellings of them that start
# inside /webhooks/ or /socket.io/ (dot segments, encoded slashes and dots, doubled
# slashes). Each would be answered by Rasa with its API token in the query.
OUTSIDE = ("/model/parse", "/conversations/acct-edge-x/tracker", "/metrics", "/status",
           "/version", "/", "/model", "/conversations/acct-edge-x/messages")
SPELLINGS = ("/webhooks/../model/parse", "/webhooks/%2e%2e/model/parse",
             "/webhooks/..%2fmodel/parse", "/webhooks/..%2Fmodel/parse",
             "/webhooks/rest/../../model/parse", "/socket.io/../conversations/acct-edge-x/tracker",
             "/webhooks/%2E%2E%2Fconversations/acct-edge-x/tracker", "//model/parse",
             "/./model/parse", "/webhooks/rest/webhook/../../../metrics")
ONE_MB = 1024 * 1024


@pytest.fixture(scope="module")
def edge(stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Edge]:
    if nginx_binary() is None:
        missing("nginx is not installed (.ci/run installs Debian's nginx-light)")
    with Edge(port=free_port(), rasa_ports=(stack.rasa_port,),
              prefix=Path(tmp_path_factory.mktemp("nginx"))) as running:
        yield running


def token_for(stack, account: str) -> str:
    return issue_token(account, stack.env["SUPPORTBOT_IDENTITY_KEY"])


def request(port: int, method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None, source: str = "127.0.0.1",
            chunked: bool = False) -> tuple[int, dict[str, str], bytes]:
    """One raw request, the path sent exactly as written; (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60,
                                            source_address=(source, 0))
    try:
        try:
            connection.request(method, path, body=iter([body]) if chunked else body,
                               headers={"Content-Type": "application/json", **(headers or {})},
                               encode_chunked=chunked)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused and closed before the whole body was sent: the answer is read
        answer = connection.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        connection.close()


def api(stack, path: str) -> str:
    separator = "&" if "?" in path else "?"
    return f"{path}{separator}token={stack.env['SUPPORTBOT_RASA_TOKEN']}"


def user_texts(stack, account: str) -> list[str]:
    url = f"http://127.0.0.1:{stack.rasa_port}{api(stack, f'/conversations/{account}/tracker')}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return [e["text"] for e in json.load(response)["events"] if e["event"] == "user"]


def test_rasa_api_and_metrics_are_not_reachable_through_the_edge(stack, edge):
    # Direct to Rasa, with its token, the API answers: the edge is what refuses it.
    parse = json.dumps({"text": "hello"}).encode()
    assert request(stack.rasa_port, "POST", api(stack, "/model/parse"), parse)[0] == 200
    assert request(stack.rasa_port, "GET",
                   api(stack, "/conversations/acct-edge-x/tracker"))[0] == 200
    refused = 0
    for path in OUTSIDE + SPELLINGS:
        for method, body in (("GET", None), ("POST", parse)):
            status, headers, answer = request(edge.port, method, api(stack, path), body)
            assert status in (400, 404), (method, path, status, answer[:200])
            if status == 404:
                assert json.loads(answer)["error"] == "not_public", (method, path)
                assert headers["content-type"] == "application/json"
            refused += 1
    assert refused == 2 * (len(OUTSIDE) + len(SPELLINGS))
    status, _, answer = request(edge.port, "GET", "/metrics", headers={"Accept-Language": "sv"})
    assert status == 404 and json.loads(answer)["message"].startswith("Det finns inget här")


def test_a_1_mb_body_gets_413_at_the_edge_in_the_users_language(stack, edge):
    account = "acct-edge-big"
    auth = {"Authorization": f"Bearer {token_for(stack, account)}"}
    body = json.dumps({"message": "where is my deposit " * (ONE_MB // 20 + 1)}).encode()
    assert len(body) > ONE_MB
    status, _, answer = request(edge.port, "POST", "/webhooks/rest/webhook", body, auth)
    assert status == 413
    assert json.loads(answer) == {"error": "message_too_large", "message": (
        "Your message is far too large for me, so I have not read it. A message can have at "
        "most 2000 characters: please write it shorter, or split it into several messages.")}
    status, _, answer = request(edge.port, "POST", "/webhooks/rest/webhook", body,
                                {**auth, "Accept-Language": "sv-SE,sv;q=0.9"}, chunked=True)
    assert status == 413
    assert json.loads(answer)["message"].startswith("Ditt meddelande är alldeles för stort")
    # socket.io's polling POSTs are bodies too.
    status, _, _ = request(edge.port, "POST", "/socket.io/?EIO=4&transport=polling&sid=x",
                           body)
    assert status == 413
    assert user_texts(stack, account) == []


def test_a_chat_message_passes_with_security_headers(stack, edge):
    account = "acct-edge-chat"
    status, headers, answer = request(
        edge.port, "POST", "/webhooks/rest/webhook", json.dumps({"message": "hello"}).encode(),
        {"Authorization": f"Bearer {token_for(stack, account)}"})
    assert status == 200, answer
    assert [m["text"] for m in json.loads(answer) if m.get("text")]
    assert user_texts(stack, account) == ["hello"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["content-security-policy"] == "frame-ancestors 'none'"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["server"] == "nginx"  # no version
    # Without a token the channel itself refuses, through the edge as directly.
    status, _, answer = request(edge.port, "POST", "/webhooks/rest/webhook",
                                json.dumps({"message": "hello"}).encode())
    assert status == 401 and json.loads(answer)["message"]
    status, headers, page = request(edge.port, "GET", "/webhooks/chatpage/")
    assert status == 200 and b"socket.io" in page.lower()
    # The page's own policy passes, so the sites it lists may embed it; nothing else.
    policy = headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors" in policy, policy
    assert "frame-ancestors *" not in policy and "x-frame-options" not in headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


def test_socket_io_upgrades_to_a_websocket_through_the_edge(stack, edge):
    account = "acct-edge-socket"
    url = f"{edge.url}/socket.io/?EIO=4&transport=websocket"

    async def foreign() -> int:
        async with aiohttp.ClientSession() as session:
            try:
                async with session.ws_connect(url, headers={"Origin": "https://evil.example"}):
                    return 101
            except aiohttp.WSServerHandshakeError as error:
                return error.status

    # The page's own origin as the browser sees it: the edge's host and port, which
    # nginx passes on (Host, X-Forwarded-Host) for Rasa's Origin check.
    frames = asyncio.run(websocket_hello(url, token_for(stack, account), {"Origin": edge.url}))
    assert any(f.startswith("40{") for f in frames)  # socket.io connected, token accepted
    assert f'42["session_confirm","{account}"]' in frames
    assert user_texts(stack, account) == ["hello"]
    assert asyncio.run(foreign()) in (400, 403)


def test_a_flood_from_one_address_is_refused_at_the_edge_and_others_pass(stack, edge):
    flooder = "127.0.0.9"  # loopback is 127/8: another client address
    statuses = [request(edge.port, "GET", "/webhooks/rest/", source=flooder)[0]
                for _ in range(edge.settings().requests_burst + 60)]
    assert set(statuses) <= {200, 429}, set(statuses)
    assert statuses.count(429) >= 10, statuses
    status, _, answer = request(edge.port, "GET", "/webhooks/rest/", source=flooder,
                                headers={"Accept-Language": "sv"})
    assert status == 429 and json.loads(answer)["error"] == "rate_limited"
    assert json.loads(answer)["message"].startswith("Du skickar meddelanden snabbare")
    # Another address is not held back by it.
    assert request(edge.port, "GET", "/webhooks/rest/", source="127.0.0.1")[0] == 200


def test_one_address_holding_many_connections_is_refused_more(stack, edge):
    """limit_conn: requests in progress per address. Each holder declares a body and
    sends none of it, so nginx keeps its request open (waiting for the body)."""
    holder = "127.0.0.10"
    allowed = edge.settings().connections_per_address
    held = []
    try:
        for _ in range(allowed):
            connection = http.client.HTTPConnection("127.0.0.1", edge.port, timeout=30,
                                                    source_address=(holder, 0))
            connection.putrequest("POST", "/webhooks/rest/webhook")
            connection.putheader("Content-Type", "application/json")
            connection.putheader("Content-Length", "100")
            connection.endheaders()
            held.append(connection)
        # nginx reads the holders' headers in its own time: ask until it has counted them.
        statuses = []
        for _ in range(10):
            statuses.append(request(edge.port, "GET", "/webhooks/rest/", source=holder)[0])
            if statuses[-1] == 429:
                break
        assert statuses[-1] == 429, statuses
        assert request(edge.port, "GET", "/webhooks/rest/", source="127.0.0.11")[0] != 429
    finally:
        for connection in held:
            connection.close()
