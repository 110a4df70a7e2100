"""Updating and deleting groups, contact lists, companies and segments (tags and departments have
their own tests): renames keep names unique ignoring case and accents; a delete keeps the contacts,
takes them out with a history entry each, and leaves the id naming nothing."""

import pytest
from sqlalchemy import select

from api.ids import to_global_id
from domain import models
from domain.enums import Role
from tests.api.action_helpers import rows
from tests.graphql_client import data_of, gql

DELETE = {
    "Group": "mutation($id: ID!) { groupDelete(id: $id) { deletedId userErrors { field code } } }",
    "ContactList": "mutation($id: ID!) { contactListDelete(id: $id) { deletedId userErrors { field code } } }",
    "Company": "mutation($id: ID!) { companyDelete(id: $id) { deletedId userErrors { field code } } }",
    "Segment": "mutation($id: ID!) { segmentDelete(id: $id) { deletedId userErrors { field code } } }",
}
MODELS = {"Group": models.Group, "ContactList": models.ContactList, "Company": models.Company, "Segment": models.Segment}


@pytest.fixture
async def crm(workspaces):
    ws = await workspaces.create()
    ana = await workspaces.contact(ws, "Ana", email="ana@example.com")
    bea = await workspaces.contact(ws, "Bea", email="bea@example.com")
    ids = {
        "Group": await workspaces.named(ws, models.Group, "Soporte"),
        "Group2": await workspaces.named(ws, models.Group, "Ventas"),
        "ContactList": await workspaces.named(ws, models.ContactList, "Newsletter"),
        "Company": await workspaces.named(ws, models.Company, "Acme"),
    }
    ids["Segment"] = await workspaces.segment(ws, "Soporte activos", {"groupIds": [ids["Group"]]})
    for who in (ana, bea):
        await workspaces.member(ws, models.GroupMember, who, group_id=ids["Group"])
        await workspaces.member(ws, models.ContactListMember, who, list_id=ids["ContactList"])
    await workspaces.member(ws, models.GroupMember, ana, group_id=ids["Group2"])
    await workspaces.update_contact(ana, company_id=ids["Company"], assigned_group_id=ids["Group"])
    return ws, {"ana": ana, "bea": bea}, ids


async def test_renames_keep_names_unique_ignoring_case_and_accents(client, crm):
    ws, _, ids = crm
    key = ws.keys[Role.OPERATOR]
    group = to_global_id("Group", ids["Group"])
    rename = "mutation($id: ID!, $n: String!) { groupUpdate(id: $id, input: {name: $n}) { group { name } userErrors { code } } }"
    assert data_of(await gql(client, rename, {"id": group, "n": "Atención"}, key=key))["groupUpdate"] == {
        "group": {"name": "Atención"}, "userErrors": []}
    clash = data_of(await gql(client, rename, {"id": to_global_id("Group", ids["Group2"]), "n": "ATENCION"}, key=key))
    assert clash["groupUpdate"]["userErrors"] == [{"code": "CONFLICT"}]

    lists = "mutation($id: ID!) { contactListUpdate(id: $id, input: {name: \"Boletín\"}) { contactList { name } userErrors { code } } }"
    assert data_of(await gql(client, lists, {"id": to_global_id("ContactList", ids["ContactList"])}, key=key))[
        "contactListUpdate"] == {"contactList": {"name": "Boletín"}, "userErrors": []}

    company = ("mutation($id: ID!, $d: String) { companyUpdate(id: $id, input: {name: \"Acme SA\", domain: $d}) "
               "{ company { name domain } userErrors { field code } } }")
    cid = to_global_id("Company", ids["Company"])
    assert data_of(await gql(client, company, {"id": cid, "d": "https://www.Acme.com/"}, key=key))["companyUpdate"] == {
        "company": {"name": "Acme SA", "domain": "acme.com"}, "userErrors": []}
    bad = data_of(await gql(client, company, {"id": cid, "d": "not a domain"}, key=key))["companyUpdate"]
    assert bad == {"company": None, "userErrors": [{"field": "domain", "code": "BAD_USER_INPUT"}]}

    segment = ("mutation($id: ID!, $f: ContactFilter) { segmentUpdate(id: $id, input: {name: \"Ventas\", filter: $f}) "
               "{ segment { name contactCount } userErrors { field code } } }")
    sid = to_global_id("Segment", ids["Segment"])
    done = data_of(await gql(client, segment, {"id": sid, "f": {"groupIds": [to_global_id("Group", ids["Group2"])]}}, key=key))
    assert done["segmentUpdate"] == {"segment": {"name": "Ventas", "contactCount": 1}, "userErrors": []}


@pytest.mark.parametrize("kind", ["Group", "ContactList", "Company", "Segment"])
async def test_a_delete_keeps_the_contacts_and_leaves_a_history_entry_each(client, engine, crm, kind):
    ws, people, ids = crm
    gid = to_global_id(kind, ids[kind])
    denied = data_of(await gql(client, DELETE[kind], {"id": gid}, key=ws.agent_key))
    assert [e["code"] for e in next(iter(denied.values()))["userErrors"]] == ["FORBIDDEN"]

    payload = next(iter(data_of(await gql(client, DELETE[kind], {"id": gid}, key=ws.keys[Role.OPERATOR])).values()))
    assert payload == {"deletedId": gid, "userErrors": []}
    assert data_of(await gql(client, "query($id: ID!) { node(id: $id) { id } }", {"id": gid}, key=ws.agent_key))["node"] is None
    model = MODELS[kind]
    assert await rows(engine, select(model.id).where(model.id == ids[kind])) == []
    contacts = dict(await rows(engine, select(models.Contact.name, models.Contact.id).where(
        models.Contact.workspace_id == ws.id)))
    assert set(contacts) == {"Ana", "Bea"}
    history = await rows(engine, select(models.AuditEntry.contact_id).where(
        models.AuditEntry.workspace_id == ws.id, models.AuditEntry.action == f"{'CONTACT_LIST' if kind == 'ContactList' else kind.upper()}_DELETED",
        models.AuditEntry.contact_id.is_not(None)))
    touched = {"Group": {"ana", "bea"}, "ContactList": {"ana", "bea"}, "Company": {"ana"}, "Segment": set()}[kind]
    assert sorted(c for (c,) in history) == sorted(people[p] for p in touched)
    if kind == "Group":
        (assigned,) = await rows(engine, select(models.Contact.assigned_group_id).where(models.Contact.id == people["ana"]))
        assert assigned == (None,)
        left = await rows(engine, select(models.GroupMember.group_id).where(models.GroupMember.contact_id == people["ana"]))
        assert left == [(ids["Group2"],)]
    if kind == "Company":
        (company,) = await rows(engine, select(models.Contact.company_id).where(models.Contact.id == people["ana"]))
        assert company == (None,)


async def test_another_workspaces_entities_are_not_found(client, workspaces, crm):
    _, _, ids = crm
    stranger = await workspaces.create()
    for kind in DELETE:
        payload = next(iter(data_of(await gql(client, DELETE[kind], {"id": to_global_id(kind, ids[kind])},
                                              key=stranger.keys[Role.ADMIN])).values()))
        assert payload == {"deletedId": None, "userErrors": [{"field": "id", "code": "NOT_FOUND"}]}
