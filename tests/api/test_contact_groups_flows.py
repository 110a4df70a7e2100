"""One contact's groups (add, remove) and the flows it is enrolled in, from the profile."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from api.ids import to_global_id
from domain import models
from domain.enums import Role
from tests.api.action_helpers import rows
from tests.conftest import NOW
from tests.graphql_client import data_of, gql

ADD = """mutation($c: ID!, $g: [ID!]!) { contactAddToGroups(contactId: $c, groupIds: $g) {
  contact { groups { name } } userErrors { field code } } }"""
REMOVE = """mutation($c: ID!, $g: [ID!]!) { contactRemoveFromGroups(contactId: $c, groupIds: $g) {
  contact { groups { name } } userErrors { field code } } }"""


@pytest.fixture
async def crm(workspaces):
    ws = await workspaces.create()
    pk = await workspaces.contact(ws, "Ana", email="ana@example.com")
    groups = {n: to_global_id("Group", await workspaces.named(ws, models.Group, n)) for n in ("Soporte", "Ventas", "Alta")}
    return ws, pk, groups


async def test_add_and_remove_groups_with_history(client, engine, crm):
    ws, pk, groups = crm
    c = to_global_id("Contact", pk)
    key = ws.keys[Role.OPERATOR]
    added = data_of(await gql(client, ADD, {"c": c, "g": [groups["Ventas"], groups["Soporte"]]}, key=key))["contactAddToGroups"]
    assert added == {"contact": {"groups": [{"name": "Soporte"}, {"name": "Ventas"}]}, "userErrors": []}
    # adding one it is in already changes nothing
    again = data_of(await gql(client, ADD, {"c": c, "g": [groups["Ventas"]]}, key=key))["contactAddToGroups"]
    assert again["contact"]["groups"] == [{"name": "Soporte"}, {"name": "Ventas"}]
    removed = data_of(await gql(client, REMOVE, {"c": c, "g": [groups["Ventas"], groups["Alta"]]}, key=key))
    assert removed["contactRemoveFromGroups"] == {"contact": {"groups": [{"name": "Soporte"}]}, "userErrors": []}
    trail = await rows(engine, select(models.AuditEntry.action).where(models.AuditEntry.contact_id == pk)
                       .order_by(models.AuditEntry.id))
    assert [a for (a,) in trail] == ["CONTACT_GROUPS_ADDED", "CONTACT_GROUPS_REMOVED"]
    # the groups' counts follow
    count = "query($g: ID!) { node(id: $g) { ... on Group { contactCount } } }"
    assert data_of(await gql(client, count, {"g": groups["Soporte"]}, key=ws.agent_key))["node"]["contactCount"] == 1
    assert data_of(await gql(client, count, {"g": groups["Ventas"]}, key=ws.agent_key))["node"]["contactCount"] == 0


async def test_unknown_or_foreign_groups_are_not_found_and_agents_may_not(client, workspaces, crm):
    ws, pk, groups = crm
    other = await workspaces.create()
    foreign = to_global_id("Group", await workspaces.named(other, models.Group, "Ajeno"))
    c = to_global_id("Contact", pk)
    refused = data_of(await gql(client, ADD, {"c": c, "g": [groups["Alta"], foreign]}, key=ws.keys[Role.OPERATOR]))
    assert refused["contactAddToGroups"]["userErrors"] == [{"field": "groupIds.1", "code": "NOT_FOUND"}]
    denied = data_of(await gql(client, ADD, {"c": c, "g": [groups["Alta"]]}, key=ws.agent_key))
    assert denied["contactAddToGroups"]["userErrors"][0]["code"] == "FORBIDDEN"
    shown = data_of(await gql(client, "query($c: ID!) { contact(id: $c) { groups { name } } }", {"c": c}, key=ws.agent_key))
    assert shown["contact"]["groups"] == []


async def test_the_profile_shows_the_flows_with_their_status(client, workspaces, crm):
    ws, pk, _ = crm
    for name, status, days in (("Bienvenida", "COMPLETED", 30), ("Reactivación", "ACTIVE", 2)):
        flow = await workspaces.named(ws, models.Flow, name)
        await workspaces._add(models.FlowEnrolment(workspace_id=ws.id, contact_id=pk, flow_id=flow, status=status,
                                                   enrolled_at=NOW - timedelta(days=days)))
    query = "query($c: ID!) { contact(id: $c) { flows { flow { id name } status enrolledAt } } }"
    flows = data_of(await gql(client, query, {"c": to_global_id("Contact", pk)}, key=ws.agent_key))["contact"]["flows"]
    assert [(f["flow"]["name"], f["status"]) for f in flows] == [("Reactivación", "ACTIVE"), ("Bienvenida", "COMPLETED")]
    assert flows[0]["enrolledAt"] == (NOW - timedelta(days=2)).isoformat()
