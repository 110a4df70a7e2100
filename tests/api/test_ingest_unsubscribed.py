"""Unsubscribe-then-send: a send after the contact left the channel is BLOCKED_UNSUBSCRIBED, never delivered.

The rule compares times: a send that went out at or after the unsubscription is blocked; one that
went out before it (and is merely reported later) was a real send and stays SENT.
"""

from api.ids import to_global_id
from domain.enums import Channel, SubscriptionStatus
from tests.api.action_helpers import act
from tests.api.ingest_helpers import activity, by_channel, event, example, last_events, operator_key, profile, record_events
from tests.contract.showcase import at


async def test_a_send_after_unsubscribing_is_blocked_and_never_delivered(client, workspaces):
    # given: she left SMS on 10 November
    ws = await workspaces.create()
    contact = await workspaces.contact(ws, "Nora Baja", phone="+5491155550202")
    await workspaces.channel(
        ws, contact, Channel.SMS, "+5491155550202", status=SubscriptionStatus.UNSUBSCRIBED,
        changed_at=at("2026-11-10T00:00:00"),
    )
    batch = [
        event("old-1", "SENT", "2026-11-05T00:00:00Z", contact=contact, channel="SMS"),  # before she left
        event("old-1", "DELIVERED", "2026-11-05T00:00:05Z", contact=contact, channel="SMS"),
        event("b-1", "SENT", "2026-11-15T00:00:00Z", address="+5491155550202", channel="SMS"),
        event("b-1", "DELIVERED", "2026-11-15T00:00:05Z", contact=contact, channel="SMS"),
        event("w-1", "SENT", "2026-11-12T00:00:00Z", contact=contact, channel="WHATSAPP"),
    ]

    # when
    payload = await record_events(client, batch, key=operator_key(ws))

    # then
    assert (payload["accepted"], payload["duplicates"], payload["rejected"]) == (4, 0, 1)
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("events.3.messageId", "CONFLICT")]
    c = await profile(client, ws, contact)
    assert activity(c) == [
        ("SMS", "BLOCKED_UNSUBSCRIBED", "2026-11-15T00:00:00+00:00"),
        ("WHATSAPP", "SENT", "2026-11-12T00:00:00+00:00"),
        ("SMS", "DELIVERED", "2026-11-05T00:00:05+00:00"),
        ("SMS", "SENT", "2026-11-05T00:00:00+00:00"),
    ]
    # In the send counts (the delivery denominator), never delivered.
    assert by_channel(c["messageMetrics"]["deliveryRate"])["SMS"] == (1, 2)
    assert last_events(c)["SMS"] == {"type": "BLOCKED_UNSUBSCRIBED", "occurredAt": "2026-11-15T00:00:00+00:00"}
    # A blocked send reached nobody: it is not activity.
    assert c["lastActivityAt"] == "2026-11-12T00:00:00+00:00"

    # when: the pipeline later reports the blocked message delivered and read, and replays the send
    later = await record_events(
        client,
        [
            event("b-1", "DELIVERED", "2026-11-15T00:00:05Z", contact=contact, channel="SMS"),
            event("b-1", "READ", "2026-11-15T00:10:00Z", contact=contact, channel="SMS"),
            event("b-1", "SENT", "2026-11-15T00:00:00Z", contact=contact, channel="SMS"),
        ],
        key=operator_key(ws),
    )

    # then
    assert (later["accepted"], later["duplicates"], later["rejected"]) == (0, 1, 2)
    assert {e["code"] for e in later["userErrors"]} == {"CONFLICT"}
    assert await profile(client, ws, contact) == c


async def test_contact_unsubscribe_then_the_pipeline_sends(client, workspaces):
    # given: both contract operations, unchanged; she asks to stop WhatsApp at noon (now)
    ws = await workspaces.create()
    pk = await workspaces.contact(ws, "María José Pérez", phone="+5491155550101")
    await workspaces.channel(ws, pk, Channel.WHATSAPP, "+5491155550101")
    unsubscribe = {**example("ContactUnsubscribe", pk), "contactId": to_global_id("Contact", pk)}
    assert (await act(client, "ContactUnsubscribe", unsubscribe, key=operator_key(ws)))["userErrors"] == []

    # when: this morning's message is reported late; a new one goes out two minutes after noon
    morning = example("MessageEventsRecord", pk)["events"][:2]
    after_noon = [
        event("msg-3", "SENT", "2026-11-20T12:02:00Z", contact=pk),
        event("msg-3", "DELIVERED", "2026-11-20T12:02:04Z", contact=pk),
    ]
    payload = await record_events(client, morning + after_noon, key=operator_key(ws))

    # then
    assert (payload["accepted"], payload["rejected"]) == (3, 1)
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("events.3.messageId", "CONFLICT")]
    c = await profile(client, ws, pk)
    assert [t for _, t, _ in activity(c)] == ["BLOCKED_UNSUBSCRIBED", "DELIVERED", "SENT"]
    assert by_channel(c["messageMetrics"]["deliveryRate"])["WHATSAPP"] == (1, 2)
    assert c["channels"][0]["status"] == "UNSUBSCRIBED"
