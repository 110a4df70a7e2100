"""bench/handwritten.py, the yardstick of bench/peers.py, answers exactly Rapport's `data`.

If it did not, peers.py would refuse to time the case; this keeps the two in step on both engines,
with every derived value in play: statuses from the clock, 90-day rates, satisfaction, NPS, custom
fields of every type, pages cut at their limits, segments with a search, live segment counts.
"""

from datetime import date, timedelta

import httpx
import pytest

from bench.handwritten import LIST_DOCUMENT, HandwrittenApp
from bench.peers_cases import CONTACTS, PROFILE, first_difference, global_id
from domain import models
from domain.enums import (
    Channel, CustomFieldType, DiscardReason, MessageEventType as E, SatisfactionLabel, SubscriptionStatus,
    TicketStatus, TurnRole,
)
from tests.conftest import NOW
from tests.graphql_client import data_of, gql

D = timedelta(days=1)


async def _workspace(f):
    """A workspace whose contacts cover every status and every profile part (some past their page limits)."""
    ws = await f.create()
    company = await f.named(ws, models.Company, "Acme")
    department = await f.named(ws, models.Department, "Compras")
    group = await f.named(ws, models.Group, "Soporte")
    tags = [await f.named(ws, models.Tag, name) for name in ("vip", "Zeta", "alfa")]
    lst = await f.named(ws, models.ContactList, "Newsletter")
    fields = {t: await f.custom_field(ws, t.value.lower(), t, position=i) for i, t in enumerate(CustomFieldType)}
    contacts = []
    for i, (age, discard) in enumerate([(3, None), (30, None), (100, None), (400, None), (None, None),
                                        (5, DiscardReason.SUSPENDED), (50, DiscardReason.HARD_BOUNCE)]):
        contacts.append(await f.contact(
            ws, f"María {i} Pérez", email=f"maria{i}@example.com", phone=f"+5491155550{i:03d}",
            contact_since=NOW - (i + 1) * D, last_activity_at=None if age is None else NOW - age * D - timedelta(hours=1),
            discard_reason=discard, company_id=company if i % 2 else None, department_id=department if i < 3 else None,
            assigned_agent_id=ws.users[next(iter(ws.users))] if i == 0 else None, assigned_group_id=group if i < 2 else None))
    rich = contacts[0]
    for tag in tags:
        await f.member(ws, models.ContactTag, rich, tag_id=tag)
    await f.member(ws, models.ContactTag, contacts[1], tag_id=tags[0])
    await f.member(ws, models.ContactListMember, rich, list_id=lst)
    await f.member(ws, models.GroupMember, rich, group_id=group)
    for kind, value in [(CustomFieldType.TEXT, {"value_text": "Rosario"}), (CustomFieldType.NUMBER, {"value_number": 12.5}),
                        (CustomFieldType.DATE, {"value_date": date(2026, 1, 31)}), (CustomFieldType.BOOLEAN, {"value_bool": False}),
                        (CustomFieldType.CHOICE, {"value_text": "gold"})]:
        await f.custom_value(ws, rich, fields[kind], **value)
    await f.custom_value(ws, contacts[1], fields[CustomFieldType.NUMBER], value_number=40.0)
    await f.channel(ws, rich, Channel.WHATSAPP, "+549115555000")
    await f.channel(ws, rich, Channel.SMS, "+549115555000", status=SubscriptionStatus.UNSUBSCRIBED, reason="stop")
    await f.channel(ws, rich, Channel.EMAIL, "maria0@example.com")
    events = [(Channel.WHATSAPP, t, f"w{k}", NOW - (k + 1) * timedelta(hours=5)) for k in range(4)
              for t in (E.SENT, E.DELIVERED, E.READ)]
    events += [(Channel.SMS, E.SENT, "s1", NOW - 2 * D), (Channel.SMS, E.BLOCKED_UNSUBSCRIBED, "s2", NOW - 2 * D),
               (Channel.EMAIL, E.SENT, "e1", NOW - 200 * D), (Channel.EMAIL, E.DELIVERED, "e1", NOW - 200 * D)]
    await f.events(ws, rich, events)
    for k in range(7):
        await f.note(ws, rich, f"note {k}", author=ws.users[next(iter(ws.users))] if k % 2 else None, at=NOW - k * D)
    await f.nps(ws, rich, 6, at=NOW - 9 * D, comment="meh")
    await f.nps(ws, rich, 9, at=NOW - 3 * D, comment="Muito bom")
    await f.nps(ws, contacts[1], 7, at=NOW - 30 * D)
    await f.ticket(ws, rich, TicketStatus.OPEN, opened_at=NOW - D)
    await f.ticket(ws, rich, TicketStatus.RESOLVED, opened_at=NOW - 3 * D, resolved_at=NOW - 2 * D)
    turns = [(TurnRole.CUSTOMER, "hola"), (TurnRole.AGENT, "buenas")]
    for k, (p, label) in enumerate([(0.7, SatisfactionLabel.SATISFIED), (0.2, SatisfactionLabel.DISSATISFIED)]):
        await f.conversation(ws, rich, started_at=NOW - (k + 2) * D, turns=turns, satisfaction_label=label,
                             p_satisfied=p, p_neutral=0.1, p_dissatisfied=0.9 - p, model_version=f"m-{k}",
                             analyzed_at=NOW - (k + 1) * D)
    await f.conversation(ws, rich, started_at=NOW - 4 * D, turns=[(TurnRole.AGENT, "¿sigue ahí?")])
    for k in range(7):
        await f.item_interactions(ws, rich, f"sku-{k}", f"Item {k}", [NOW - (k + 1) * D, NOW - (k + 2) * D])
    segment = await f.segment(ws, "VIP activos", {"status": ["NEW", "FREQUENT"], "tagIds": [tags[0]]})
    await f.segment(ws, "Marías", {"companyIds": [company]}, search="  MARÍA   pérez ")
    await f.segment(ws, "Por teléfono", {}, search="+54 9 11 5555-0")
    return ws, contacts, tags, segment


