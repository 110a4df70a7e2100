"""messageEventsRecord, run unchanged from ingest.graphql, and what the profile shows afterwards."""

from dataclasses import dataclass

import pytest

from api.ids import to_global_id
from domain.enums import Channel, Role
from tests.api.ingest_helpers import (
    activity,
    by_channel,
    event,
    example,
    last_events,
    operator_key,
    profile,
    record_events,
)
from tests.contract.showcase import at
from tests.factories import WorkspaceHandle
from tests.graphql_client import data_of, gql
from tests.sql_counter import counted_statements

PHONE = "+5491155550101"
WHATSAPP_ONLY = "+5491155550199"  # her WhatsApp number is not her phone: found through the subscription


@dataclass
class Maria:
    ws: WorkspaceHandle
    pk: int


@pytest.fixture
async def maria(workspaces) -> Maria:
    f = workspaces
    ws = await f.create("Andes Retail")
    # Last active in March: EXPIRED until something new happens.
    pk = await f.contact(
        ws, "María José Pérez", email="maria.perez@example.com", phone=PHONE, last_activity_at=at("2026-03-01T10:00:00")
    )
    await f.channel(ws, pk, Channel.SMS, PHONE)
    await f.channel(ws, pk, Channel.EMAIL, "maria.perez@example.com")
    await f.channel(ws, pk, Channel.WHATSAPP, WHATSAPP_ONLY)
    return Maria(ws, pk)


async def test_contract_example_lands_and_moves_every_rollup(client, maria):
    # given
    before = await profile(client, maria.ws, maria.pk)
    assert before["status"] == "EXPIRED"

    # when
    payload = await record_events(client, example("MessageEventsRecord", maria.pk)["events"], key=operator_key(maria.ws))

    # then
    assert payload == {"accepted": 3, "duplicates": 0, "rejected": 0, "userErrors": []}
    c = await profile(client, maria.ws, maria.pk)
    assert c["lastActivityAt"] == "2026-11-20T11:00:00+00:00"
    assert c["status"] == "NEW"
    assert last_events(c) == {
        "SMS": {"type": "SENT", "occurredAt": "2026-11-20T11:00:00+00:00"},
        "EMAIL": None,
        "WHATSAPP": {"type": "DELIVERED", "occurredAt": "2026-11-20T10:00:03+00:00"},
    }
    delivery = c["messageMetrics"]["deliveryRate"]
    assert (delivery["value"], delivery["numerator"], delivery["denominator"]) == (0.5, 1, 2)
    assert by_channel(delivery) == {"SMS": (0, 1), "EMAIL": (0, 0), "WHATSAPP": (1, 1), "RCS": (0, 0)}
    assert activity(c) == [
        ("SMS", "SENT", "2026-11-20T11:00:00+00:00"),
        ("WHATSAPP", "DELIVERED", "2026-11-20T10:00:03+00:00"),
        ("WHATSAPP", "SENT", "2026-11-20T10:00:00+00:00"),
    ]


async def test_the_same_batch_twice_changes_nothing(client, maria):
    # given
    batch = example("MessageEventsRecord", maria.pk)["events"]
    await record_events(client, batch, key=operator_key(maria.ws))
    after_first = await profile(client, maria.ws, maria.pk)

    # when
    payload = await record_events(client, batch, key=operator_key(maria.ws))

    # then
    assert payload == {"accepted": 0, "duplicates": 3, "rejected": 0, "userErrors": []}
    assert await profile(client, maria.ws, maria.pk) == after_first


async def test_a_repeat_inside_one_batch_counts_once(client, maria):
    # given
    sent = event("m-9", "SENT", "2026-11-19T09:00:00Z", contact=maria.pk)
    read = event("m-9", "READ", "2026-11-19T09:05:00Z", contact=maria.pk)

    # when
    payload = await record_events(client, [sent, sent, read], key=operator_key(maria.ws))

    # then
    assert (payload["accepted"], payload["duplicates"], payload["rejected"]) == (2, 1, 0)
    c = await profile(client, maria.ws, maria.pk)
    assert c["messageMetrics"]["deliveryRate"]["denominator"] == 1
    assert len(c["activity"]["edges"]) == 2


