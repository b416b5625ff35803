"""Sign-in tokens: who may write as which account."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta, timezone

import jwt
import pytest

from bot.channels.cli import parse_ttl
from bot.channels.identity import (
    DEVELOPMENT,
    PRODUCTION,
    UNCONFIGURED,
    IdentityError,
    account_from_token,
    bearer,
    issue_token,
    max_lifetime,
    mode,
    resolve_sender,
)
from bot.channels.intake import log_sign_in_mode
from bot.cli import main as supportbot
from bot.settings import IdentitySettings, Settings, SettingsError

KEY = "k" * 40
PROD_ENV = {"SUPPORTBOT_IDENTITY_KEY": KEY}
DEV_ENV = {"SUPPORTBOT_DEV_LOGIN": "1"}
BOTH_ENV = {**DEV_ENV, **PROD_ENV}  # dev sign-in asked for, but a key is set: production


def identity(env: dict[str, str]) -> IdentitySettings:
    return Settings.from_env(env).identity


PROD, DEV, BOTH = identity(PROD_ENV), identity(DEV_ENV), identity(BOTH_ENV)


def reason(call) -> str:
    with pytest.raises(IdentityError) as refused:
        call()
    return refused.value.reason


def test_mode_is_production_with_a_key_and_fails_closed_without():
    assert mode(PROD) == PRODUCTION
    assert mode(BOTH) == PRODUCTION  # a key set means production, whatever else is set
    assert mode(DEV) == DEVELOPMENT
    assert mode(identity({})) == UNCONFIGURED
    assert mode(identity({"SUPPORTBOT_IDENTITY_KEY": "short"})) == UNCONFIGURED  # < 32 bytes
    assert reason(lambda: resolve_sender(None, "acct-1", identity({}))) == "sign_in_unavailable"


def test_a_valid_token_gives_its_account():
    token = issue_token("acct-42", KEY)
    assert account_from_token(token, KEY) == "acct-42"
    assert resolve_sender(token, None, PROD) == "acct-42"
    assert resolve_sender(token, "acct-42", PROD) == "acct-42"  # naming oneself is fine


def test_forged_tokens_are_refused():
    now = datetime.now(timezone.utc)
    claims = {"sub": "acct-42", "aud": "supportbot", "exp": now + timedelta(hours=1)}
    forged = [
        issue_token("acct-42", "x" * 40),  # another key
        jwt.encode(claims, KEY * 2, algorithm="HS512"),  # another algorithm
        jwt.encode(claims, None, algorithm="none"),  # unsigned
        jwt.encode({**claims, "aud": "elsewhere"}, KEY, algorithm="HS256"),
        jwt.encode({k: v for k, v in claims.items() if k != "exp"}, KEY, algorithm="HS256"),
        jwt.encode({**claims, "sub": "<script>"}, KEY, algorithm="HS256"),
        jwt.encode({**claims, "sub": 42}, KEY, algorithm="HS256"),
        issue_token("acct-42", KEY)[:-2] + "AA",  # signature changed
        "not.a.token", "", "Bearer", "a" * 5000,
    ]
    for token in forged:
        assert reason(lambda t=token: resolve_sender(t or "x", None, PROD)) == "token_invalid"


def test_an_expired_token_is_refused_with_its_own_reason():
    old = datetime.now(timezone.utc) - timedelta(hours=2)
    token = issue_token("acct-42", KEY, timedelta(hours=1), now=old)
    assert reason(lambda: resolve_sender(token, None, PROD)) == "token_expired"


def test_production_ignores_no_one_and_trusts_no_claimed_sender():
    assert reason(lambda: resolve_sender(None, "acct-42", PROD)) == "token_missing"
    token = issue_token("acct-a", KEY)
    with pytest.raises(IdentityError) as refused:
        resolve_sender(token, "acct-b", PROD)
    assert (refused.value.reason, refused.value.status) == ("sender_mismatch", 403)


def test_development_accepts_a_valid_free_sender():
    assert resolve_sender(None, "acct-42", DEV) == "acct-42"
    assert resolve_sender(None, None, DEV) is None  # the socket names it later
    for bad in ("<script>", "a b", "x" * 65, 42, ["acct-1"]):
        assert reason(lambda b=bad: resolve_sender(None, b, DEV)) == "sender_invalid"
    # Without a key no token can be checked: one is refused, never read unchecked.
    assert reason(lambda: resolve_sender(issue_token("acct-7", KEY), None, DEV)) == \
        "token_invalid"


def test_the_identity_key_always_beats_the_dev_sign_in():
    assert reason(lambda: resolve_sender(None, "acct-42", BOTH)) == "token_missing"
    assert reason(lambda: resolve_sender(None, None, BOTH)) == "token_missing"
    assert resolve_sender(issue_token("acct-7", KEY), None, BOTH) == "acct-7"
    assert reason(lambda: resolve_sender(issue_token("acct-7", KEY), "acct-8", BOTH)) == \
        "sender_mismatch"


def test_a_token_valid_for_longer_than_the_maximum_is_refused():
    now = datetime.now(timezone.utc)
    base = {"sub": "acct-42", "aud": "supportbot"}

    def signed(**claims) -> str:
        return jwt.encode({**base, **claims}, KEY, algorithm="HS256")

    too_long = [
        signed(iat=now, exp=now + timedelta(days=365 * 100)),  # the 100-year token
        signed(exp=now + timedelta(days=365 * 100)),  # the same without iat
        signed(iat=now, exp=now + timedelta(days=2)),
        signed(iat=now - timedelta(hours=30), exp=now + timedelta(minutes=5)),  # exp - iat
        signed(exp=now + timedelta(hours=24, minutes=5)),
    ]
    for token in too_long:
        with pytest.raises(IdentityError) as refused:
            resolve_sender(token, None, PROD)
        assert refused.value.reason == "token_invalid"
        assert refused.value.detail == "lifetime over the maximum"
    within = [signed(iat=now, exp=now + timedelta(hours=24)),
              signed(exp=now + timedelta(hours=23)), issue_token("acct-42", KEY)]
    for token in within:
        assert resolve_sender(token, None, PROD) == "acct-42"
    # The operator's maximum applies; an unreadable one stops the process, naming it.
    short = identity({**PROD_ENV, "SUPPORTBOT_TOKEN_MAX_LIFETIME": "30m"})
    assert reason(lambda: resolve_sender(issue_token("acct-42", KEY), None, short)) == \
        "token_invalid"
    assert max_lifetime(short) == timedelta(minutes=30)
    with pytest.raises(SettingsError, match="SUPPORTBOT_TOKEN_MAX_LIFETIME"):
        identity({"SUPPORTBOT_TOKEN_MAX_LIFETIME": "forever"})
    assert max_lifetime(identity({})) == timedelta(days=1)


def test_the_site_cannot_be_made_to_mint_a_token_over_the_maximum():
    with pytest.raises(ValueError, match="at most"):
        issue_token("acct-42", KEY, timedelta(days=2))
    assert issue_token("acct-42", KEY, timedelta(days=1))


def test_bearer_header():
    assert bearer("Bearer abc") == "abc"
    assert bearer("bearer  abc ") == "abc"
    assert bearer("Basic abc") is None
    assert bearer("") is None and bearer(None) is None


def test_cli_issues_a_token_the_channel_accepts(monkeypatch, capsys):
    monkeypatch.setenv("SUPPORTBOT_IDENTITY_KEY", KEY)
    assert supportbot(["token", "issue", "acct-9", "--ttl", "5m"]) == 0
    token = capsys.readouterr().out.strip()
    assert account_from_token(token, KEY) == "acct-9"
    claims = jwt.decode(token, KEY, algorithms=["HS256"], audience="supportbot")
    assert claims["exp"] - claims["iat"] == 300


def test_cli_without_a_key_says_what_to_set(monkeypatch, capsys):
    monkeypatch.delenv("SUPPORTBOT_IDENTITY_KEY", raising=False)
    assert supportbot(["token", "issue", "acct-9"]) == 1
    assert "SUPPORTBOT_IDENTITY_KEY" in capsys.readouterr().err
    assert supportbot(["token", "issue", "bad id!"]) in (1, 2)


def test_ttl_parsing():
    assert parse_ttl("90s") == timedelta(seconds=90)
    assert parse_ttl("2h") == timedelta(hours=2)
    assert parse_ttl("600") == timedelta(minutes=10)
    for bad in ("0", "-5m", "1w", "soon"):
        with pytest.raises(Exception):  # noqa: B017 - argparse's own error type
            parse_ttl(bad)


@pytest.mark.parametrize("env, level, mode_, note", [
    (DEV_ENV, "WARNING", DEVELOPMENT, "any account id is accepted"),
    (BOTH_ENV, "WARNING", PRODUCTION, "SUPPORTBOT_DEV_LOGIN=1 is ignored"),
    (PROD_ENV, "INFO", PRODUCTION, None),
    ({}, "ERROR", UNCONFIGURED, None),
])
def test_start_up_says_how_users_sign_in(monkeypatch, caplog, env, level, mode_, note):
    for name in ("SUPPORTBOT_DEV_LOGIN", "SUPPORTBOT_IDENTITY_KEY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with caplog.at_level(logging.INFO, logger="bot.channels.intake"):
        log_sign_in_mode()
    [record] = [r for r in caplog.records if "chat_sign_in_mode" in r.getMessage()]
    line = json.loads(record.getMessage())
    assert (record.levelname, line["mode"]) == (level, mode_)
    assert (note in line["note"]) if note else "note" not in line
