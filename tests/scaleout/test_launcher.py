"""What the scaled launcher starts besides the Rasa instances (no services needed)."""

from __future__ import annotations

from bot.metrics.consumer import ConsumerSettings
from bot.scaleout.launcher import BalancerProcess, ScaledStack, Services


def services(**overrides: object) -> Services:
    values = dict(desk_url="postgresql://u@db/supportbot",
                  tracker_url="postgresql://u@db/supportbot_tracker",
                  rabbitmq_username="bot", rabbitmq_password="p@ss:w/rd",
                  rabbitmq_queue="events")
    return Services(**{**values, **overrides})  # type: ignore[arg-type]


def test_the_metrics_consumer_reads_the_brokers_queue_with_the_same_credentials():
    stack = ScaledStack(services=services(), metrics_port=9200)
    stack.build()
    assert isinstance(stack.balancer, BalancerProcess)
    assert set(stack.balancer.commands()) == {"balancer", "metrics"}
    assert stack.balancer.health_url("metrics") == "http://localhost:9200/metrics"
    settings = ConsumerSettings.from_env(stack.balancer.env)
    assert settings.queue == "events" and settings.port == 9200
    assert settings.amqp_url == "amqp://bot:p%40ss%3Aw%2Frd@127.0.0.1:5672/"
    assert "p@ss" not in settings.broker  # logged without the password


def test_no_consumer_when_its_port_is_none():
    stack = ScaledStack(services=services(), metrics_port=None)
    stack.build()
    assert set(stack.balancer.commands()) == {"balancer"}
