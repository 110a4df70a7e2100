"""One audit vocabulary: a change reads the same in a contact's history whichever way it was made
(one action, a bulk job, an import), set changes are the ids added and removed, and the migration
rewrites entries stored under the old names and shapes."""

import json
from typing import Any

import pytest
from sqlalchemy import text

from api.ids import to_global_id
from domain import models
from domain.enums import AuditAction, Role
from domain.migrate import upgrade
from tests.api.action_helpers import act
from tests.api.test_import import finish, imported
from tests.graphql_client import data_of, gql
from tests.scratch import database_at

HISTORY = """query($id: ID!) { contact(id: $id) { history(first: 5) { edges { node {
  action changes { field oldValue newValue added removed } } } } } }"""
BULK = """mutation($ids: [ID!], $action: BulkAction!, $target: ID) {
  contactsBulkAction(selection: {ids: $ids}, action: $action, targetId: $target) { job { id } userErrors { code } } }"""
GROUPS = """mutation($c: ID!, $g: [ID!]!) { contactAddToGroups(contactId: $c, groupIds: $g) { userErrors { code } } }"""
UNGROUP = """mutation($c: ID!, $g: [ID!]!) { contactRemoveFromGroups(contactId: $c, groupIds: $g) { userErrors { code } } }"""


async def latest(client, ws, pk: int) -> dict[str, Any]:
    result = await gql(client, HISTORY, {"id": to_global_id("Contact", pk)}, key=ws.agent_key)
    return data_of(result)["contact"]["history"]["edges"][0]["node"]


async def bulk(client, engine, clock, ws, pk: int, action: str, target: str) -> None:
    payload = data_of(await gql(client, BULK, {"ids": [to_global_id("Contact", pk)], "action": action, "target": target},
                                key=ws.keys[Role.OPERATOR]))["contactsBulkAction"]
    assert payload["userErrors"] == []
    await finish(engine, clock, payload)


def entry(action: str, field: str, added: list[str] = (), removed: list[str] = ()) -> dict[str, Any]:
    return {"action": action, "changes": [
        {"field": field, "oldValue": None, "newValue": None, "added": list(added), "removed": list(removed)}]}


@pytest.fixture
async def crm(workspaces):
    ws = await workspaces.create()
    people = {n: await workspaces.contact(ws, n, email=f"{n.lower()}@example.com") for n in ("Ana", "Bea", "Caro")}
    ids = {
        "tag": await workspaces.named(ws, models.Tag, "vip"),
        "list": await workspaces.named(ws, models.ContactList, "Newsletter"),
        "group": await workspaces.named(ws, models.Group, "Soporte"),
    }
    return ws, people, ids


async def test_tagging_one_contact_a_bulk_job_and_an_import_write_the_same_entry(client, engine, clock, crm):
    ws, people, ids = crm
    tag = to_global_id("Tag", ids["tag"])
    # Ana by the profile's action, Bea by a bulk job, Caro by an import row naming the tag
    assert (await act(client, "ContactAddTags", {"contactId": to_global_id("Contact", people["Ana"]), "tagIds": [tag]},
                      key=ws.keys[Role.OPERATOR]))["userErrors"] == []
    await bulk(client, engine, clock, ws, people["Bea"], "ADD_TAG", tag)
    job = await imported(client, engine, clock, ws.admin_key, "name,email,tags\nCaro,caro@example.com,VIP\n", updateExisting=True)
    assert job["updated"] == 1

    expected = entry("CONTACT_TAGS_ADDED", "tagIds", added=[tag])
    assert [await latest(client, ws, people[n]) for n in ("Ana", "Bea", "Caro")] == [expected] * 3


