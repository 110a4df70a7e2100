"""Departments, tags, companies, groups, lists and segments: created, renamed and deleted as a user would."""

import pytest
from sqlalchemy import select

from api.ids import to_global_id
from domain import models
from domain.enums import Role
from tests.api.action_helpers import act, codes, example, rows, snapshot
from tests.contract.showcase import at
from tests.graphql_client import data_of, gql


@pytest.fixture
async def ws(workspaces):
    return await workspaces.create()


async def _names(engine, model, ws):
    return sorted(r.name for r in await rows(engine, select(model.name).where(model.workspace_id == ws.id)))


async def test_department_create_trims_and_stores(client, engine, ws):
    # when
    payload = await act(client, "DepartmentCreate", example("DepartmentCreate", input__name="  Compras "), key=ws.keys[Role.OPERATOR])

    # then
    assert payload["userErrors"] == []
    assert payload["department"]["name"] == "Compras"
    (row,) = await rows(engine, select(models.Department).where(models.Department.workspace_id == ws.id))
    assert payload["department"]["id"] == to_global_id("Department", row[0].id)
    assert row[0].name == "Compras"


@pytest.mark.parametrize(
    ("operation", "model", "taken", "again"),
    [
        ("DepartmentCreate", models.Department, "Compras", "  COMPRAS "),
        ("TagCreate", models.Tag, "vip", "VIP"),
        ("GroupCreate", models.Group, "Soporte", "soporte"),
        ("ContactListCreate", models.ContactList, "Newsletter", "NEWSLETTER"),
        ("TagCreate", models.Tag, "envío-gratis", "ENVIO-GRATIS"),
        ("GroupCreate", models.Group, "Atención al cliente", "atencion  al cliente"),
        ("DepartmentCreate", models.Department, "Logistica", "Logística"),
        ("ContactListCreate", models.ContactList, "Promoções", "PROMOCOES"),
    ],
)
async def test_a_name_taken_in_any_case_is_a_conflict(client, engine, workspaces, ws, operation, model, taken, again):
    # given: the name exists here, and the same name in another workspace does not matter
    await workspaces.named(ws, model, taken)
    other = await workspaces.create()
    await workspaces.named(other, model, again.strip())
    before = await snapshot(engine, ws.id)

    # when
    payload = await act(client, operation, {"input": {"name": again}}, key=ws.admin_key)

    # then
    assert codes(payload) == ["CONFLICT"]
    assert payload["userErrors"][0]["field"] == "name"
    assert taken in payload["userErrors"][0]["message"]
    assert await snapshot(engine, ws.id) == before


@pytest.mark.parametrize(
    ("operation", "name", "field_ok"),
    [
        ("DepartmentCreate", "   ", False),
        ("DepartmentCreate", "d" * 201, False),
        ("DepartmentCreate", "d" * 200, True),
        ("TagCreate", "t" * 201, False),
        ("TagCreate", "t" * 200, True),
        ("ContactListCreate", "", False),
    ],
)
async def test_names_are_1_to_the_column_width(client, engine, ws, operation, name, field_ok):
    before = await snapshot(engine, ws.id)
    payload = await act(client, operation, {"input": {"name": name}}, key=ws.admin_key)
    if field_ok:
        assert payload["userErrors"] == []
    else:
        assert payload["userErrors"][0]["code"] == "BAD_USER_INPUT"
        assert payload["userErrors"][0]["field"] == "name"
        assert await snapshot(engine, ws.id) == before


async def test_rename_department_and_tag(client, engine, workspaces, ws):
    # given
    dep = to_global_id("Department", await workspaces.named(ws, models.Department, "Compras"))
    tag = to_global_id("Tag", await workspaces.named(ws, models.Tag, "vip"))
    await workspaces.named(ws, models.Tag, "gold")
    key = ws.keys[Role.OPERATOR]

    # when
    renamed = await act(client, "DepartmentUpdate", {"id": dep, "input": {"name": " Ventas "}}, key=key)
    recased = await act(client, "TagUpdate", {"id": tag, "input": {"name": "VIP"}}, key=key)
    clash = await act(client, "TagUpdate", {"id": tag, "input": {"name": "Gold"}}, key=key)

    # then: a tag may change its own case; another tag's name is taken
    assert renamed == {"department": {"id": dep, "name": "Ventas"}, "userErrors": []}
    assert recased == {"tag": {"id": tag, "name": "VIP"}, "userErrors": []}
    assert codes(clash) == ["CONFLICT"]
    assert await _names(engine, models.Department, ws) == ["Ventas"]
    assert await _names(engine, models.Tag, ws) == ["VIP", "gold"]


