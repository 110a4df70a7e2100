"""Message events that discard their contact, and discards that block later sends.

A hard bounce, a spam complaint and a failure for an invalid address make the contact DISCARDED with
that reason; a soft bounce (or one that names no kind) and other failures do not. A send to a
discarded contact is stored as BLOCKED_DISCARDED, counted as a send and never delivered; events
about it are refused. Reactivating a hard-bounced or invalid contact needs a changed address or force.
"""

from typing import Any

import pytest
from sqlalchemy import select

from api.ids import to_global_id
from domain import models
from domain.enums import Channel, DiscardReason, Role
from tests.api.action_helpers import act, rows
from tests.api.ingest_helpers import event, operator_key, record_events
from tests.contract.documents import document
from tests.graphql_client import data_of, gql

DELIVERABILITY = document("profile")


async def deliverability(client, ws, pk: int) -> dict[str, Any]:
    result = await gql(client, DELIVERABILITY, {"id": to_global_id("Contact", pk)}, key=ws.agent_key,
                       operation_name="ContactDeliverability")
    return data_of(result)["contact"]


def with_(e: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {**e, **extra}


def events_of(c: dict[str, Any]) -> list[tuple[str, str, str | None, str | None]]:
    return [(n["node"]["channel"], n["node"]["type"], n["node"]["bounce"], n["node"]["failure"])
            for n in c["activity"]["edges"]]


@pytest.fixture
async def person(workspaces):
    ws = await workspaces.create()
    pk = await workspaces.contact(ws, "Ana Rebote", email="ana@example.com", phone="+5491155550303")
    await workspaces.channel(ws, pk, Channel.EMAIL, "ana@example.com")
    await workspaces.channel(ws, pk, Channel.SMS, "+5491155550303")
    return ws, pk


@pytest.mark.parametrize(("last", "reason"), [
    (("BOUNCED", {"bounce": "HARD"}), "HARD_BOUNCE"),
    (("COMPLAINED", {}), "SPAM_COMPLAINT"),
    (("FAILED", {"failure": "INVALID_ADDRESS"}), "INVALID_ADDRESS"),
])
async def test_an_event_that_discards_makes_the_contact_discarded_and_blocks_later_sends(client, engine, person, last, reason):
    ws, pk = person
    kind, detail = last
    batch = [
        event("m-1", "SENT", "2026-11-18T10:00:00Z", contact=pk, channel="EMAIL"),
        with_(event("m-1", kind, "2026-11-18T10:00:05Z", contact=pk, channel="EMAIL"), **detail),
    ]
    payload = await record_events(client, batch, key=operator_key(ws))
    assert (payload["accepted"], payload["rejected"]) == (2, 0), payload

    # then the contact is discarded for that reason, with an audit entry naming the message
    c = await deliverability(client, ws, pk)
    assert (c["status"], c["discardReason"]) == ("DISCARDED", reason)
    (entry,) = await rows(engine, select(models.AuditEntry.action, models.AuditEntry.changes).where(
        models.AuditEntry.contact_id == pk, models.AuditEntry.action == "CONTACT_DISCARDED"))
    assert "m-1" in str(entry.changes) and reason in str(entry.changes)

    # when the pipeline sends again on any channel, and reports the new message delivered
    later = await record_events(client, [
        event("m-2", "SENT", "2026-11-19T09:00:00Z", contact=pk, channel="SMS"),
        event("m-2", "DELIVERED", "2026-11-19T09:00:03Z", contact=pk, channel="SMS"),
    ], key=operator_key(ws))

    # then the send is stored as blocked (a send in the delivery rate, never delivered), the delivery refused
    assert (later["accepted"], later["rejected"]) == (1, 1)
    assert [(e["field"], e["code"]) for e in later["userErrors"]] == [("events.1.messageId", "CONFLICT")]
    assert "discarded" in later["userErrors"][0]["message"]
    c = await deliverability(client, ws, pk)
    assert events_of(c)[0] == ("SMS", "BLOCKED_DISCARDED", None, None)
    sms = {r["channel"]: (r["numerator"], r["denominator"]) for r in c["messageMetrics"]["deliveryRate"]["byChannel"]}
    assert sms["SMS"] == (0, 1)


async def test_soft_bounces_and_other_failures_discard_nobody_and_every_bounce_is_counted(client, person):
    ws, pk = person
    batch = [
        event("e-1", "SENT", "2026-11-10T10:00:00Z", contact=pk, channel="EMAIL"),
        with_(event("e-1", "BOUNCED", "2026-11-10T10:00:04Z", contact=pk, channel="EMAIL"), bounce="SOFT"),
        event("e-2", "SENT", "2026-11-11T10:00:00Z", contact=pk, channel="EMAIL"),
        event("e-2", "BOUNCED", "2026-11-11T10:00:04Z", contact=pk, channel="EMAIL"),  # kind not said: soft
        event("e-3", "SENT", "2026-11-12T10:00:00Z", contact=pk, channel="EMAIL"),
        event("e-3", "DELIVERED", "2026-11-12T10:00:04Z", contact=pk, channel="EMAIL"),
        event("s-1", "SENT", "2026-11-12T11:00:00Z", contact=pk, channel="SMS"),
        with_(event("s-1", "FAILED", "2026-11-12T11:00:02Z", contact=pk, channel="SMS"), failure="OTHER"),
    ]
    payload = await record_events(client, batch, key=operator_key(ws))
    assert (payload["accepted"], payload["rejected"]) == (8, 0), payload

    c = await deliverability(client, ws, pk)
    assert c["discardReason"] is None and c["status"] == "NEW"
    bounces = {ch["channel"]: ch["bounces"] for ch in c["channels"]}
    assert bounces["EMAIL"] == {"hard": 0, "soft": 2, "lastAt": "2026-11-11T10:00:04+00:00"}
    assert bounces["SMS"] == {"hard": 0, "soft": 0, "lastAt": None}
    rate = c["messageMetrics"]["bounceRate"]
    assert (rate["numerator"], rate["denominator"]) == (2, 4)
    by = {r["channel"]: (r["numerator"], r["denominator"]) for r in rate["byChannel"]}
    assert (by["EMAIL"], by["SMS"]) == ((2, 3), (0, 1))
    assert ("EMAIL", "BOUNCED", "SOFT", None) in events_of(c) and ("EMAIL", "BOUNCED", None, None) in events_of(c)
    assert ("SMS", "FAILED", None, "OTHER") in events_of(c)


async def test_a_send_before_the_discard_stays_sent_and_the_first_reason_stays(client, person):
    ws, pk = person
    batch = [
        event("h-1", "SENT", "2026-11-18T10:00:00Z", contact=pk, channel="EMAIL"),
        with_(event("h-1", "BOUNCED", "2026-11-18T10:00:05Z", contact=pk, channel="EMAIL"), bounce="HARD"),
        # went out before the bounce, reported in the same batch: a real send
        event("s-0", "SENT", "2026-11-18T09:59:00Z", contact=pk, channel="SMS"),
        # after the bounce, in the same batch: blocked
        event("s-1", "SENT", "2026-11-18T10:30:00Z", contact=pk, channel="SMS"),
    ]
    assert (await record_events(client, batch, key=operator_key(ws)))["rejected"] == 0
    # a complaint later does not change the reason
    await record_events(client, [event("h-1", "COMPLAINED", "2026-11-18T11:00:00Z", contact=pk, channel="EMAIL")],
                        key=operator_key(ws))
    c = await deliverability(client, ws, pk)
    assert c["discardReason"] == "HARD_BOUNCE"
    sends = [(ch, t) for ch, t, *_ in events_of(c) if t.startswith(("SENT", "BLOCKED"))]
    assert ("SMS", "SENT") in sends and ("SMS", "BLOCKED_DISCARDED") in sends and ("EMAIL", "SENT") in sends


async def test_one_batch_discards_many_contacts_each_with_its_own_reason_and_address(client, engine, workspaces):
    ws = await workspaces.create()
    people = {}
    for i, name in enumerate(("Ana", "Bea", "Caro", "Dani")):
        people[name] = await workspaces.contact(ws, name, email=f"{name.lower()}@example.com", phone=f"+549115555030{i}")
    await workspaces.update_contact(people["Dani"], discard_reason=DiscardReason.SUSPENDED)
    batch = [
        with_(event("a-1", "BOUNCED", "2026-11-18T10:00:00Z", contact=people["Ana"], channel="EMAIL"), bounce="HARD"),
        event("b-1", "COMPLAINED", "2026-11-18T10:00:00Z", contact=people["Bea"], channel="SMS"),
        with_(event("c-1", "FAILED", "2026-11-18T10:00:00Z", contact=people["Caro"], channel="SMS"),
              failure="INVALID_ADDRESS"),
        with_(event("d-1", "BOUNCED", "2026-11-18T10:00:00Z", contact=people["Dani"], channel="EMAIL"), bounce="HARD"),
    ]
    assert (await record_events(client, batch, key=operator_key(ws)))["rejected"] == 0

    c = models.Contact
    found = await rows(engine, select(c.name, c.discard_reason, c.discard_channel, c.discard_address)
                       .where(c.workspace_id == ws.id))
    assert {name: (reason.value, channel, address) for name, reason, channel, address in found} == {
        "Ana": ("HARD_BOUNCE", "EMAIL", "ana@example.com"),
        "Bea": ("SPAM_COMPLAINT", "SMS", "+5491155550301"),
        "Caro": ("INVALID_ADDRESS", "SMS", "+5491155550302"),
        "Dani": ("SUSPENDED", None, None),  # discarded already: the first reason stays, no entry
    }
    entries = await rows(engine, select(models.AuditEntry.contact_id).where(
        models.AuditEntry.workspace_id == ws.id, models.AuditEntry.action == "CONTACT_DISCARDED"))
    assert sorted(pk for (pk,) in entries) == sorted(people[n] for n in ("Ana", "Bea", "Caro"))


async def test_a_suspended_contact_gets_no_sends_either(client, workspaces):
    ws = await workspaces.create()
    pk = await workspaces.contact(ws, "Sus", phone="+5491155550404", discard_reason="SUSPENDED")
    payload = await record_events(client, [event("x-1", "SENT", "2026-11-20T12:00:00Z", contact=pk, channel="SMS")],
                                  key=operator_key(ws))
    assert payload["accepted"] == 1
    c = await deliverability(client, ws, pk)
    assert events_of(c) == [("SMS", "BLOCKED_DISCARDED", None, None)]


@pytest.mark.parametrize(("kind", "extra", "field"), [
    ("SENT", {"bounce": "HARD"}, "bounce"), ("DELIVERED", {"failure": "INVALID_ADDRESS"}, "failure"),
    ("BLOCKED_DISCARDED", {}, "type"), ("BLOCKED_UNSUBSCRIBED", {}, "type"),
])
async def test_details_on_the_wrong_event_are_refused_and_stored_nowhere(client, person, kind, extra, field):
    ws, pk = person
    payload = await record_events(client, [with_(event("w-1", kind, "2026-11-19T10:00:00Z", contact=pk), **extra)],
                                  key=operator_key(ws))
    assert (payload["accepted"], payload["rejected"]) == (0, 1)
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(f"events.0.{field}", "BAD_USER_INPUT")]
    assert events_of(await deliverability(client, ws, pk)) == []


