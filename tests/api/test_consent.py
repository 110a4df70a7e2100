"""Consent per channel: what the profile shows, contactSubscribe bringing a person back, consents given
with contactCreate and in an import's columns, and WHATSAPP/RCS appearing only with an opt-in."""

from typing import Any

import pytest
from sqlalchemy import select

from api.ids import parse_typed_id, to_global_id
from domain import models
from domain.enums import Channel, Role, SubscriptionStatus
from tests.api.action_helpers import act, example, rows
from tests.api.ingest_helpers import event, operator_key, record_events
from tests.api.test_import import imported
from tests.contract.documents import document
from tests.graphql_client import data_of, gql

PROFILE = document("profile")
FORM = {"basis": "CONSENT", "source": "FORM", "text": "Quiero recibir novedades por WhatsApp", "at": None}
HISTORY = """query($id: ID!) { contact(id: $id) { history(first: 20) { edges { node { action changes {
  field oldValue newValue } actor { id } } } } } }"""


async def channels(client, ws, pk: int) -> dict[str, dict[str, Any]]:
    result = await gql(client, PROFILE, {"id": to_global_id("Contact", pk)}, key=ws.agent_key,
                       operation_name="ContactConsent")
    return {ch["channel"]: ch for ch in data_of(result)["contact"]["channels"]}


async def history(client, ws, pk: int) -> list[dict[str, Any]]:
    result = await gql(client, HISTORY, {"id": to_global_id("Contact", pk)}, key=ws.agent_key)
    return [e["node"] for e in data_of(result)["contact"]["history"]["edges"]]


async def subscribe(client, ws, pk: int, channel: str = "WHATSAPP", role: Role = Role.OPERATOR, **consent: Any):
    variables = example("ContactSubscribe", contactId=to_global_id("Contact", pk), channel=channel,
                        consent={**FORM, **consent})
    return await act(client, "ContactSubscribe", variables, key=ws.keys[role])


def user(ws, role: Role) -> dict[str, str]:
    return {"id": to_global_id("User", ws.users[role])}


@pytest.fixture
async def ana(workspaces):
    ws = await workspaces.create()
    pk = await workspaces.contact(ws, "Ana", email="ana@example.com", phone="+5491155550101")
    await workspaces.channel(ws, pk, Channel.EMAIL, "ana@example.com")
    await workspaces.channel(ws, pk, Channel.SMS, "+5491155550101")
    return ws, pk


async def test_subscribe_opts_in_to_whatsapp_and_the_profile_shows_the_consent(client, ana):
    ws, pk = ana
    before = await channels(client, ws, pk)
    assert set(before) == {"EMAIL", "SMS"} and before["SMS"]["consent"] is None

    payload = await subscribe(client, ws, pk, at="2026-11-19T15:30:00Z")

    assert payload["userErrors"] == []
    shown = {ch["channel"]: ch for ch in payload["contact"]["channels"]}
    assert shown["WHATSAPP"] == {
        "channel": "WHATSAPP", "status": "SUBSCRIBED", "address": "+5491155550101",
        "consent": {"basis": "CONSENT", "source": "FORM", "at": "2026-11-19T15:30:00+00:00",
                    "text": "Quiero recibir novedades por WhatsApp", "recordedBy": user(ws, Role.OPERATOR)},
        "unsubscribed": None,
    }
    (entry, *_) = await history(client, ws, pk)
    assert entry["action"] == "CONTACT_SUBSCRIBED" and entry["actor"] == user(ws, Role.OPERATOR)
    assert {c["field"]: c["newValue"] for c in entry["changes"]} == {
        "channels.WHATSAPP.status": "SUBSCRIBED", "channels.WHATSAPP.address": "+5491155550101",
        "channels.WHATSAPP.consentBasis": "CONSENT", "channels.WHATSAPP.consentSource": "FORM",
        "channels.WHATSAPP.consentAt": "2026-11-19T15:30:00+00:00",
        "channels.WHATSAPP.consentText": "Quiero recibir novedades por WhatsApp",
    }

    # the same consent again changes nothing and writes no history
    again = await subscribe(client, ws, pk, at="2026-11-19T15:30:00Z")
    assert again["userErrors"] == [] and len(await history(client, ws, pk)) == 1