async def test_lists_groups_and_removals_read_alike_too(client, engine, clock, crm):
    ws, people, ids = crm
    lst, group, tag = (to_global_id(t, ids[k]) for t, k in (("ContactList", "list"), ("Group", "group"), ("Tag", "tag")))
    ana, bea, caro = (to_global_id("Contact", people[n]) for n in ("Ana", "Bea", "Caro"))
    op = ws.keys[Role.OPERATOR]

    # lists: the list's own action, a bulk job, an import row
    assert (await act(client, "ContactListAddContacts", {"listId": lst, "contactIds": [ana]}, key=op))["userErrors"] == []
    await bulk(client, engine, clock, ws, people["Bea"], "ADD_TO_LIST", lst)
    await imported(client, engine, clock, ws.admin_key, "name,email,lists\nCaro,caro@example.com,Newsletter\n", updateExisting=True)
    added = entry("CONTACT_LISTS_ADDED", "listIds", added=[lst])
    assert [await latest(client, ws, people[n]) for n in ("Ana", "Bea", "Caro")] == [added] * 3

    await act(client, "ContactListRemoveContacts", {"listId": lst, "contactIds": [ana]}, key=op)
    await bulk(client, engine, clock, ws, people["Bea"], "REMOVE_FROM_LIST", lst)
    removed = entry("CONTACT_LISTS_REMOVED", "listIds", removed=[lst])
    assert [await latest(client, ws, people[n]) for n in ("Ana", "Bea")] == [removed] * 2

    # groups: one contact's action and a bulk job, both ways
    assert data_of(await gql(client, GROUPS, {"c": ana, "g": [group]}, key=op))["contactAddToGroups"]["userErrors"] == []
    await bulk(client, engine, clock, ws, people["Bea"], "ADD_TO_GROUP", group)
    assert [await latest(client, ws, people[n]) for n in ("Ana", "Bea")] == [entry("CONTACT_GROUPS_ADDED", "groupIds", [group])] * 2
    await gql(client, UNGROUP, {"c": ana, "g": [group]}, key=op)
    await bulk(client, engine, clock, ws, people["Bea"], "REMOVE_FROM_GROUP", group)
    assert [await latest(client, ws, people[n]) for n in ("Ana", "Bea")] == [
        entry("CONTACT_GROUPS_REMOVED", "groupIds", removed=[group])] * 2

    # tags off: one contact's action and a bulk job
    for pk in (ana, bea):
        await act(client, "ContactAddTags", {"contactId": pk, "tagIds": [tag]}, key=op)
    await act(client, "ContactRemoveTags", {"contactId": ana, "tagIds": [tag]}, key=op)
    await bulk(client, engine, clock, ws, people["Bea"], "REMOVE_TAG", tag)
    assert [await latest(client, ws, people[n]) for n in ("Ana", "Bea")] == [
        entry("CONTACT_TAGS_REMOVED", "tagIds", removed=[tag])] * 2
    # an import row that also changes a field is one CONTACT_UPDATED holding each change
    await imported(client, engine, clock, ws.admin_key, "email,name,tags\ncaro@example.com,Carolina,vip\n",
                   updateExisting=True)
    changed = await latest(client, ws, people["Caro"])
    assert changed["action"] == "CONTACT_UPDATED"
    assert {c["field"]: (c["newValue"], c["added"]) for c in changed["changes"]} == {
        "name": ("Carolina", None), "tagIds": (None, [tag])}


async def test_a_contact_created_with_tags_and_lists_reads_alike_from_the_api_and_an_import(client, engine, clock, crm):
    ws, _, ids = crm
    tag, lst = to_global_id("Tag", ids["tag"]), to_global_id("ContactList", ids["list"])
    made = await act(client, "ContactCreate", {"input": {"name": "Dani", "email": "dani@example.com", "tagIds": [tag],
                                                         "listIds": [lst]}}, key=ws.keys[Role.OPERATOR])
    assert made["userErrors"] == []
    await imported(client, engine, clock, ws.admin_key, "name,email,tags,lists\nEva,eva@example.com,vip,Newsletter\n")
    found = {}
    for name, pk in (("Dani", made["contact"]["id"]), ("Eva", None)):
        if pk is None:
            search = await gql(client, '{ contacts(first: 1, search: "eva@example.com") { edges { node { id } } } }',
                               key=ws.agent_key)
            pk = data_of(search)["contacts"]["edges"][0]["node"]["id"]
        node = data_of(await gql(client, HISTORY, {"id": pk}, key=ws.agent_key))["contact"]["history"]["edges"][0]["node"]
        assert node["action"] == "CONTACT_CREATED"
        found[name] = {c["field"]: c["added"] for c in node["changes"] if c["added"] is not None}
    assert found["Dani"] == found["Eva"] == {"tagIds": [tag], "listIds": [lst]}


async def test_deleting_a_tag_group_or_list_records_the_removal_in_the_same_shape(client, engine, crm, workspaces):
    ws, people, ids = crm
    await workspaces.member(ws, models.ContactTag, people["Ana"], tag_id=ids["tag"])
    await workspaces.member(ws, models.GroupMember, people["Ana"], group_id=ids["group"])
    await workspaces.member(ws, models.ContactListMember, people["Ana"], list_id=ids["list"])
    for kind, mutation, key in (("Tag", "tagDelete", "tag"), ("Group", "groupDelete", "group"),
                                ("ContactList", "contactListDelete", "list")):
        target = to_global_id(kind, ids[key])
        result = await gql(client, f"mutation($id: ID!) {{ {mutation}(id: $id) {{ userErrors {{ code }} }} }}",
                           {"id": target}, key=ws.admin_key)
        assert data_of(result)[mutation]["userErrors"] == []
        node = await latest(client, ws, people["Ana"])
        field = {"Tag": "tagIds", "Group": "groupIds", "ContactList": "listIds"}[kind]
        action = {"Tag": "TAG_DELETED", "Group": "GROUP_DELETED", "ContactList": "CONTACT_LIST_DELETED"}[kind]
        assert node == entry(action, field, removed=[target])


