"""profile.graphql, run unchanged against a workspace whose values are known."""

import pytest

from api.ids import to_global_id
from tests.contract.documents import document
from tests.contract.showcase import build_showcase
from tests.graphql_client import data_of, gql

PROFILE = document("profile")


def _rate(value, num, den, by_channel):
    return {
        "value": value,
        "numerator": num,
        "denominator": den,
        "byChannel": [{"channel": c, "value": v, "numerator": n, "denominator": d} for c, v, n, d in by_channel],
    }


@pytest.fixture
async def showcase(workspaces):
    return await build_showcase(workspaces)


async def test_contact_profile_returns_every_fact(client, showcase):
    # given
    ws = showcase.ws
    contact_id = to_global_id("Contact", showcase.maria)

    # when
    result = await gql(client, PROFILE, {"id": contact_id}, key=ws.agent_key, operation_name="ContactProfile")

    # then
    c = data_of(result)["contact"]
    assert c["id"] == contact_id
    assert (c["name"], c["email"], c["phone"]) == ("María José Pérez", "maria.perez@example.com", "+5491155550101")
    assert c["contactSince"] == "2024-03-01T10:00:00+00:00"
    assert c["origin"] == "FORM"
    assert c["lastActivityAt"] == "2026-11-19T09:00:00+00:00"
    assert (c["status"], c["discardReason"]) == ("NEW", None)
    assert c["company"]["name"] == "Andes Retail SA"
    assert c["department"]["name"] == "Compras"
    assert c["assignment"]["agent"]["name"] == "Agent of Andes Retail"
    assert c["assignment"]["group"]["name"] == "Soporte"
    assert c["channels"] == [
        {"channel": "SMS", "status": "UNSUBSCRIBED", "address": "+5491155550101",
         "changedAt": "2026-11-02T08:00:00+00:00",
         "lastEvent": {"type": "REPLIED", "occurredAt": "2026-11-01T07:30:00+00:00"}},
        {"channel": "EMAIL", "status": "SUBSCRIBED", "address": "maria.perez@example.com",
         "changedAt": "2026-11-20T12:00:00+00:00",
         "lastEvent": {"type": "BOUNCED", "occurredAt": "2026-10-05T08:00:05+00:00"}},
        {"channel": "WHATSAPP", "status": "SUBSCRIBED", "address": "+5491155550101",
         "changedAt": "2026-11-20T12:00:00+00:00",
         "lastEvent": {"type": "REPLIED", "occurredAt": "2026-11-18T10:07:00+00:00"}},
    ]
    assert [x["name"] for x in c["lists"]] == ["Clientes 2026", "Newsletter"]
    assert [x["name"] for x in c["groups"]] == ["Soporte"]
    assert [x["name"] for x in c["tags"]] == ["newsletter", "vip"]
    assert c["customFields"] == [
        {"key": "city", "label": "City", "type": "TEXT", "value": "Rosario"},
        {"key": "lifetime_value", "label": "Lifetime_Value", "type": "NUMBER", "value": "1520.5"},
        {"key": "birthday", "label": "Birthday", "type": "DATE", "value": "1990-05-17"},
        {"key": "opted_in", "label": "Opted_In", "type": "BOOLEAN", "value": "true"},
        {"key": "plan", "label": "Plan", "type": "CHOICE", "value": "gold"},
    ]
    notes = c["notes"]
    assert notes["totalCount"] == 3
    assert [e["node"]["body"] for e in notes["edges"]] == ["VIP since 2025", "Asked about invoices", "Prefers WhatsApp"]
    assert {e["node"]["author"]["name"] for e in notes["edges"]} == {"Operator of Andes Retail"}
    assert c["happiness"] == {
        "score": 9, "category": "PROMOTER", "comment": "Muito bom atendimento",
        "respondedAt": "2026-11-19T09:00:00+00:00",
    }
    # No classifier has scored these conversations yet: no invented satisfaction.
    assert c["satisfaction"] is None
    metrics = c["messageMetrics"]
    assert metrics["windowDays"] == 90
    assert metrics["deliveryRate"] == _rate(
        0.8, 4, 5, [("SMS", 1.0, 1, 1), ("EMAIL", 0.5, 1, 2), ("WHATSAPP", 1.0, 2, 2), ("RCS", None, 0, 0)]
    )
    assert metrics["openRate"] == _rate(
        2 / 3, 2, 3, [("EMAIL", 1.0, 1, 1), ("WHATSAPP", 0.5, 1, 2), ("RCS", None, 0, 0)]
    )
    assert metrics["clickRate"] == _rate(
        1 / 3, 1, 3, [("EMAIL", 0.0, 0, 1), ("WHATSAPP", 0.5, 1, 2), ("RCS", None, 0, 0)]
    )
    assert metrics["responseRate"] == _rate(2 / 3, 2, 3, [("SMS", 1.0, 1, 1), ("WHATSAPP", 0.5, 1, 2)])
    assert c["tickets"] == {"open": 1, "resolved": 2, "all": 3}
    items = c["items"]
    assert items["totalCount"] == 2
    assert [(e["node"]["item"]["name"], e["node"]["interactions"], e["node"]["lastInteractionAt"]) for e in items["edges"]] == [
        ("Zapatillas Runner", 3, "2026-11-18T18:00:00+00:00"),
        ("Medias Trail", 1, "2026-10-02T10:00:00+00:00"),
    ]
    activity = c["activity"]
    assert len(activity["edges"]) == 10
    assert activity["pageInfo"]["hasNextPage"] is True
    assert activity["pageInfo"]["endCursor"] == activity["edges"][-1]["cursor"]
    first = activity["edges"][0]["node"]
    assert (first["channel"], first["type"], first["occurredAt"]) == ("WHATSAPP", "REPLIED", "2026-11-18T10:07:00+00:00")
    times = [e["node"]["occurredAt"] for e in activity["edges"]]
    assert times == sorted(times, reverse=True)


