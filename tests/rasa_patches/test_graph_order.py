"""The graph run in an order worked out once (bot/rasa_patches/graph_order.py) gives
what dask gives: the same parses and the same predictions from our trained model."""

from __future__ import annotations

import asyncio

import pytest

TEXTS = [
    "my account was hacked",
    "someone logged into my account and changed my email",
    "hur länge varar avstängningen",
    "where is my deposit of 0,5 btc",
    "jag skickade 200 USDT från min Ledger hit men de har inte kommit",
    "what counts as abuse",
    "how many teaspoons in a tablespoon",
    "hej",
    "I want to appeal, I never insulted anyone",
]


def test_graph_runs_in_its_order_with_dasks_results(trained_model):
    """The parse and the next-action graphs give what dask gives, and a run input named
    like a node still gets Rasa's error."""
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage
    from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.shared.core.events import UserUttered

    agent = Agent.load(str(trained_model))
    runner, meta = agent.processor.graph_runner, agent.processor.model_metadata
    ours, dasks = DaskGraphRunner.run, DaskGraphRunner.run._rasas_own
    assert ours._supportbot

    for text in TEXTS:
        parsed = [
            run(runner, {PLACEHOLDER_MESSAGE: [UserMessage(text, message_id="m1")]},
                [meta.nlu_target])
            for run in (ours, dasks)
        ]
        ours_msg, dasks_msg = (p[meta.nlu_target][0] for p in parsed)
        assert ours_msg.data == dasks_msg.data and "intent" in ours_msg.data

    tracker = asyncio.run(agent.processor.fetch_tracker_with_initial_session("graph-test"))
    tracker.update(UserUttered("my account was hacked",
                               {"name": "report_account_hacked", "confidence": 1.0}))
    predicted = [run(runner, {PLACEHOLDER_TRACKER: tracker}, [meta.core_target])[meta.core_target]
                 for run in (ours, dasks)]
    assert predicted[0].probabilities == predicted[1].probabilities
    assert predicted[0].policy_name == predicted[1].policy_name
    assert max(predicted[0].probabilities) > 0 and predicted[0].policy_name

    with pytest.raises(GraphRunError, match="clashes with a node name"):
        runner.run({"x": meta.nlu_target}, [meta.nlu_target])
