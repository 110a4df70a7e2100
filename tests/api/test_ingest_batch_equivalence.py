"""A batch stores exactly what the same events sent one by one store: every derived fact (stored and
blocked events, daily counters, each channel's last event, bounces and opt-ins, the contact's last
activity and discard, history entries) is the same, so that batching is only a matter of speed."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from domain import models
from domain.enums import Channel, SubscriptionStatus
from tests.api.action_helpers import rows
from tests.api.ingest_helpers import gid, operator_key, record_events

T = "2026-11-19T{}:00Z"
LEFT = datetime(2026, 11, 1, tzinfo=UTC)  # when Dani left WhatsApp


def traffic(people: dict[str, int]) -> list[dict[str, Any]]:
    """A day of a pipeline's events for four contacts, in the order the pipeline reports them."""
    ana, bea, caro, dani = (gid(people[n]) for n in ("Ana", "Bea", "Caro", "Dani"))

    def e(message: str, kind: str, at: str, channel: str, contact: str | None = None, address: str | None = None,
          **detail: str) -> dict[str, Any]:
        return {"messageId": message, "type": kind, "occurredAt": T.format(at), "channel": channel,
                "contactId": contact, "address": address, **detail}

    return [
        e("m1", "SENT", "08:00", "EMAIL", ana), e("m1", "DELIVERED", "08:01", "EMAIL", ana),
        e("m2", "SENT", "08:30", "SMS", ana), e("m1", "READ", "09:00", "EMAIL", ana),
        e("m2", "DELIVERED", "08:31", "SMS", ana), e("m2", "REPLIED", "10:00", "SMS", ana),
        e("m3", "SENT", "11:00", "EMAIL", ana), e("m3", "BOUNCED", "11:02", "EMAIL", ana, bounce="SOFT"),
        # a WhatsApp conversation the contact starts by replying: the reply opts the phone in
        e("m9", "SENT", "12:00", "WHATSAPP", ana), e("m9", "DELIVERED", "12:00", "WHATSAPP", ana),
        e("m9", "REPLIED", "12:05", "WHATSAPP", ana),
        # a hard bounce discards Bea; later sends to her are blocked, whatever the channel
        e("m4", "SENT", "08:00", "EMAIL", bea), e("m4", "BOUNCED", "08:05", "EMAIL", bea, bounce="HARD"),
        e("m5", "SENT", "09:00", "EMAIL", bea), e("m6", "SENT", "10:00", "SMS", bea),
        e("m6", "DELIVERED", "10:01", "SMS", bea),  # about a blocked send: refused
        # Caro named by her address; she reports spam; one event arrives twice
        e("m7", "SENT", "08:00", "EMAIL", address="caro@example.com"),
        e("m7", "DELIVERED", "08:01", "EMAIL", address="caro@example.com"),
        e("m7", "DELIVERED", "08:01", "EMAIL", address="caro@example.com"),
        e("m7", "COMPLAINED", "08:30", "EMAIL", address="caro@example.com"),
        # Dani left WhatsApp before: the send is blocked, its delivery refused
        e("m8", "SENT", "09:00", "WHATSAPP", dani), e("m8", "DELIVERED", "09:01", "WHATSAPP", dani),
        # an event naming nobody is rejected alike
        e("m10", "SENT", "09:00", "EMAIL", address="nobody@example.com"),
    ]


async def crm(workspaces):
    ws = await workspaces.create()
    people = {}
    for name in ("Ana", "Bea", "Caro", "Dani"):
        email, phone = f"{name.lower()}@example.com", f"+54911555501{len(people):02d}"
        pk = people[name] = await workspaces.contact(ws, name, email=email, phone=phone)
        await workspaces.channel(ws, pk, Channel.EMAIL, email)
        await workspaces.channel(ws, pk, Channel.SMS, phone)
    await workspaces.channel(ws, people["Dani"], Channel.WHATSAPP, "+5491155550103",
                             status=SubscriptionStatus.UNSUBSCRIBED, reason="stop", changed_at=LEFT)
    return ws, people


async def facts(engine, ws, people: dict[str, int]) -> dict[str, Any]:
    """Every derived fact of the workspace, by contact name (ids differ between workspaces)."""
    name_of = {pk: name for name, pk in people.items()}
    c, s, d, m, a = (models.Contact, models.ChannelSubscription, models.ContactChannelDaily, models.MessageEvent,
                     models.AuditEntry)
    contacts = await rows(engine, select(c.id, c.last_activity_at, c.discard_reason, c.discarded_at, c.discard_channel,
                                         c.discard_address).where(c.workspace_id == ws.id))
    channels = await rows(engine, select(s.contact_id, s.channel, s.status, s.address, s.last_event_type, s.last_event_at,
                                         s.hard_bounces, s.soft_bounces, s.last_bounce_at, s.consent_source)
                          .where(s.workspace_id == ws.id))
    counters = await rows(engine, select(d).where(d.workspace_id == ws.id))
    events = await rows(engine, select(m.contact_id, m.message_id, m.channel, m.type, m.occurred_at, m.detail)
                        .where(m.workspace_id == ws.id))
    audit = await rows(engine, select(a.contact_id, a.action, a.changes).where(a.workspace_id == ws.id))
    daily = [(name_of[r.contact_id], r.channel, r.day, *(getattr(r, k) for k in ("sent", "delivered", "read", "clicked",
                                                                              "replied", "bounced", "failed", "blocked")))
             for (r,) in counters]
    return {
        "contacts": sorted((name_of[r[0]], *r[1:]) for r in contacts),
        "channels": sorted((name_of[r[0]], *r[1:]) for r in channels),
        "daily": sorted(daily),
        "events": sorted((name_of[r[0]], *r[1:]) for r in events),
        "audit": sorted((name_of[r[0]], r[1], str(r[2])) for r in audit),
    }


async def test_a_batch_stores_what_the_same_events_one_by_one_store(client, engine, workspaces):
    # given two identical workspaces
    (one, people_one), (batch, people_batch) = await crm(workspaces), await crm(workspaces)

    # when one receives the day's events one call each, the other in a single batch
    totals = {"accepted": 0, "duplicates": 0, "rejected": 0}
    for event in traffic(people_one):
        payload = await record_events(client, [event], key=operator_key(one))
        for k in totals:
            totals[k] += payload[k]
    together = await record_events(client, traffic(people_batch), key=operator_key(batch))

    # then both answered the same counts and hold the same facts
    assert {k: together[k] for k in totals} == totals == {"accepted": 19, "duplicates": 1, "rejected": 3}
    single, batched = await facts(engine, one, people_one), await facts(engine, batch, people_batch)
    assert single == batched
    # and the facts are the product's rules, not just equal
    by_contact = {r[0]: r for r in batched["contacts"]}
    assert by_contact["Bea"][2] == "HARD_BOUNCE" and by_contact["Caro"][2] == "SPAM_COMPLAINT"
    assert by_contact["Ana"][2] is None and by_contact["Dani"][2] is None
    stored = {(r[0], r[1], r[3]) for r in batched["events"]}
    assert {("Bea", "m5", "BLOCKED_DISCARDED"), ("Bea", "m6", "BLOCKED_DISCARDED"),
            ("Dani", "m8", "BLOCKED_UNSUBSCRIBED")} <= stored
    assert ("Ana", "WHATSAPP") in {(r[0], r[1]) for r in batched["channels"]}
