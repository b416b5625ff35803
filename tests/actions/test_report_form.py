"""Starting a report, the form's questions per category, and validation of answers."""

import pytest
from sqlalchemy.exc import OperationalError

from actions import filing
from actions.report_form import (
    MAX_TX_ID_ATTEMPTS,
    REQUIRED_SLOTS,
    ActionStartReport,
    ValidateReportForm,
)
from tests.support.actions import responses, run, slot_events, tracker

# Starting a report looks for the user's open ticket: a desk of the test's own.
pytestmark = pytest.mark.usefixtures("actions_desk")

TX = "0x" + "ab" * 32
SHORT = "0xabababab…abababab"  # what is kept of a tx id


def test_start_report_gives_category_advice_and_sets_category():
    events, messages = run(ActionStartReport(), tracker("my account got hacked",
                                                        "report_account_hacked"))
    slots = slot_events(events)
    assert slots["report_category"] == "account_hacked"
    assert slots["report_id"]
    assert responses(messages) == ["utter_report_advice_account_hacked"]


def test_start_report_prefills_details_given_unasked():
    text = f"I withdrew 250 USDT on TRC20 and it never arrived, tx {TX}"
    slots = slot_events(run(ActionStartReport(), tracker(text, "report_missing_withdrawal"))[0])
    assert (slots["asset"], slots["network"], slots["amount"], slots["tx_id"]) == (
        "USDT", "TRC20", "250", SHORT)


def test_prefill_only_fills_what_the_category_asks():
    slots = slot_events(run(ActionStartReport(), tracker("hacked, 2 BTC gone",
                                                         "report_account_hacked"))[0])
    assert slots.get("asset") is None and slots.get("amount") is None


def test_appeal_without_suspension_starts_nothing():
    events, messages = run(ActionStartReport(),
                           tracker("I want to appeal", "appeal_suspension",
                                   slots={"suspended": False}))
    assert slot_events(events)["report_category"] is None
    assert responses(messages) == ["utter_not_suspended"]


def test_each_category_asks_only_what_it_needs():
    assert REQUIRED_SLOTS["account_hacked"] == ["incident_time", "description"]
    assert "tx_id" in REQUIRED_SLOTS["missing_deposit"]
    assert REQUIRED_SLOTS["impersonation"] == ["description"]
    assert REQUIRED_SLOTS["wrongful_suspension"] == ["description"]


def _validate(slot: str, value: str, **slots):
    tr = tracker(value, "inform", slots={"report_category": "missing_deposit",
                                         "requested_slot": slot, **slots},
                 active_loop="report_form", filled={slot: value})
    return run(ValidateReportForm(), tr)


def test_form_asks_next_missing_slot_of_the_category():
    events, _ = _validate("asset", "usdt")
    slots = slot_events(events)
    assert slots["asset"] == "USDT"
    assert slots["requested_slot"] == "network"


def test_asset_answer_can_fill_network_and_amount_too():
    slots = slot_events(_validate("asset", "250 USDT on TRC20")[0])
    assert (slots["asset"], slots["network"], slots["amount"]) == ("USDT", "TRC20", "250")
    assert slots["requested_slot"] == "tx_id"


def test_amount_with_decimal_comma_is_normalised():
    assert slot_events(_validate("amount", "0,25", asset="BTC", network="Bitcoin")[0])[
        "amount"] == "0.25"


def test_unreadable_amount_is_asked_again():
    events, messages = _validate("amount", "quite a lot", asset="BTC", network="Bitcoin")
    assert slot_events(events)["amount"] is None
    assert responses(messages) == ["utter_invalid_amount"]


def test_valid_tx_id_is_kept():
    assert slot_events(_validate("tx_id", f"here: {TX}")[0])["tx_id"] == SHORT


def test_invalid_tx_id_is_asked_again():
    events, messages = _validate("tx_id", "abc123")
    slots = slot_events(events)
    assert slots["tx_id"] is None and slots["tx_id_attempts"] == 1
    assert responses(messages) == ["utter_invalid_tx_id"]


def test_invalid_tx_id_stops_looping_after_the_limit():
    events, messages = _validate("tx_id", "still wrong", tx_id_attempts=MAX_TX_ID_ATTEMPTS - 1)
    assert slot_events(events)["tx_id"] == "not provided"
    assert responses(messages) == ["utter_tx_id_skipped"]


def test_user_without_tx_id_can_skip_it_in_swedish():
    events, messages = _validate("tx_id", "har inte det")
    assert slot_events(events)["tx_id"] == "not provided"
    assert responses(messages) == ["utter_tx_id_skipped"]


def test_a_time_given_as_the_tx_id_is_kept_as_the_time():
    events, messages = _validate("tx_id", "igår")
    slots = slot_events(events)
    assert (slots["tx_id"], slots["incident_time"]) == (None, "igår")
    assert responses(messages) == ["utter_invalid_tx_id"]
    events, _ = _validate("tx_id", "igår", incident_time="i morse")
    assert "incident_time" not in slot_events(events)  # the time said before stays


def test_a_rude_no_to_the_tx_id_skips_it():
    events, messages = _validate("tx_id", "jag har inget tx id, det är ju ni som har det")
    assert slot_events(events)["tx_id"] == "not provided"
    assert responses(messages) == ["utter_tx_id_skipped"]


def test_form_completes_when_category_slots_are_filled():
    filled = {"asset": "BTC", "network": "Bitcoin", "amount": "0.1", "tx_id": TX}
    events, _ = _validate("incident_time", "yesterday 14:00", **filled)
    assert slot_events(events)["requested_slot"] is None


def _validate_hacked_time(value: str):
    tr = tracker(value, "inform", slots={"report_category": "account_hacked",
                                         "requested_slot": "incident_time"},
                 active_loop="report_form", filled={"incident_time": value})
    return run(ValidateReportForm(), tr)


