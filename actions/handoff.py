"""The live-chat policy in code: while suspended, nobody reaches a human.

This is the only action that can hand a user to staff, and it checks the registry
itself rather than trusting a slot, so no message, button or `/intent{...}` payload
gets a suspended user past it.
"""

from __future__ import annotations

import logging
from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.desk import get_desk
from actions.suspension import suspension_slots
from bot.desk import HandoffRefused, SuspensionInfo
from bot.fields import clip
from bot.i18n import format_duration, lang
from bot.logs import log_event

logger = logging.getLogger(__name__)


class ActionRequestHuman(Action):
    def name(self) -> str:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        user = tracker.sender_id
        message = tracker.latest_message or {}
        key = f"{user}:handoff:{message.get('message_id') or len(tracker.events)}"
        try:
            desk = get_desk()
            suspension = desk.active_suspension(user)
            if suspension is not None:
                return self._refuse(dispatcher, user, suspension)
            try:
                filed = desk.file_report(
                    user,
                    "human_handoff",
                    {"message": clip(message.get("text") or "", 2000),
                     "language": lang(tracker.get_slot("language"))},
                    idempotency_key=key,
                )
            except HandoffRefused:
                # Suspended between the check above and the filing: the desk's own check,
                # in the filing's transaction, is the one that counts.
                return self._refuse(dispatcher, user, desk.active_suspension(user))
        except SQLAlchemyError as error:
            # Fail closed: without the registry we cannot tell who may reach staff.
            log_event(logger, "handoff_failed", logging.ERROR, user=user,
                      error=type(error).__name__)
            dispatcher.utter_message(response="utter_desk_unavailable")
            return []

        log_event(logger, "handoff_filed", user=user, ticket=filed.ticket.reference)
        if filed.created or filed.duplicate:
            target = filed.ticket.response_due_at - filed.ticket.created_at
            dispatcher.utter_message(
                response="utter_handoff_filed",
                ticket=filed.ticket.reference,
                target=format_duration(target, lang(tracker.get_slot("language"))),
            )
        else:
            dispatcher.utter_message(response="utter_handoff_exists", ticket=filed.ticket.reference)
        return []

    @staticmethod
    def _refuse(
        dispatcher: CollectingDispatcher, user: str, suspension: SuspensionInfo | None
    ) -> List[EventType]:
        log_event(logger, "handoff_refused", user=user,
                  until=suspension.ends_at if suspension else None)
        if suspension is None:  # lifted again in the meantime: no date to give
            dispatcher.utter_message(response="utter_desk_unavailable")
            return []
        dispatcher.utter_message(response="utter_human_refused", **suspension_slots(suspension))
        return []
