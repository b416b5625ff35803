"""Which bodies to Rasa's HTTP API are refused before Rasa reads them."""

from bot.channels.api_guard import body_problem


def test_bad_bodies_to_the_json_endpoints_are_caught():
    bad = [("/model/parse", b"{x"), ("/model/parse", b"[]"), ("/model/parse", b'{"text": 5}'),
           ("/conversations/a/trigger_intent", b""), ("/conversations/a/trigger_intent", b"{}"),
           ("/conversations/a/messages", b"[]"), ("/conversations/a/tracker/events", b"[]"),
           ("/model/predict", b"{}"), ("/model/parse", b"[" * 5000)]
    for path, body in bad:
        assert body_problem(path, "POST", body), (path, body)


def test_good_bodies_and_other_endpoints_pass():
    good = [("/model/parse", b'{"text": "hi"}'),
            ("/conversations/a/trigger_intent", b'{"name": "greet"}'),
            ("/conversations/a/tracker/events", b'[{"event": "action", "name": "x"}]'),
            ("/model/predict", b"[]"),
            ("/model/train", b"not: json: but yaml"),  # not a JSON endpoint
            ("/webhooks/rest/webhook", b"{x")]  # the channel answers that itself
    for path, body in good:
        assert body_problem(path, "POST", body) is None, (path, body)
    assert body_problem("/model/parse", "GET", b"{x") is None
