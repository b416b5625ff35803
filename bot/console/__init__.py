"""The agent console: a small server-rendered web app (Sanic + Jinja2) over the desk.

    app = create_app(desk, secret_key)     # nothing is created at import time
    app.run(host="127.0.0.1", port=8080)   # or: supportbot console

Modules: app (factory, middleware), auth (passwords, signed session cookies, secret),
csrf (per-session form tokens), one module of pages each (signin_pages, queue_pages,
ticket_pages, suspension_pages, agent_pages, account_pages, training; live: the queue's
live stream) over forms (what their handlers share), transcript (Rasa's tracker store,
read-only), commands (`supportbot agent add`, `supportbot console`).
"""

from bot.console.app import create_app

__all__ = ["create_app"]