async def test_ids_of_another_workspace_are_not_found(client, engine, workspaces, ws):
    # given
    other = await workspaces.create()
    dep = to_global_id("Department", await workspaces.named(other, models.Department, "Compras"))
    tag = to_global_id("Tag", await workspaces.named(other, models.Tag, "vip"))
    before = await snapshot(engine, other.id)

    # when
    results = [
        await act(client, "DepartmentUpdate", {"id": dep, "input": {"name": "Mine"}}, key=ws.admin_key),
        await act(client, "DepartmentDelete", {"id": dep}, key=ws.admin_key),
        await act(client, "TagUpdate", {"id": tag, "input": {"name": "Mine"}}, key=ws.admin_key),
        await act(client, "TagDelete", {"id": tag}, key=ws.admin_key),
    ]

    # then
    assert [codes(r) for r in results] == [["NOT_FOUND"]] * 4
    assert await snapshot(engine, other.id) == before


async def test_department_delete_keeps_its_contacts_without_department(client, engine, workspaces, ws):
    # given
    dep_pk = await workspaces.named(ws, models.Department, "Compras")
    keep_pk = await workspaces.named(ws, models.Department, "Ventas")
    ana = await workspaces.contact(ws, "Ana", email="ana@example.com", department_id=dep_pk)
    beto = await workspaces.contact(ws, "Beto", email="beto@example.com", department_id=keep_pk)

    # when
    payload = await act(client, "DepartmentDelete", {"id": to_global_id("Department", dep_pk)}, key=ws.admin_key)

    # then
    assert payload == {"deletedDepartmentId": to_global_id("Department", dep_pk), "userErrors": []}
    contacts = dict(await rows(engine, select(models.Contact.id, models.Contact.department_id).where(models.Contact.workspace_id == ws.id)))
    assert contacts == {ana: None, beto: keep_pk}
    assert await _names(engine, models.Department, ws) == ["Ventas"]
    (entry,) = await rows(engine, select(models.AuditEntry).where(models.AuditEntry.contact_id == ana))
    assert entry[0].action == "DEPARTMENT_DELETED"
    assert entry[0].actor_user_id == ws.users[Role.ADMIN]
    assert entry[0].changes == [{"field": "department_id", "old": dep_pk, "new": None}]


async def test_tag_delete_takes_the_tag_off_every_contact(client, engine, workspaces, ws):
    # given
    vip = await workspaces.named(ws, models.Tag, "vip")
    gold = await workspaces.named(ws, models.Tag, "gold")
    ana = await workspaces.contact(ws, "Ana", email="ana@example.com")
    await workspaces.member(ws, models.ContactTag, ana, tag_id=vip)
    await workspaces.member(ws, models.ContactTag, ana, tag_id=gold)

    # when
    payload = await act(client, "TagDelete", {"id": to_global_id("Tag", vip)}, key=ws.admin_key)

    # then
    assert payload == {"deletedTagId": to_global_id("Tag", vip), "userErrors": []}
    tags = await rows(engine, select(models.ContactTag.tag_id).where(models.ContactTag.contact_id == ana))
    assert [t for (t,) in tags] == [gold]
    (entry,) = await rows(engine, select(models.AuditEntry).where(models.AuditEntry.contact_id == ana))
    assert (entry[0].action, entry[0].changes) == ("TAG_DELETED", [{"field": "tag_ids", "added": [], "removed": [vip]}])


@pytest.mark.parametrize(("operation", "target"), [("TagDelete", models.Tag), ("DepartmentDelete", models.Department)])
async def test_operators_may_not_delete_tags_or_departments(client, engine, workspaces, ws, operation, target):
    # given
    pk = await workspaces.named(ws, target, "vip")
    ana = await workspaces.contact(ws, "Ana", email="ana@example.com", **({"department_id": pk} if target is models.Department else {}))
    if target is models.Tag:
        await workspaces.member(ws, models.ContactTag, ana, tag_id=pk)
    before = await snapshot(engine, ws.id)

    # when
    payload = await act(client, operation, {"id": to_global_id(target.__name__, pk)}, key=ws.keys[Role.OPERATOR])

    # then
    assert codes(payload) == ["FORBIDDEN"]
    assert list(payload.values())[0] is None
    assert await snapshot(engine, ws.id) == before