async def test_unsubscribe_keeps_its_reason_and_subscribe_brings_the_channel_back(client, ana):
    ws, pk = ana
    cid = to_global_id("Contact", pk)
    await subscribe(client, ws, pk, channel="SMS", basis="CONTRACT", source="AGENT", text=None)
    await act(client, "ContactUnsubscribe", {"contactId": cid, "channel": "SMS", "reason": "STOP"}, key=ws.keys[Role.OPERATOR])

    left = (await channels(client, ws, pk))["SMS"]
    assert left["status"] == "UNSUBSCRIBED"
    assert left["unsubscribed"] == {"at": "2026-11-20T12:00:00+00:00", "reason": "STOP",
                                    "by": {**user(ws, Role.OPERATOR), "name": left["unsubscribed"]["by"]["name"]}}
    assert left["consent"]["basis"] == "CONTRACT"  # what was withdrawn stays on record

    # a send while she is away is blocked
    await record_events(client, [event("s-1", "SENT", "2026-11-20T12:00:00Z", contact=pk, channel="SMS")],
                        key=operator_key(ws))

    back = await subscribe(client, ws, pk, channel="SMS", basis="CONSENT", source="FORM", text="Sí, SMS")
    assert back["userErrors"] == []
    sms = (await channels(client, ws, pk))["SMS"]
    assert (sms["status"], sms["unsubscribed"], sms["consent"]["basis"], sms["consent"]["text"]) == (
        "SUBSCRIBED", None, "CONSENT", "Sí, SMS")
    (entry, *_) = await history(client, ws, pk)
    assert entry["action"] == "CONTACT_SUBSCRIBED"
    changed = {c["field"]: (c["oldValue"], c["newValue"]) for c in entry["changes"]}
    assert changed["channels.SMS.status"] == ("UNSUBSCRIBED", "SUBSCRIBED")
    assert changed["channels.SMS.reason"] == ("STOP", None)
    assert changed["channels.SMS.consentBasis"] == ("CONTRACT", "CONSENT")

    # and sends after her return go out again
    await record_events(client, [event("s-2", "SENT", "2026-11-20T12:00:01Z", contact=pk, channel="SMS")],
                        key=operator_key(ws))
    kinds = {m: t for m, t in await rows_of_events(client, ws, pk)}
    assert kinds == {"s-1": "BLOCKED_UNSUBSCRIBED", "s-2": "SENT"}


async def rows_of_events(client, ws, pk: int) -> list[tuple[str, str]]:
    query = "query($id: ID!) { contact(id: $id) { activity(first: 20) { edges { node { messageId type } } } } }"
    result = data_of(await gql(client, query, {"id": to_global_id("Contact", pk)}, key=ws.agent_key))
    return [(e["node"]["messageId"], e["node"]["type"]) for e in result["contact"]["activity"]["edges"]]


async def test_subscribe_mistakes_answer_user_errors_and_change_nothing(client, engine, workspaces, ana):
    ws, pk = ana
    no_phone = await workspaces.contact(ws, "Bea", email="bea@example.com")
    other = await workspaces.create()
    stranger = await workspaces.contact(other, "Eve", phone="+5491155550999")

    cases = [
        (await subscribe(client, ws, no_phone), "channel", "BAD_USER_INPUT"),
        (await subscribe(client, ws, pk, at="2027-01-01T00:00:00Z"), "consent.at", "BAD_USER_INPUT"),
        (await subscribe(client, ws, pk, at="2026-11-01T00:00:00"), "consent.at", "BAD_USER_INPUT"),
        (await subscribe(client, ws, pk, text="x" * 2001), "consent.text", "BAD_USER_INPUT"),
        (await subscribe(client, ws, stranger), "contactId", "NOT_FOUND"),
        (await subscribe(client, ws, pk, role=Role.AGENT), None, "FORBIDDEN"),
    ]
    for payload, field, code in cases:
        assert payload["contact"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)], payload
    subs = models.ChannelSubscription
    found = await rows(engine, select(subs.contact_id).where(subs.workspace_id == ws.id, subs.channel == Channel.WHATSAPP))
    assert found == []
    assert await history(client, ws, pk) == []