async def test_reactivating_a_hard_bounce_needs_a_new_address_or_force(client, engine, person):
    ws, pk = person
    cid = to_global_id("Contact", pk)
    key = ws.keys[Role.OPERATOR]
    await record_events(client, [
        event("h-1", "SENT", "2026-11-18T10:00:00Z", contact=pk, channel="EMAIL"),
        with_(event("h-1", "BOUNCED", "2026-11-18T10:00:05Z", contact=pk, channel="EMAIL"), bounce="HARD"),
    ], key=key)

    # when reactivated as it is: refused, still discarded
    refused = await act(client, "ContactReactivate", {"id": cid}, key=key)
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("CONFLICT", "force")]
    assert (await deliverability(client, ws, pk))["discardReason"] == "HARD_BOUNCE"

    # when the phone changes (not the address that bounced): still refused
    await act(client, "ContactUpdate", {"id": cid, "input": {"phone": "+5491155550999"}}, key=key)
    assert (await act(client, "ContactReactivate", {"id": cid}, key=key))["userErrors"][0]["code"] == "CONFLICT"

    # when the e-mail is corrected: reactivated
    await act(client, "ContactUpdate", {"id": cid, "input": {"email": "ana.nueva@example.com"}}, key=key)
    done = await act(client, "ContactReactivate", {"id": cid}, key=key)
    assert done["userErrors"] == [] and done["contact"]["discardReason"] is None