async def test_company_create_normalises_the_domain(client, engine, ws):
    query = "mutation($input: CompanyInput!) { companyCreate(input: $input) { company { id name domain } userErrors { field code } } }"
    ok = data_of(await gql(client, query, {"input": {"name": " Andes SA ", "domain": "https://www.Andes.example/"}}, key=ws.admin_key))
    bad = data_of(await gql(client, query, {"input": {"name": "Other", "domain": "not a domain"}}, key=ws.admin_key))
    assert ok["companyCreate"]["company"]["name"] == "Andes SA"
    assert ok["companyCreate"]["company"]["domain"] == "andes.example"
    assert bad["companyCreate"]["userErrors"] == [{"field": "domain", "code": "BAD_USER_INPUT"}]
    assert await _names(engine, models.Company, ws) == ["Andes SA"]


async def test_segment_is_stored_as_a_filter_and_counted_live(client, engine, workspaces, ws):
    # given: one dormant VIP, one active VIP, one dormant non-VIP
    vip = await workspaces.named(ws, models.Tag, "vip")
    dormant = at("2026-09-01T10:00:00")  # 80 days before the tests' "now"
    ana = await workspaces.contact(ws, "Ana", email="ana@example.com", last_activity_at=dormant)
    beto = await workspaces.contact(ws, "Beto", email="beto@example.com", last_activity_at=at("2026-11-19T10:00:00"))
    carla = await workspaces.contact(ws, "Carla", email="carla@example.com", last_activity_at=dormant)
    for contact in (ana, beto):
        await workspaces.member(ws, models.ContactTag, contact, tag_id=vip)
    variables = example("SegmentCreate", input__filter={"status": ["DORMANT"], "tagIds": [to_global_id("Tag", vip)]})

    # when
    payload = await act(client, "SegmentCreate", variables, key=ws.keys[Role.OPERATOR])

    # then
    assert payload["userErrors"] == []
    assert (payload["segment"]["name"], payload["segment"]["contactCount"]) == ("Dormant VIPs", 1)
    (segment,) = await rows(engine, select(models.Segment).where(models.Segment.workspace_id == ws.id))
    assert (segment[0].filter, segment[0].search) == ({"status": ["DORMANT"], "tagIds": [vip]}, None)

    # when: Carla becomes a VIP, the saved segment counts her without being touched
    await act(client, "ContactAddTags", {"contactId": to_global_id("Contact", carla), "tagIds": [to_global_id("Tag", vip)]}, key=ws.admin_key)
    query = "query($id: ID!) { node(id: $id) { ... on Segment { contactCount } } }"
    count = data_of(await gql(client, query, {"id": payload["segment"]["id"]}, key=ws.agent_key))["node"]["contactCount"]

    # then
    assert count == 2


async def test_segment_filter_ids_must_exist_in_the_workspace(client, engine, workspaces, ws):
    # given: a tag of another workspace, and a deleted-looking group id
    other = await workspaces.create()
    foreign_tag = to_global_id("Tag", await workspaces.named(other, models.Tag, "vip"))
    own_tag = to_global_id("Tag", await workspaces.named(ws, models.Tag, "vip"))
    before = await snapshot(engine, ws.id)

    # when
    foreign = await act(client, "SegmentCreate", example("SegmentCreate", input__filter={"tagIds": [own_tag, foreign_tag]}), key=ws.admin_key)
    nested = await act(
        client, "SegmentCreate",
        example("SegmentCreate", input__filter={"segmentId": to_global_id("Segment", 1)}), key=ws.admin_key,
    )

    # then
    assert foreign["userErrors"] == [{"field": "filter.tagIds.1", "message": foreign["userErrors"][0]["message"], "code": "NOT_FOUND"}]
    assert codes(nested) == ["BAD_USER_INPUT"]
    assert await snapshot(engine, ws.id) == before