async def test_create_with_consents_opens_the_consented_channels(client, workspaces):
    ws = await workspaces.create()
    consents = [
        {"channel": "WHATSAPP", "basis": "CONSENT", "source": "FORM", "text": "Acepto WhatsApp", "at": "2026-11-18T09:00:00Z"},
        {"channel": "EMAIL", "basis": "LEGITIMATE_INTEREST", "source": "API"},
    ]
    created = await act(client, "ContactCreate", example("ContactCreate", input__customFields=[], input__consents=consents),
                        key=ws.keys[Role.OPERATOR])
    assert created["userErrors"] == []
    pk = parse_typed_id(created["contact"]["id"], "Contact")

    shown = await channels(client, ws, pk)
    assert set(shown) == {"EMAIL", "SMS", "WHATSAPP"}  # RCS: no opt-in
    assert shown["WHATSAPP"]["consent"] == {
        "basis": "CONSENT", "source": "FORM", "at": "2026-11-18T09:00:00+00:00", "text": "Acepto WhatsApp",
        "recordedBy": {**user(ws, Role.OPERATOR), "name": shown["WHATSAPP"]["consent"]["recordedBy"]["name"]}}
    assert (shown["EMAIL"]["consent"]["basis"], shown["EMAIL"]["consent"]["at"]) == (
        "LEGITIMATE_INTEREST", "2026-11-20T12:00:00+00:00")
    assert shown["SMS"]["consent"] is None
    (entry,) = await history(client, ws, pk)
    fields = {c["field"]: c["newValue"] for c in entry["changes"]}
    assert fields["channels.WHATSAPP.consentBasis"] == "CONSENT"
    assert fields["channels.EMAIL.consentSource"] == "API"


@pytest.mark.parametrize(("consents", "field"), [
    ([{"channel": "RCS", "basis": "CONSENT", "source": "FORM"}], "consents.0.channel"),  # no phone
    ([{"channel": "EMAIL", "basis": "CONSENT", "source": "FORM"},
      {"channel": "EMAIL", "basis": "CONTRACT", "source": "FORM"}], "consents.1.channel"),
    ([{"channel": "EMAIL", "basis": "CONSENT", "source": "FORM", "at": "2030-01-01T00:00:00Z"}], "consents.0.at"),
])
async def test_create_with_a_bad_consent_creates_nothing(client, engine, ana, consents, field):
    ws, _ = ana
    variables = example("ContactCreate", input__customFields=[], input__consents=consents,
                        input__email="new@example.com", input__phone=None)
    created = await act(client, "ContactCreate", variables, key=ws.keys[Role.OPERATOR])
    assert created["contact"] is None
    assert [(e["field"], e["code"]) for e in created["userErrors"]] == [(field, "BAD_USER_INPUT")]
    assert await rows(engine, select(models.Contact.id).where(
        models.Contact.workspace_id == ws.id, models.Contact.email == "new@example.com")) == []


async def test_only_an_inbound_message_opens_whatsapp_and_rcs(client, ana):
    ws, pk = ana
    await record_events(client, [
        event("w-1", "SENT", "2026-11-19T08:00:00Z", contact=pk, channel="WHATSAPP"),
        event("w-1", "DELIVERED", "2026-11-19T08:00:01Z", contact=pk, channel="WHATSAPP"),
        event("r-1", "SENT", "2026-11-19T08:00:00Z", contact=pk, channel="RCS"),
    ], key=operator_key(ws))
    assert set(await channels(client, ws, pk)) == {"EMAIL", "SMS"}

    await record_events(client, [event("w-2", "REPLIED", "2026-11-19T09:00:00Z", contact=pk, channel="WHATSAPP")],
                        key=operator_key(ws))
    whatsapp = (await channels(client, ws, pk))["WHATSAPP"]
    assert whatsapp["consent"] == {"basis": "CONSENT", "source": "INBOUND_MESSAGE", "at": "2026-11-19T09:00:00+00:00",
                                   "text": None, "recordedBy": None}