async def test_force_reactivates_an_unchanged_address_and_agents_may_not(client, person):
    ws, pk = person
    cid = to_global_id("Contact", pk)
    await record_events(client, [
        event("f-1", "SENT", "2026-11-18T10:00:00Z", contact=pk, channel="SMS"),
        with_(event("f-1", "FAILED", "2026-11-18T10:00:05Z", contact=pk, channel="SMS"), failure="INVALID_ADDRESS"),
    ], key=operator_key(ws))
    forced = "mutation($id: ID!) { contactReactivate(id: $id, force: true) { contact { discardReason } userErrors { code } } }"
    denied = data_of(await gql(client, forced, {"id": cid}, key=ws.agent_key))["contactReactivate"]
    assert [e["code"] for e in denied["userErrors"]] == ["FORBIDDEN"]
    done = data_of(await gql(client, forced, {"id": cid}, key=ws.keys[Role.OPERATOR]))["contactReactivate"]
    assert done == {"contact": {"discardReason": None}, "userErrors": []}


async def test_a_replayed_bounce_after_reactivation_blocks_nothing(client, person):
    ws, pk = person
    bounce = with_(event("h-1", "BOUNCED", "2026-11-18T10:00:05Z", contact=pk, channel="EMAIL"), bounce="HARD")
    await record_events(client, [event("h-1", "SENT", "2026-11-18T10:00:00Z", contact=pk, channel="EMAIL"), bounce],
                        key=operator_key(ws))
    forced = "mutation($id: ID!) { contactReactivate(id: $id, force: true) { userErrors { code } } }"
    assert data_of(await gql(client, forced, {"id": to_global_id("Contact", pk)}, key=ws.keys[Role.OPERATOR]))[
        "contactReactivate"]["userErrors"] == []
    # when the pipeline replays the old bounce together with a new send
    again = await record_events(client, [bounce, event("n-1", "SENT", "2026-11-19T09:00:00Z", contact=pk, channel="SMS")],
                                key=operator_key(ws))
    # then the bounce is a duplicate, the send a real one, and the contact stays active
    assert (again["accepted"], again["duplicates"]) == (1, 1)
    c = await deliverability(client, ws, pk)
    assert c["discardReason"] is None and events_of(c)[0] == ("SMS", "SENT", None, None)
