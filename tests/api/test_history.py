"""A contact's history: who changed what and when, with old and new values, newest first, paged."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from api.ids import to_global_id
from domain import models
from domain.enums import CustomFieldType, Role
from tests.api.action_helpers import act, client_at, example
from tests.conftest import NOW
from tests.graphql_client import data_of, gql

HISTORY = """query($id: ID!, $first: Int, $after: String) { contact(id: $id) { history(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { cursor node { id at action actor { id name } changes { field oldValue newValue added removed } } } } } }"""
MINUTE = timedelta(minutes=1)


@pytest.fixture
async def story(engine, workspaces):
    """Six changes to one contact, a minute apart, by the operator and the admin."""
    ws = await workspaces.create()
    await workspaces.custom_field(ws, "city", CustomFieldType.TEXT)
    await workspaces.custom_field(ws, "plan", CustomFieldType.CHOICE, choices=["free", "gold"])
    tag = to_global_id("Tag", await workspaces.named(ws, models.Tag, "vip"))
    dep = to_global_id("Department", await workspaces.named(ws, models.Department, "Compras"))
    operator, admin = ws.keys[Role.OPERATOR], ws.admin_key
    steps = [
        (operator, "ContactCreate", lambda c: example("ContactCreate")),
        (admin, "ContactUpdate", lambda c: example("ContactUpdate", id=c)),
        (operator, "ContactAddTags", lambda c: {"contactId": c, "tagIds": [tag]}),
        (operator, "ContactSetDepartment", lambda c: {"contactId": c, "departmentId": dep}),
        (admin, "ContactUnsubscribe", lambda c: example("ContactUnsubscribe", contactId=c)),
        (operator, "NoteCreate", lambda c: {"contactId": c, "body": "Prefers mornings"}),
    ]
    contact = None
    results = []
    for minute, (key, operation, variables) in enumerate(steps):
        async with client_at(engine, NOW + minute * MINUTE) as http:
            payload = await act(http, operation, variables(contact), key=key)
        assert payload["userErrors"] == [], payload
        contact = contact or payload["contact"]["id"]
        results.append(payload)
    return ws, contact, {"tag": tag, "department": dep, "note": results[-1]["note"]["id"]}


def _user(ws, role):
    return {"id": to_global_id("User", ws.users[role]), "name": f"{role.value.title()} of {ws.name}"}


async def test_history_shows_who_when_and_old_and_new_values(client, story):
    # given
    ws, contact, ids = story

    # when: an agent reads it
    history = data_of(await gql(client, HISTORY, {"id": contact}, key=ws.agent_key))["contact"]["history"]

    # then
    assert history["totalCount"] == 6
    assert history["pageInfo"]["hasNextPage"] is False
    nodes = [e["node"] for e in history["edges"]]
    at = [(NOW + m * MINUTE).isoformat() for m in range(6)]
    operator, admin = _user(ws, Role.OPERATOR), _user(ws, Role.ADMIN)
    assert [(n["action"], n["at"], n["actor"]) for n in nodes] == [
        ("NOTE_CREATED", at[5], operator),
        ("CONTACT_UNSUBSCRIBED", at[4], admin),
        ("CONTACT_DEPARTMENT_SET", at[3], operator),
        ("CONTACT_TAGS_ADDED", at[2], operator),
        ("CONTACT_UPDATED", at[1], admin),
        ("CONTACT_CREATED", at[0], operator),
    ]
    changes = [{c["field"]: (c["oldValue"], c["newValue"]) if c["added"] is None else (c["added"], c["removed"])
                for c in n["changes"]} for n in nodes]
    assert changes[0] == {"noteId": (None, ids["note"])}
    assert changes[1] == {"channels.WHATSAPP.status": (None, "UNSUBSCRIBED"), "channels.WHATSAPP.reason": (None, "asked to stop")}
    assert changes[2] == {"departmentId": (None, ids["department"])}
    assert changes[3] == {"tagIds": ([ids["tag"]], [])}
    assert changes[4] == {"phone": ("+5491155550101", "+5511988887777"), "customFields.plan": (None, "gold")}
    assert changes[5]["email"] == (None, "maria.perez@example.com")
    assert changes[5]["customFields.city"] == (None, "Rosario")
    assert changes[5]["origin"] == (None, "MANUAL")


async def test_history_pages_through_every_entry_once(client, story):
    ws, contact, _ = story
    seen, after = [], None
    while True:
        history = data_of(await gql(client, HISTORY, {"id": contact, "first": 4, "after": after}, key=ws.agent_key))["contact"]["history"]
        seen += [e["node"]["action"] for e in history["edges"]]
        assert history["totalCount"] == 6
        if not history["pageInfo"]["hasNextPage"]:
            break
        after = history["pageInfo"]["endCursor"]
    assert seen == ["NOTE_CREATED", "CONTACT_UNSUBSCRIBED", "CONTACT_DEPARTMENT_SET", "CONTACT_TAGS_ADDED",
                    "CONTACT_UPDATED", "CONTACT_CREATED"]


@pytest.mark.parametrize(("first", "after"), [(0, None), (101, None), (5, "not-a-cursor"), (5, "eyJ4IjoxfQ")])
async def test_bad_paging_arguments_are_bad_user_input(client, story, first, after):
    ws, contact, _ = story
    result = await gql(client, HISTORY, {"id": contact, "first": first, "after": after}, key=ws.agent_key)
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_an_entry_is_a_node_of_its_workspace_only(client, workspaces, story):
    # given
    ws, contact, _ = story
    history = data_of(await gql(client, HISTORY, {"id": contact, "first": 1}, key=ws.agent_key))["contact"]["history"]
    entry = history["edges"][0]["node"]["id"]
    other = await workspaces.create()
    query = "query($id: ID!) { node(id: $id) { id ... on ContactHistoryEntry { action } } }"

    # when
    own = data_of(await gql(client, query, {"id": entry}, key=ws.agent_key))["node"]
    foreign = data_of(await gql(client, query, {"id": entry}, key=other.agent_key))["node"]

    # then
    assert own == {"id": entry, "action": "NOTE_CREATED"}
    assert foreign is None


@contextmanager
def _statements(engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn, cursor, statement, *args):  # noqa: ANN001
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def test_history_of_a_page_of_contacts_costs_the_same_statements_for_3_or_30(client, engine, workspaces):
    # given: contacts each with two history entries
    ws = await workspaces.create()
    tag = to_global_id("Tag", await workspaces.named(ws, models.Tag, "vip"))
    for n in range(30):
        created = await act(client, "ContactCreate", {"input": {"name": f"Person {n}", "email": f"p{n}@example.com"}}, key=ws.admin_key)
        await act(client, "ContactAddTags", {"contactId": created["contact"]["id"], "tagIds": [tag]}, key=ws.admin_key)
    query = """query($first: Int) { contacts(first: $first) { edges { node { history(first: 5) {
      totalCount edges { node { action actor { name } changes { field newValue } } } } } } } }"""
    data_of(await gql(client, "{ viewer { user { id } } }", key=ws.agent_key))  # the key's one-off lookup

    # when
    counts = {}
    for size in (3, 30):
        with _statements(engine) as seen:
            data = data_of(await gql(client, query, {"first": size}, key=ws.agent_key))
        counts[size] = len(seen)
        assert [len(e["node"]["history"]["edges"]) for e in data["contacts"]["edges"]] == [2] * size
        assert {e["node"]["history"]["totalCount"] for e in data["contacts"]["edges"]} == {2}

    # then
    assert counts[3] == counts[30]