async def test_events_find_the_contact_by_address(client, maria, workspaces):
    # given: another workspace has a contact with a phone nobody here has
    other = await workspaces.create("Pampa Norte")
    await workspaces.contact(other, "Beto Otro", phone="+5491155557777")
    batch = [
        event("e-1", "SENT", "2026-11-19T08:00:00Z", address=" Maria.Perez@Example.COM ", channel="EMAIL"),
        event("s-1", "SENT", "2026-11-19T08:01:00Z", address="+54 9 11 5555-0101", channel="SMS"),
        event("w-1", "SENT", "2026-11-19T08:02:00Z", address=WHATSAPP_ONLY, channel="WHATSAPP"),
        event("s-2", "SENT", "2026-11-19T08:03:00Z", address="+5491155559999", channel="SMS"),
        event("e-2", "SENT", "2026-11-19T08:04:00Z", address="not-an-email", channel="EMAIL"),
        event("s-3", "SENT", "2026-11-19T08:05:00Z", address="+5491155557777", channel="SMS"),
    ]

    # when
    payload = await record_events(client, batch, key=operator_key(maria.ws))

    # then
    assert (payload["accepted"], payload["duplicates"], payload["rejected"]) == (3, 0, 3)
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        ("events.3.address", "NOT_FOUND"),
        ("events.4.address", "BAD_USER_INPUT"),
        ("events.5.address", "NOT_FOUND"),  # the other workspace's contact is not found from here
    ]
    c = await profile(client, maria.ws, maria.pk)
    assert activity(c) == [
        ("WHATSAPP", "SENT", "2026-11-19T08:02:00+00:00"),
        ("SMS", "SENT", "2026-11-19T08:01:00+00:00"),
        ("EMAIL", "SENT", "2026-11-19T08:00:00+00:00"),
    ]


async def test_bad_events_are_rejected_by_index_and_good_ones_land(client, maria, workspaces):
    # given
    other = await workspaces.create("Pampa Norte")
    stranger = await workspaces.contact(other, "Beto Otro")
    batch = [
        event("g-1", "SENT", "2026-11-20T11:00:00Z", contact=maria.pk),
        event("x-1", "SENT", "2026-11-20T11:00:00Z", contact=stranger),
        event("x-2", "SENT", "2026-11-20T11:00:00Z", contact="not-an-id"),
        event("x-3", "SENT", "2026-11-20T12:06:00Z", contact=maria.pk),  # 6 minutes after now
        event("x-4", "SENT", "2026-11-20T11:00:00Z"),
        event("  ", "SENT", "2026-11-20T11:00:00Z", contact=maria.pk),
        event("g-1", "DELIVERED", "2026-11-20T12:04:00Z", contact=maria.pk),  # ahead, but within the skew
    ]

    # when
    payload = await record_events(client, batch, key=operator_key(maria.ws))

    # then
    assert (payload["accepted"], payload["duplicates"], payload["rejected"]) == (2, 0, 5)
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        ("events.1.contactId", "NOT_FOUND"),
        ("events.2.contactId", "BAD_USER_INPUT"),
        ("events.3.occurredAt", "BAD_USER_INPUT"),
        ("events.4.contactId", "BAD_USER_INPUT"),
        ("events.5.messageId", "BAD_USER_INPUT"),
    ]
    c = await profile(client, maria.ws, maria.pk)
    assert [(t, at_) for _, t, at_ in activity(c)] == [
        ("DELIVERED", "2026-11-20T12:04:00+00:00"),
        ("SENT", "2026-11-20T11:00:00+00:00"),
    ]
    assert (await profile(client, other, stranger))["activity"]["edges"] == []