CSV = (
    "name,email,phone,consent_email,consent_whatsapp,consent_rcs,consent_text,consent_at\n"
    "Caro,caro@example.com,+5491155550301,CONTRACT,yes,,Acepto recibir mensajes,2026-10-01\n"
    "Dani,dani@example.com,,legitimate interest,,,,\n"
    "Eli,eli@example.com,,,sí,,,\n"
    "Fede,fede@example.com,+5491155550302,maybe,,,,\n"
    "Gus,gus@example.com,+5491155550303,,,yes,,2030-01-01\n"
)


async def test_import_columns_carry_consent_per_channel(client, engine, clock, ana):
    ws, _ = ana
    job = await imported(client, engine, clock, ws.admin_key, CSV)

    assert (job["created"], job["failed"]) == (2, 3)
    assert [(e["row"], e["column"]) for e in job["errors"]] == [
        (4, "consent_whatsapp"), (5, "consent_email"), (6, "consent_at")]
    subs = models.ChannelSubscription
    found = await rows(engine, select(models.Contact.name, subs.channel, subs.consent_basis, subs.consent_source,
                                      subs.consent_at, subs.consent_text, subs.consent_by_user_id)
                       .join(models.Contact, models.Contact.id == subs.contact_id)
                       .where(models.Contact.workspace_id == ws.id, models.Contact.name.in_(["Caro", "Dani"])))
    by = {(name, channel.value): (basis and basis.value, source and source.value, at and at.isoformat()[:10], text, who)
          for name, channel, basis, source, at, text, who in found}
    admin = ws.users[Role.ADMIN]
    assert by == {
        ("Caro", "EMAIL"): ("CONTRACT", "IMPORT", "2026-10-01", "Acepto recibir mensajes", admin),
        ("Caro", "SMS"): (None, None, None, None, None),
        ("Caro", "WHATSAPP"): ("CONSENT", "IMPORT", "2026-10-01", "Acepto recibir mensajes", admin),
        ("Dani", "EMAIL"): ("LEGITIMATE_INTEREST", "IMPORT", "2026-11-20", None, admin),
    }


async def test_import_records_consent_on_existing_contacts_but_never_resubscribes(client, engine, clock, ana):
    ws, pk = ana
    cid = to_global_id("Contact", pk)
    await act(client, "ContactUnsubscribe", {"contactId": cid, "channel": "EMAIL", "reason": "no"}, key=ws.keys[Role.OPERATOR])
    data = ("name,email,phone,consent_email,consent_sms,consent_whatsapp\n"
            "Ana,ana@example.com,+54 9 11 5555-0101,yes,contract,yes\n")

    first = await imported(client, engine, clock, ws.admin_key, data)

    assert (first["updated"], first["failed"]) == (1, 0)
    shown = await channels(client, ws, pk)
    assert (shown["EMAIL"]["status"], shown["EMAIL"]["consent"]) == ("UNSUBSCRIBED", None)
    assert (shown["SMS"]["status"], shown["SMS"]["consent"]["basis"], shown["SMS"]["consent"]["source"]) == (
        "SUBSCRIBED", "CONTRACT", "IMPORT")
    assert shown["WHATSAPP"]["consent"]["basis"] == "CONSENT"
    (entry, *_) = await history(client, ws, pk)
    assert entry["action"] == "CONTACT_UPDATED"
    assert {c["field"] for c in entry["changes"]} == {
        f"channels.{ch}.{f}" for ch in ("SMS", "WHATSAPP") for f in ("consentBasis", "consentSource", "consentAt")}

    # a later file with another basis replaces the consent; the history shows what it was before
    await imported(client, engine, clock, ws.admin_key, data.replace("contract", "legitimate interest"))
    (entry, *_) = await history(client, ws, pk)
    changed = {c["field"]: (c["oldValue"], c["newValue"]) for c in entry["changes"]}
    assert changed == {"channels.SMS.consentBasis": ("CONTRACT", "LEGITIMATE_INTEREST")}
    data = data.replace("contract", "legitimate interest")

    # the same file again changes nothing
    again = await imported(client, engine, clock, ws.admin_key, data)
    assert (again["updated"], again["skipped"]) == (0, 1)
    subs = models.ChannelSubscription
    states = await rows(engine, select(subs.channel, subs.status).where(subs.contact_id == pk))
    assert dict(states)[Channel.EMAIL] == SubscriptionStatus.UNSUBSCRIBED
