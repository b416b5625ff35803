"""Alerts outside the console: an e-mail and/or a webhook post when an urgent ticket is
filed and when a ticket nears its response target unclaimed.

The desk keeps the alert log (bot/desk/alerts.py): filing a ticket never waits for, or
fails because of, alerting. The worker (worker.py) queues what is owed, sends it through
each configured channel (mail.py, webhook.py) and retries with back-off until the
channel takes it. It runs inside the console process (bot/console/app.py), or on its
own as `python -m bot.alerts` (SUPPORTBOT_ALERT_IN_CONSOLE=0).
"""