@pytest.fixture
async def handwritten(engine):
    app = HandwrittenApp(engine.url.render_as_string(hide_password=False), now=lambda: NOW)
    await app.db.open()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hand.test") as http:
        yield http
    await app.db.close()


async def test_every_case_peers_times_answers_the_same_data_as_rapport(client, handwritten, workspaces):
    # given
    ws, contacts, tags, segment = await _workspace(workspaces)
    page = {"first": 3}
    requests = [(PROFILE, "ContactProfile", {"id": global_id("Contact", c)}) for c in contacts]
    requests += [(CONTACTS, "ContactsPage", variables) for variables in (
        page, {"first": 25}, dict(page, search="maria pérez"), dict(page, search="+54 9 11 5555"),
        dict(page, filter={"tagIds": [global_id("Tag", tags[0])]}), dict(page, filter={"segmentId": global_id("Segment", segment)}),
        dict(page, orderBy={"field": "LAST_ACTIVITY_AT", "direction": "DESC"}), dict(page, orderBy={"field": "NAME"}),
        *[dict(page, filter={"status": [s]}) for s in ("NEW", "FREQUENT", "DORMANT", "EXPIRED", "INACTIVE", "DISCARDED")],
    )]
    requests += [(CONTACTS, "FilterOptions", {}), (LIST_DOCUMENT, "ContactsWithTags", {})]

    for document, operation, variables in requests:
        # when
        expected = data_of(await gql(client, document, variables, key=ws.agent_key, operation_name=operation))
        got = data_of(await gql(handwritten, document, variables, key=ws.agent_key, operation_name=operation))

        # then
        assert first_difference(expected, got) is None, (operation, variables, first_difference(expected, got))

    # and the fixture really reaches past every page limit of the profile
    profile = data_of(await gql(client, PROFILE, {"id": global_id("Contact", contacts[0])}, key=ws.agent_key,
                                operation_name="ContactProfile"))["contact"]
    assert profile["notes"]["totalCount"] == 7 and profile["items"]["totalCount"] == 7
    assert profile["activity"]["pageInfo"]["hasNextPage"] and profile["satisfaction"]["conversationsAnalyzed"] == 2


async def test_a_key_of_another_workspace_reads_none_of_this_one(handwritten, workspaces):
    # given
    ws, contacts, _, _ = await _workspace(workspaces)
    other = await workspaces.create()

    # when
    answer = data_of(await gql(handwritten, PROFILE, {"id": global_id("Contact", contacts[0])}, key=other.agent_key,
                               operation_name="ContactProfile"))

    # then
    assert answer == {"contact": None}