async def test_activity_pages_through_every_event_once(client, showcase):
    # given
    query = """query($id: ID!, $after: String) { contact(id: $id) {
        activity(first: 4, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id } } } } }"""
    variables = {"id": to_global_id("Contact", showcase.maria), "after": None}

    # when
    seen = []
    while True:
        activity = data_of(await gql(client, query, variables, key=showcase.ws.agent_key))["contact"]["activity"]
        seen += [e["node"]["id"] for e in activity["edges"]]
        if not activity["pageInfo"]["hasNextPage"]:
            break
        variables["after"] = activity["pageInfo"]["endCursor"]

    # then: 17 events recorded, each shown exactly once
    assert len(seen) == 17
    assert len(set(seen)) == 17


async def test_metrics_window_follows_days_argument(client, showcase):
    # given: the old WhatsApp message (2026-06-01) lies inside a 365-day window only
    query = """query($id: ID!) { contact(id: $id) {
        short: messageMetrics(days: 1) { deliveryRate { value numerator denominator } }
        year: messageMetrics(days: 365) { windowDays deliveryRate { numerator denominator } } } }"""

    # when
    c = data_of(await gql(client, query, {"id": to_global_id("Contact", showcase.maria)}, key=showcase.ws.agent_key))[
        "contact"
    ]

    # then
    assert c["short"]["deliveryRate"] == {"value": None, "numerator": 0, "denominator": 0}
    assert c["year"]["windowDays"] == 365
    assert c["year"]["deliveryRate"] == {"numerator": 5, "denominator": 6}


@pytest.mark.parametrize("days", [0, -1, 366])
async def test_metrics_window_out_of_range_is_bad_user_input(client, showcase, days):
    query = "query($id: ID!, $d: Int!) { contact(id: $id) { messageMetrics(days: $d) { windowDays } } }"
    result = await gql(client, query, {"id": to_global_id("Contact", showcase.maria), "d": days}, key=showcase.ws.agent_key)
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_viewer_operation(client, showcase):
    result = await gql(client, PROFILE, key=showcase.ws.admin_key, operation_name="Viewer")
    viewer = data_of(result)["viewer"]
    assert viewer["user"]["role"] == "ADMIN"
    assert viewer["workspace"] == {"id": to_global_id("Workspace", showcase.ws.id), "name": "Andes Retail"}


# An out-of-range argument of one profile field fails that field alone: the contact and its other
# fields still answer (the field is nullable so its error does not null the whole contact). A `first`
# out of range is refused before execution by the cost check, as a request error, so it is not here.
@pytest.mark.parametrize("field", [
    "messageMetrics(days: 0) { windowDays }",
    "messageMetrics(days: 400) { windowDays }",
    'notes(after: "not-a-cursor") { totalCount }',
    'conversations(after: "bm9wZQ") { totalCount }',
    'items(after: "not-a-cursor") { totalCount }',
    'activity(after: "not-a-cursor") { pageInfo { hasNextPage } }',
    'history(after: "not-a-cursor") { totalCount }',
])
async def test_bad_argument_fails_only_its_field(client, showcase, field):
    name = field.split("(")[0]
    query = f"query($id: ID!) {{ contact(id: $id) {{ name {field} tickets {{ open }} }} }}"
    result = await gql(client, query, {"id": to_global_id("Contact", showcase.maria)}, key=showcase.ws.agent_key)
    assert "data" in result, result
    contact = result["data"]["contact"]
    assert contact is not None and contact["name"]
    assert contact[name] is None
    assert isinstance(contact["tickets"]["open"], int)
    assert [e["path"] for e in result["errors"]] == [["contact", name]]
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