async def test_a_channel_first_used_appears_on_the_profile(client, workspaces):
    # given: Ana has an e-mail and a phone but no channel on record
    ws = await workspaces.create()
    pk = await workspaces.contact(ws, "Ana", email="ana@example.com", phone="+5491155550303")
    batch = [
        event("e-1", "DELIVERED", "2026-11-19T08:00:02Z", contact=pk, channel="EMAIL"),
        event("e-1", "SENT", "2026-11-19T08:00:00Z", contact=pk, channel="EMAIL"),
        # WHATSAPP and RCS need her opt-in: a send does not open them, her own message does
        event("w-1", "SENT", "2026-11-19T09:00:00Z", address="+54 9 11 5555-0303", channel="WHATSAPP"),
        event("w-1", "REPLIED", "2026-11-19T09:05:00Z", address="+54 9 11 5555-0303", channel="WHATSAPP"),
        event("r-1", "SENT", "2026-11-19T09:10:00Z", contact=pk, channel="RCS"),
    ]

    # when
    payload = await record_events(client, batch, key=operator_key(ws))

    # then: each channel is listed from its first message, with its address and last event
    assert payload["accepted"] == 5
    assert (await profile(client, ws, pk))["channels"] == [
        {"channel": "EMAIL", "status": "SUBSCRIBED", "address": "ana@example.com",
         "changedAt": "2026-11-19T08:00:00+00:00",
         "lastEvent": {"type": "DELIVERED", "occurredAt": "2026-11-19T08:00:02+00:00"}},
        {"channel": "WHATSAPP", "status": "SUBSCRIBED", "address": "+5491155550303",
         "changedAt": "2026-11-19T09:05:00+00:00",
         "lastEvent": {"type": "REPLIED", "occurredAt": "2026-11-19T09:05:00+00:00"}},
    ]
    consent = "{ contact(id: $id) { channels { channel consent { basis source at text recordedBy { id } } } } }"
    channels = data_of(await gql(client, "query($id: ID!) " + consent, {"id": to_global_id("Contact", pk)},
                                 key=operator_key(ws)))["contact"]["channels"]
    assert channels == [
        {"channel": "EMAIL", "consent": None},
        {"channel": "WHATSAPP", "consent": {"basis": "CONSENT", "source": "INBOUND_MESSAGE",
                                            "at": "2026-11-19T09:05:00+00:00", "text": None, "recordedBy": None}},
    ]


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.ADMIN])
async def test_operator_and_admin_may_ingest(client, maria, role):
    payload = await record_events(client, example("MessageEventsRecord", maria.pk)["events"], key=maria.ws.keys[role])
    assert payload["accepted"] == 3


async def test_an_agent_is_refused_and_nothing_is_stored(client, maria):
    # given
    before = await profile(client, maria.ws, maria.pk)

    # when
    payload = await record_events(client, example("MessageEventsRecord", maria.pk)["events"], key=maria.ws.agent_key)

    # then
    assert (payload["accepted"], payload["duplicates"], payload["rejected"]) == (0, 0, 3)
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(None, "FORBIDDEN")]
    assert await profile(client, maria.ws, maria.pk) == before


async def test_a_batch_over_1000_is_refused_whole(client, maria):
    # given
    batch = [event(f"m-{i}", "SENT", "2026-11-19T09:00:00Z", contact=maria.pk) for i in range(1001)]

    # when
    payload = await record_events(client, batch, key=operator_key(maria.ws))

    # then
    assert (payload["accepted"], payload["duplicates"], payload["rejected"]) == (0, 0, 1001)
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("events", "BAD_USER_INPUT")]
    assert (await profile(client, maria.ws, maria.pk))["activity"]["edges"] == []


async def test_a_full_batch_costs_the_same_statements_as_a_small_one(client, engine, workspaces):
    # given: 50 contacts, each with 10 messages sent and delivered (1,000 events); and one small batch
    f = workspaces
    ws = await f.create()
    contacts = [await f.contact(ws, f"Contact {n}", phone=f"+54911555{n:05d}") for n in range(51)]
    for pk in contacts:
        await f.channel(ws, pk, Channel.WHATSAPP, f"wa-{pk}")

    def batch(pks: list[int], messages: int) -> list[dict]:
        return [
            event(f"{pk}-{m}", kind, f"2026-11-19T{m:02d}:00:{s:02d}Z", contact=pk)
            for pk in pks for m in range(messages) for kind, s in (("SENT", 0), ("DELIVERED", 3))
        ]

    await client.post("/graphql", json={"query": "{ viewer { user { id } } }"},
                      headers={"Authorization": f"Bearer {operator_key(ws)}"})  # the key's one-off lookup

    # when
    with counted_statements(engine) as small:
        assert (await record_events(client, batch(contacts[:1], 5), key=operator_key(ws)))["accepted"] == 10
    with counted_statements(engine) as full:
        assert (await record_events(client, batch(contacts[1:], 10), key=operator_key(ws)))["accepted"] == 1000

    # then: set-based writes, no statement per event or per contact
    assert len(full) == len(small)
    c = await profile(client, ws, contacts[-1])
    assert c["lastActivityAt"] == "2026-11-19T09:00:03+00:00"
    assert c["channels"][0]["lastEvent"] == {"type": "DELIVERED", "occurredAt": "2026-11-19T09:00:03+00:00"}
    assert by_channel(c["messageMetrics"]["deliveryRate"])["WHATSAPP"] == (10, 10)
