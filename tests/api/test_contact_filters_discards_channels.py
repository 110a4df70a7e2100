"""The contacts module's discardReason and channelStatus filters: the suspended tab and "unsubscribed
from WhatsApp" are filters, with their counts, in segments and in bulk selections too."""

import pytest

from api.ids import to_global_id
from domain import models
from domain.enums import Channel, DiscardReason, Role, SubscriptionStatus
from tests.api.action_helpers import act, example
from tests.conftest import NOW
from tests.contract.documents import document
from tests.graphql_client import data_of, gql

PAGE = document("contacts")
DAY = NOW - NOW.replace(day=NOW.day - 1)


@pytest.fixture
async def module(workspaces):
    ws = await workspaces.create()
    other = await workspaces.create()
    people = {}
    for name, reason, phone in [
        ("Sara Suspendida", DiscardReason.SUSPENDED, "+5491155550001"),
        ("Hugo Rebote", DiscardReason.HARD_BOUNCE, "+5491155550002"),
        ("Quique Queja", DiscardReason.SPAM_COMPLAINT, "+5491155550003"),
        ("Ana Activa", None, "+5491155550004"),
        ("Walter Sinwhats", None, "+5491155550005"),
    ]:
        people[name.split()[0]] = await workspaces.contact(
            ws, name, phone=phone, discard_reason=reason, last_activity_at=NOW - 3 * DAY)
    for who, channel, status in [
        ("Walter", Channel.WHATSAPP, SubscriptionStatus.UNSUBSCRIBED), ("Walter", Channel.SMS, SubscriptionStatus.SUBSCRIBED),
        ("Sara", Channel.WHATSAPP, SubscriptionStatus.UNSUBSCRIBED), ("Ana", Channel.WHATSAPP, SubscriptionStatus.SUBSCRIBED),
        ("Hugo", Channel.SMS, SubscriptionStatus.UNSUBSCRIBED),
    ]:
        await workspaces.channel(ws, people[who], channel, "+549115555000x", status=status)
    # the other workspace has the same shapes: never counted here
    twin = await workspaces.contact(other, "Twin", phone="+5491155550009", discard_reason=DiscardReason.SUSPENDED)
    await workspaces.channel(other, twin, Channel.WHATSAPP, "+5491155550009", status=SubscriptionStatus.UNSUBSCRIBED)
    tag = await workspaces.named(ws, models.Tag, "vip")
    for who in ("Walter", "Ana", "Sara"):
        await workspaces.member(ws, models.ContactTag, people[who], tag_id=tag)
    return ws, people, to_global_id("Tag", tag)


async def page(client, ws, filter_):
    data = data_of(await gql(client, PAGE, {"first": 50, "filter": filter_}, key=ws.agent_key, operation_name="ContactsPage"))
    names = sorted(e["node"]["name"].split()[0] for e in data["contacts"]["edges"])
    assert data["contacts"]["totalCount"] == len(names)
    return names, data["contactStatusCounts"]


@pytest.mark.parametrize(("filter_", "expected"), [
    ({"discardReason": ["SUSPENDED"]}, ["Sara"]),
    ({"discardReason": ["HARD_BOUNCE", "SPAM_COMPLAINT"]}, ["Hugo", "Quique"]),
    ({"channelStatus": [{"channel": "WHATSAPP", "status": "UNSUBSCRIBED"}]}, ["Sara", "Walter"]),
    ({"channelStatus": [{"channel": "WHATSAPP", "status": "UNSUBSCRIBED"}, {"channel": "SMS", "status": "UNSUBSCRIBED"}]},
     ["Hugo", "Sara", "Walter"]),
    ({"channelStatus": [{"channel": "WHATSAPP", "status": "UNSUBSCRIBED"}], "discardReason": ["SUSPENDED"]}, ["Sara"]),
    ({"channelStatus": [{"channel": "WHATSAPP", "status": "SUBSCRIBED"}], "status": ["NEW"]}, ["Ana"]),
    ({"channelStatus": [{"channel": "RCS", "status": "SUBSCRIBED"}]}, []),
])
async def test_filters_match_any_value_within_and_all_facets(client, module, filter_, expected):
    ws, _, _ = module
    names, _ = await page(client, ws, filter_)
    assert names == expected


async def test_the_suspended_tab_is_a_filter_with_its_status_buttons(client, module):
    ws, _, tag = module
    names, counts = await page(client, ws, {"discardReason": ["SUSPENDED"], "tagIds": [tag]})
    assert names == ["Sara"]
    # the buttons apply every facet but status: one suspended contact, DISCARDED
    assert (counts["total"], counts["discarded"], counts["suspended"], counts["new"]) == (1, 1, 1, 0)
    names, counts = await page(client, ws, {"channelStatus": [{"channel": "WHATSAPP", "status": "UNSUBSCRIBED"}],
                                            "status": ["NEW"]})
    assert names == ["Walter"]
    assert (counts["total"], counts["new"], counts["discarded"], counts["suspended"]) == (2, 1, 1, 1)


async def test_a_segment_keeps_the_new_facets(client, module):
    ws, _, _ = module
    variables = example("SegmentCreate", input__filter={
        "discardReason": ["HARD_BOUNCE"], "channelStatus": [{"channel": "SMS", "status": "UNSUBSCRIBED"}]})
    created = await act(client, "SegmentCreate", variables, key=ws.keys[Role.OPERATOR])
    assert created["userErrors"] == [] and created["segment"]["contactCount"] == 1
    names, _ = await page(client, ws, {"segmentId": created["segment"]["id"]})
    assert names == ["Hugo"]


@pytest.mark.parametrize("bad", [
    {"discardReason": ["LOST"]}, {"channelStatus": [{"channel": "FAX", "status": "SUBSCRIBED"}]},
    {"channelStatus": [{"channel": "SMS"}]},
])
async def test_unknown_values_are_refused_before_anything_runs(client, module, bad):
    ws, _, _ = module
    result = await gql(client, PAGE, {"first": 5, "filter": bad}, key=ws.agent_key, operation_name="ContactsPage")
    assert result.get("data") is None and result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