def test_the_vocabulary_has_one_name_per_change():
    names = {a.value for a in AuditAction}
    assert not names & {"TAG_ADDED", "GROUP_ADDED", "FLOW_CONNECTED", "CONTACT_ADDED_TO_LIST", "CONTACT_REMOVED_FROM_LIST"}


OLD_ROWS = [
    # (action, changes) as writers before this revision stored them
    ("TAG_ADDED", [{"field": "tagIds", "old": None, "new": [5]}]),
    ("GROUP_ADDED", [{"field": "groupIds", "old": None, "new": [3]}]),
    ("FLOW_CONNECTED", [{"field": "flowIds", "old": None, "new": [2]}]),
    ("CONTACT_TAGS_REMOVED", [{"field": "tagIds", "old": [5], "new": None}]),
    ("CONTACT_TAGS_ADDED", [{"field": "tag_ids", "old": [1], "new": [1, 2, 5]}]),
    ("CONTACT_ADDED_TO_LIST", [{"field": "list_ids", "old": [], "new": [4]}]),
    ("CONTACT_REMOVED_FROM_LIST", [{"field": "list_ids", "old": [4, 6], "new": [6]}]),
    ("CONTACT_UPDATED", [{"field": "name", "old": "Ana", "new": "Ana Paula"}, {"field": "tags", "old": [1], "new": [1, 9]}]),
    ("CONTACT_CREATED", [{"field": "name", "old": None, "new": "Bea"}, {"field": "list_ids", "old": None, "new": [6, 4]}]),
    ("CONTACT_SUSPENDED", [{"field": "discard_reason", "old": None, "new": "SUSPENDED"}]),
]
NEW_ROWS = [
    ("CONTACT_TAGS_ADDED", [{"field": "tag_ids", "added": [5], "removed": []}]),
    ("CONTACT_GROUPS_ADDED", [{"field": "group_ids", "added": [3], "removed": []}]),
    ("CONTACT_FLOWS_ADDED", [{"field": "flow_ids", "added": [2], "removed": []}]),
    ("CONTACT_TAGS_REMOVED", [{"field": "tag_ids", "added": [], "removed": [5]}]),
    ("CONTACT_TAGS_ADDED", [{"field": "tag_ids", "added": [2, 5], "removed": []}]),
    ("CONTACT_LISTS_ADDED", [{"field": "list_ids", "added": [4], "removed": []}]),
    ("CONTACT_LISTS_REMOVED", [{"field": "list_ids", "added": [], "removed": [4]}]),
    ("CONTACT_UPDATED", [{"field": "name", "old": "Ana", "new": "Ana Paula"}, {"field": "tag_ids", "added": [9], "removed": []}]),
    ("CONTACT_CREATED", [{"field": "name", "old": None, "new": "Bea"}, {"field": "list_ids", "added": [4, 6], "removed": []}]),
    ("CONTACT_SUSPENDED", [{"field": "discard_reason", "old": None, "new": "SUSPENDED"}]),
]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_the_migration_rewrites_entries_stored_under_old_names_and_shapes(kind, tmp_path):
    async with database_at(kind, tmp_path, "b2d5f8a3c6e9") as engine:
        async with engine.begin() as c:
            await c.execute(text("INSERT INTO workspace (id, name, slug, created_at) VALUES (1, 'W', 'w', '2026-01-01')"))
            for i, (action, changes) in enumerate(OLD_ROWS, start=1):
                await c.execute(text("INSERT INTO audit_entry (id, workspace_id, action, at, changes) "
                                     "VALUES (:id, 1, :action, '2026-01-01', :changes)"),
                                {"id": i, "action": action, "changes": json.dumps(changes)})
        await upgrade(engine)
        async with engine.connect() as c:
            rows = (await c.execute(text("SELECT action, changes FROM audit_entry ORDER BY id"))).all()
        stored = [(a, json.loads(ch) if isinstance(ch, str) else ch) for a, ch in rows]
        assert stored == NEW_ROWS
