"""deploy/nginx's template renders into a config Debian's nginx accepts, with every
placeholder filled and nginx's own $variables untouched."""

from __future__ import annotations

import json
import re
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench.stacks import free_port
from deploy.nginx.edge import Edge, nginx_binary
from deploy.nginx.render import (
    SITE,
    EdgeSettings,
    render_console,
    render_site,
    write_standalone,
)
from tests.support.services import missing

TWO = EdgeSettings(listen="127.0.0.1:8000", rasa=("127.0.0.1:5005", "127.0.0.1:5006"),
                   access_log="/tmp/supportbot-edge-access.log")


def test_every_placeholder_is_filled_and_nginx_variables_stay():
    text = render_site(TWO)
    assert not re.search(r"\$\{[A-Z][A-Z0-9_]*\}", text)
    assert "listen 127.0.0.1:8000;" in text
    assert "    server 127.0.0.1:5005;\n    server 127.0.0.1:5006;" in text
    assert "client_max_body_size 64k;" in text and "rate=10r/s" in text
    assert "most 2000 characters" in text
    template_variables = set(re.findall(r"\$[a-z_]+", SITE.read_text(encoding="utf-8")))
    assert {"$binary_remote_addr", "$http_upgrade", "$http_host", "$remote_addr"} <= (
        template_variables)
    assert template_variables <= set(re.findall(r"\$[a-z_]+", text))


def test_a_missing_instance_is_refused():
    with pytest.raises(ValueError):
        render_site(EdgeSettings(listen="80", rasa=()))


def test_only_the_chats_paths_are_forwarded():
    text = render_site(TWO)
    forwarded = re.findall(r"location (\S+) \{[^}]*proxy_pass ([^;]+);", text)
    assert forwarded == [("/webhooks/", "http://supportbot_rasa/webhooks/"),
                         ("/webhooks/chatpage/", "http://supportbot_rasa/webhooks/chatpage/"),
                         ("/socket.io/", "http://supportbot_socketio/socket.io/")]
    # REST to the least busy instance; socket.io sticky by client address.
    assert re.search(r"upstream supportbot_rasa \{\s*least_conn;", text)
    assert re.search(r"upstream supportbot_socketio \{\s*hash \$binary_remote_addr "
                     r"consistent;", text)
    assert re.search(r"location / \{\s*default_type application/json;\s*return 404 ", text)


def test_debians_nginx_accepts_the_rendered_config(tmp_path: Path):
    binary = nginx_binary()
    if binary is None:
        missing("nginx is not installed (.ci/run installs Debian's nginx-light)")
    conf = write_standalone(TWO, tmp_path)
    check = subprocess.run([binary, "-t", "-p", str(tmp_path), "-c", str(conf)],
                           capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr
    assert "test is successful" in check.stderr


def test_with_every_instance_down_the_edge_answers_503_in_the_users_language(tmp_path: Path):
    if nginx_binary() is None:
        missing("nginx is not installed (.ci/run installs Debian's nginx-light)")
    nobody = free_port()  # nothing listens there
    with Edge(port=free_port(), rasa_ports=(nobody,), prefix=tmp_path) as edge:
        answers = {}
        for language in ("en", "sv"):
            request = urllib.request.Request(f"{edge.url}/webhooks/rest/webhook",
                                             data=b'{"message": "hello"}',
                                             headers={"Accept-Language": language})
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=30)
            answers[language] = (refused.value.code, json.loads(refused.value.read()))
    assert answers["en"] == (503, {"error": "unavailable", "message": (
        "The chat is not available right now. Please try again in a few minutes.")})
    assert answers["sv"][0] == 503
    assert answers["sv"][1]["message"].startswith("Chatten är inte tillgänglig just nu")


def test_with_every_instance_down_the_chat_page_is_a_page_in_both_languages(tmp_path: Path):
    if nginx_binary() is None:
        missing("nginx is not installed (.ci/run installs Debian's nginx-light)")
    with Edge(port=free_port(), rasa_ports=(free_port(), free_port()), prefix=tmp_path) as edge:
        request = urllib.request.Request(f"{edge.url}/webhooks/chatpage/",
                                         headers={"Accept": "text/html"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
    page = refused.value.read().decode()
    assert refused.value.code == 503
    assert refused.value.headers["Content-Type"].startswith("text/html")
    assert refused.value.headers["Retry-After"] == "60"
    assert refused.value.headers["X-Frame-Options"] == "DENY"
    assert '<section lang="en">' in page and '<section lang="sv">' in page
    assert "not available right now" in page and "inte tillgänglig just nu" in page


def test_the_console_block_renders_and_nginx_accepts_both(tmp_path: Path):
    binary = nginx_binary()
    if binary is None:
        missing("nginx is not installed (.ci/run installs Debian's nginx-light)")
    settings = EdgeSettings(listen="127.0.0.1:8000", rasa=("127.0.0.1:5005",),
                            access_log=str(tmp_path / "access.log"),
                            console="127.0.0.1:8080", console_listen="127.0.0.1:8001")
    text = render_console(settings)
    assert "listen 127.0.0.1:8001;" in text and "server 127.0.0.1:8080;" in text
    assert not re.search(r"\$\{[A-Z][A-Z0-9_]*\}", text)
    conf = write_standalone(settings, tmp_path)
    assert (tmp_path / "sites" / "supportbot_console.conf").read_text() == text
    check = subprocess.run([binary, "-t", "-p", str(tmp_path), "-c", str(conf)],
                           capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr
    with pytest.raises(ValueError):
        render_console(EdgeSettings(listen="80", rasa=("127.0.0.1:5005",)))