def test_an_asset_is_no_answer_to_when_it_happened():
    for answer in ("BTC", "0,5 eth", "USDT on TRC20", TX):
        events, messages = _validate_hacked_time(answer)
        slots = slot_events(events)
        assert slots["incident_time"] is None, answer
        assert slots["requested_slot"] == "incident_time", answer  # asked again
        assert responses(messages) == ["utter_invalid_incident_time"], answer


def test_times_are_kept_even_with_a_coin_or_a_number_in_them():
    for answer in ("yesterday at 9, right after I bought BTC", "14.30", "igår kväll",
                   "2 days ago", "I don't know"):
        events, messages = _validate_hacked_time(answer)
        assert slot_events(events)["incident_time"] == answer, answer
        assert messages == [], answer


def test_a_swish_deposit_told_in_full_asks_only_when_it_happened():
    text = "8000 kr med Swish till er har inte bokförts, era clowner"
    slots = slot_events(run(ActionStartReport(), tracker(text, "report_missing_deposit"))[0])
    assert (slots["asset"], slots["network"], slots["amount"], slots["tx_id"]) == (
        "SEK", "Swish", "8000", "not provided")


def test_a_card_payment_as_the_asset_answer_skips_network_and_tx_id():
    slots = slot_events(_validate("asset", "it was a card top-up, 50 euros")[0])
    assert (slots["asset"], slots["network"], slots["amount"], slots["tx_id"]) == (
        "EUR", "card", "50", "not provided")
    assert slots["requested_slot"] == "incident_time"


def test_a_time_given_as_the_network_is_kept_as_the_time():
    slots = slot_events(_validate("network", "yesterday evening", asset="BTC")[0])
    assert (slots["network"], slots["incident_time"]) == ("not provided", "yesterday evening")


def test_a_time_given_as_the_network_after_the_time_is_not_a_network():
    slots = slot_events(_validate("network", "yesterday evening", asset="BTC",
                                  incident_time="2 days ago")[0])
    assert slots["network"] == "not provided" and "incident_time" not in slots


def test_a_network_answer_that_is_neither_a_time_nor_a_payment_is_kept_as_said():
    slots = slot_events(_validate("network", "the cheap one", asset="USDT")[0])
    assert slots["network"] == "the cheap one"


def test_a_payment_read_from_the_first_message_passes_the_form_as_it_is():
    # The form validates prefilled slots again: "SEK", "Swish" and "not provided" stay.
    slots = {"asset": "SEK", "network": "Swish", "amount": "8000", "tx_id": "not provided"}
    tr = tracker("8000 kr med Swish", "report_missing_deposit",
                 slots={"report_category": "missing_deposit", **slots},
                 active_loop="report_form", filled=slots)
    events, messages = run(ValidateReportForm(), tr)
    assert {k: v for k, v in slot_events(events).items() if k in slots} == slots
    assert slot_events(events)["requested_slot"] == "incident_time" and not messages


def test_yes_or_no_is_no_answer_to_when_it_happened():
    for answer in ("ja", "Yes!", "ok", "nej", "no."):
        events, messages = _validate_hacked_time(answer)
        assert slot_events(events)["incident_time"] is None, answer
        assert responses(messages) == ["utter_incident_time_not_yes_no"], answer
    events, _ = _validate_hacked_time("no idea, sometime last week")
    assert slot_events(events)["incident_time"] == "no idea, sometime last week"


def test_a_case_told_again_while_its_ticket_is_open_goes_to_that_ticket(actions_desk):
    first = actions_desk.file_report("acct-1001", "missing_deposit", {"asset": "BTC"}, "k1")
    events, messages = run(ActionStartReport(), tracker(
        "my deposit is STILL missing you clowns, 0.2 BTC since monday",
        "report_missing_deposit"))
    assert responses(messages) == ["utter_report_attached"]
    assert messages[0]["ticket"] == first.ticket.reference
    assert slot_events(events)["report_category"] is None  # no questions asked again
    [report] = actions_desk.get_ticket(first.ticket.id).reports[1:]
    assert "STILL missing" in report.fields["description"]
    assert report.fields["amount"] == "0.2"


def test_another_case_while_a_ticket_is_open_starts_its_own_form(actions_desk):
    actions_desk.file_report("acct-1001", "missing_deposit", {"asset": "BTC"}, "k1")
    events, messages = run(ActionStartReport(), tracker("someone hacked my account",
                                                        "report_account_hacked"))
    assert responses(messages) == ["utter_report_advice_account_hacked"]
    assert slot_events(events)["report_category"] == "account_hacked"


def test_without_the_desk_the_form_starts_as_usual(monkeypatch):
    def down():
        raise OperationalError("select", {}, Exception("database is locked"))

    monkeypatch.setattr(filing, "get_desk", down)
    events, messages = run(ActionStartReport(), tracker("my deposit is missing",
                                                        "report_missing_deposit"))
    assert responses(messages) == ["utter_report_advice_missing_deposit"]
    assert slot_events(events)["report_category"] == "missing_deposit"


def test_the_same_words_again_are_not_added_to_the_ticket_twice(actions_desk):
    said = "a fake support account asks my friends for money"
    first = actions_desk.file_report("acct-1001", "impersonation", {"description": said}, "k1")
    events, messages = run(ActionStartReport(), tracker(f"  {said.upper()} ",
                                                        "report_impersonation"))
    assert responses(messages) == ["utter_report_already_there"]
    assert messages[0]["ticket"] == first.ticket.reference
    assert len(actions_desk.get_ticket(first.ticket.id).reports) == 1
    assert slot_events(events)["report_category"] is None
