"""Creating, editing, suspending, reactivating and deleting a contact through the contract operations."""

import itertools

import pytest
from sqlalchemy import func, select

from api.ids import parse_typed_id, to_global_id
from domain import models
from domain.enums import Channel, CustomFieldType, Role
from tests.api.action_helpers import act, all_text, codes, example, rows, snapshot
from tests.graphql_client import data_of, gql

_serial = itertools.count(1)


@pytest.fixture
async def ws(workspaces):
    ws = await workspaces.create()
    await workspaces.custom_field(ws, "city", CustomFieldType.TEXT, position=0)
    await workspaces.custom_field(ws, "plan", CustomFieldType.CHOICE, choices=["free", "silver", "gold"], position=1)
    await workspaces.custom_field(ws, "lifetime_value", CustomFieldType.NUMBER, position=2)
    await workspaces.custom_field(ws, "birthday", CustomFieldType.DATE, position=3)
    return ws


async def _count(engine, model, ws):
    return (await rows(engine, select(func.count()).select_from(model).where(model.workspace_id == ws.id)))[0][0]


async def _contact(engine, global_id):
    pk = parse_typed_id(global_id, "Contact")
    found = await rows(engine, select(models.Contact).where(models.Contact.id == pk))
    return found[0][0] if found else None


async def test_create_normalises_email_and_phone(client, engine, ws):
    # when
    payload = await act(client, "ContactCreate", example("ContactCreate"), key=ws.keys[Role.OPERATOR])

    # then
    assert payload["userErrors"] == []
    contact = payload["contact"]
    assert {k: contact[k] for k in ("name", "email", "phone", "status", "discardReason", "origin")} == {
        "name": "María José Pérez", "email": "maria.perez@example.com", "phone": "+5491155550101",
        "status": "INACTIVE", "discardReason": None, "origin": "MANUAL",
    }
    row = await _contact(engine, contact["id"])
    assert (row.email, row.phone) == ("maria.perez@example.com", "+5491155550101")
    (value,) = await rows(engine, select(models.CustomFieldValue.value_text).where(models.CustomFieldValue.contact_id == row.id))
    assert value == ("Rosario",)


@pytest.mark.parametrize(
    ("email", "phone", "field"),
    [
        ("  Maria.Perez@Example.com ", None, "email"),
        ("maria.perez@example.com", None, "email"),
        (None, "+54 9 11 5555-0101", "phone"),
        ("someone.else@example.com", "+5491155550101", "phone"),
    ],
)
async def test_duplicates_are_a_conflict_naming_the_existing_contact(client, engine, ws, email, phone, field):
    # given
    first = await act(client, "ContactCreate", example("ContactCreate"), key=ws.admin_key)
    existing = first["contact"]["id"]
    before = await snapshot(engine, ws.id)

    # when
    variables = example("ContactCreate", input__name="Otra María", input__email=email, input__phone=phone)
    payload = await act(client, "ContactCreate", variables, key=ws.admin_key)

    # then
    assert payload["contact"] is None
    (error,) = payload["userErrors"]
    assert (error["code"], error["field"]) == ("CONFLICT", field)
    assert existing in error["message"]
    assert await snapshot(engine, ws.id) == before


async def test_update_with_the_example_changes_phone_and_custom_field(client, engine, ws):
    # given
    created = (await act(client, "ContactCreate", example("ContactCreate"), key=ws.admin_key))["contact"]

    # when
    payload = await act(client, "ContactUpdate", example("ContactUpdate", id=created["id"]), key=ws.keys[Role.OPERATOR])

    # then: the name and e-mail given before are untouched
    assert payload["userErrors"] == []
    assert payload["contact"]["phone"] == "+5511988887777"
    assert payload["contact"]["email"] == "maria.perez@example.com"
    assert payload["contact"]["customFields"] == [{"key": "city", "value": "Rosario"}, {"key": "plan", "value": "gold"}]
    assert (await _contact(engine, created["id"])).phone == "+5511988887777"


@pytest.mark.parametrize(
    ("custom_fields", "path"),
    [
        ([{"key": "lifetime_value", "value": "a lot"}], "customFields.0.value"),
        ([{"key": "city", "value": "Lima"}, {"key": "birthday", "value": "17/05/1990"}], "customFields.1.value"),
        ([{"key": "plan", "value": "platinum"}], "customFields.0.value"),
        ([{"key": "shoe_size", "value": "42"}], "customFields.0.key"),
    ],
)
async def test_custom_fields_are_typed_and_a_bad_value_writes_nothing(client, engine, ws, custom_fields, path):
    # given
    created = (await act(client, "ContactCreate", example("ContactCreate"), key=ws.admin_key))["contact"]
    before = await snapshot(engine, ws.id)

    # when: a valid name change travels with the bad value
    variables = {"id": created["id"], "input": {"name": "Renamed", "customFields": custom_fields}}
    payload = await act(client, "ContactUpdate", variables, key=ws.admin_key)

    # then
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("BAD_USER_INPUT", path)]
    assert await snapshot(engine, ws.id) == before


async def test_custom_fields_store_typed_values(client, engine, ws):
    created = (await act(client, "ContactCreate", example("ContactCreate"), key=ws.admin_key))["contact"]
    values = [{"key": "lifetime_value", "value": "1520,5"}, {"key": "birthday", "value": "1990-05-17"}, {"key": "city", "value": None}]
    payload = await act(client, "ContactUpdate", {"id": created["id"], "input": {"customFields": values}}, key=ws.admin_key)
    assert payload["contact"]["customFields"] == [{"key": "lifetime_value", "value": "1520.5"}, {"key": "birthday", "value": "1990-05-17"}]
    stored = await rows(engine, select(models.CustomFieldValue.value_number, models.CustomFieldValue.value_date).where(
        models.CustomFieldValue.contact_id == (await _contact(engine, created["id"])).id))
    assert sorted((str(n), d and d.isoformat()) for n, d in stored) == [("1520.5", None), ("None", "1990-05-17")]


