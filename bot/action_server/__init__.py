"""The action server as supportbot runs it: `python -m bot.action_server` in place of
`rasa run actions`. rasa_sdk's app, reachable only by Rasa (a shared secret on every
call, loopback by default), with a body limit and 4xx answers that echo nothing."""

from bot.action_server.app import create_app

__all__ = ["create_app"]
