"""The FAQ selector gives the parse Rasa's ResponseSelector would (the answer's key and
utter action, a ranking), without the answer's texts, and Rasa's own `utter_faq` action
answers from it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.core.actions.action import ActionRetrieveResponse
from rasa.core.channels import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.faq_selector import FaqSelector
from bot.project_domain import project_domain
from bot.trainer.model import NLU_DIR


@pytest.fixture(scope="module")
def selector(tmp_path_factory: pytest.TempPathFactory) -> FaqSelector:
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    resource = Resource("faq_selector")
    data = load_data(str(NLU_DIR / "en" / "faq.yml"))
    FaqSelector.create({}, storage, resource, None).train(data)
    return FaqSelector.load({}, storage, resource, None)


def _select(selector: FaqSelector, text: str) -> Message:
    message = Message(data={"text": text})
    message.set("intent", {"name": "faq", "confidence": 0.9}, add_to_output=True)
    return selector.process([message])[0]


def test_the_parse_names_the_answer_without_its_texts(selector: FaqSelector) -> None:
    parsed = _select(selector, "why was my chat suspended?").get("response_selector")
    assert parsed["all_retrieval_intents"] == ["faq"]
    response = parsed["faq"]["response"]
    assert response["intent_response_key"] == "faq/why_suspended"
    assert response["utter_action"] == "utter_faq/why_suspended"
    assert "responses" not in response
    ranking = parsed["faq"]["ranking"]
    assert ranking[0]["intent_response_key"] == "faq/why_suspended"
    assert ranking[0]["confidence"] == response["confidence"]
    assert [r["confidence"] for r in ranking] == sorted(
        (r["confidence"] for r in ranking), reverse=True)


def test_rasas_utter_faq_answers_from_it(selector: FaqSelector) -> None:
    domain = project_domain()  # domain/ as Rasa loads it, loaded once per process
    message = _select(selector, "how long does a withdrawal usually take")
    parse = message.as_dict(only_output_properties=True)
    tracker = DialogueStateTracker.from_events(
        "u1", [UserUttered(parse["text"], parse["intent"], parse_data=parse)],
        slots=domain.slots,
    )
    events = asyncio.run(ActionRetrieveResponse("utter_faq").run(
        CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(domain.responses),
        tracker, domain))
    [said] = [e for e in events if isinstance(e, BotUttered)]
    answers = [v["text"] for v in domain.responses["utter_faq/withdrawal_time"]]
    assert said.text in answers


def test_an_untrained_selector_leaves_messages_alone(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    selector = FaqSelector.load({}, storage, Resource("empty"), None)
    assert _select(selector, "why?").get("response_selector") is None