async def test_delete_removes_the_contact_everywhere_and_leaves_only_hashes(client, engine, workspaces, ws):
    # given: a contact with unique values, in a list, a group, a tag, a flow and a segment
    n = next(_serial)
    email, phone = f"gone.{n}.{ws.id}@example.com", f"+5491166{ws.id:03d}{n:03d}"
    created = await act(client, "ContactCreate", example("ContactCreate", input__email=email, input__phone=phone, input__name="Gone Person"), key=ws.admin_key)
    contact_id = created["contact"]["id"]
    pk = (await _contact(engine, contact_id)).id
    ids = {}
    for model, link, column in [
        (models.ContactList, models.ContactListMember, "list_id"), (models.Group, models.GroupMember, "group_id"),
        (models.Tag, models.ContactTag, "tag_id"), (models.Flow, models.FlowEnrolment, "flow_id"),
    ]:
        ids[model.__name__] = await workspaces.named(ws, model, model.__name__)
        await workspaces.member(ws, link, pk, **{column: ids[model.__name__]})
    segment = await workspaces.segment(ws, "Tagged", {"tagIds": [ids["Tag"]]})
    # (its EMAIL and SMS channels were opened with the contact)
    await act(client, "NoteCreate", {"contactId": contact_id, "body": f"write to {email}"}, key=ws.admin_key)
    counts = """query($list: ID!, $group: ID!, $tag: ID!, $segment: ID!) {
      l: node(id: $list) { ... on ContactList { contactCount } } g: node(id: $group) { ... on Group { contactCount } }
      t: node(id: $tag) { ... on Tag { contactCount } } s: node(id: $segment) { ... on Segment { contactCount } } }"""
    variables = {"list": to_global_id("ContactList", ids["ContactList"]), "group": to_global_id("Group", ids["Group"]),
                 "tag": to_global_id("Tag", ids["Tag"]), "segment": to_global_id("Segment", segment)}
    assert {k: v["contactCount"] for k, v in data_of(await gql(client, counts, variables, key=ws.agent_key)).items()} == dict.fromkeys("lgts", 1)

    # when
    payload = await act(client, "ContactDelete", {"id": contact_id}, key=ws.keys[Role.OPERATOR])

    # then
    assert payload == {"deletedContactId": contact_id, "userErrors": []}
    assert {k: v["contactCount"] for k, v in data_of(await gql(client, counts, variables, key=ws.agent_key)).items()} == dict.fromkeys("lgts", 0)
    assert await _count(engine, models.FlowEnrolment, ws) == 0
    assert data_of(await gql(client, "query($id: ID!) { contact(id: $id) { id } }", {"id": contact_id}, key=ws.agent_key))["contact"] is None
    text = await all_text(engine)
    for trace in (email, phone, phone.lstrip("+"), "Gone Person"):
        assert trace not in text
    assert await _count(engine, models.ContactTombstone, ws) == 2


async def test_recreating_a_deleted_contact_brings_it_back_suspended_until_reactivated(client, engine, ws):
    # given: a contact deleted
    created = await act(client, "ContactCreate", example("ContactCreate"), key=ws.admin_key)
    await act(client, "ContactDelete", {"id": created["contact"]["id"]}, key=ws.admin_key)

    # when: created again with the same e-mail (written differently), no phone
    again = await act(client, "ContactCreate", example("ContactCreate", input__email=" MARIA.perez@example.com", input__phone=None), key=ws.admin_key)

    # then
    contact = again["contact"]
    assert (contact["status"], contact["discardReason"]) == ("DISCARDED", "SUSPENDED")

    # when
    reactivated = await act(client, "ContactReactivate", {"id": contact["id"]}, key=ws.keys[Role.OPERATOR])

    # then: active again; with no activity yet, that is INACTIVE
    assert reactivated == {"contact": {"id": contact["id"], "status": "INACTIVE", "discardReason": None}, "userErrors": []}
    row = await _contact(engine, contact["id"])
    assert (row.discard_reason, row.discarded_at) == (None, None)


async def test_suspend_by_hand(client, engine, workspaces, ws):
    pk = await workspaces.contact(ws, "Ana", email="ana@example.com")
    payload = await act(client, "ContactSuspend", {"id": to_global_id("Contact", pk)}, key=ws.keys[Role.OPERATOR])
    assert payload["contact"] == {"id": to_global_id("Contact", pk), "status": "DISCARDED", "discardReason": "SUSPENDED"}
    row = await _contact(engine, to_global_id("Contact", pk))
    assert row.discard_reason == "SUSPENDED" and row.discarded_at is not None


@pytest.mark.parametrize("operation", ["ContactCreate", "ContactUpdate", "ContactDelete", "ContactSuspend", "ContactReactivate"])
async def test_agents_may_not_edit_contacts(client, engine, workspaces, ws, operation):
    # given
    pk = await workspaces.contact(ws, "Ana", email="ana@example.com", discard_reason="SUSPENDED")
    variables = {
        "ContactCreate": example("ContactCreate"),
        "ContactUpdate": example("ContactUpdate", id=to_global_id("Contact", pk)),
    }.get(operation, {"id": to_global_id("Contact", pk)})
    before = await snapshot(engine, ws.id)

    # when
    payload = await act(client, operation, variables, key=ws.agent_key)

    # then
    assert codes(payload) == ["FORBIDDEN"]
    assert await snapshot(engine, ws.id) == before
