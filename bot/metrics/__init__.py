"""Prometheus metrics (issue 6).

- messages.py: per Rasa process, every user message through bot.channels.intake: count by
  channel and outcome, end-to-end latency, and replies that were the fallback.
- endpoint.py: `GET /metrics` on the Rasa server (wired in bot/server.py).
- events.py, consumer.py: `python -m bot.metrics.consumer`, counting Rasa's events from
  RabbitMQ (scale-out profile) and serving them with the desk's gauges.
- desk.py: open tickets by category and priority, and queue age, read at scrape time.

No label carries user data (no sender ids, no text): only channel names, outcomes,
categories, priorities and Rasa event types, all from small fixed sets.
"""
