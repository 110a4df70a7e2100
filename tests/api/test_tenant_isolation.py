"""A key of one workspace reads nothing of another: not by id, not through filters, search or counts.

Workspace B is the contract showcase (every kind of row, known values); workspace A is small and
reuses some of B's names ("vip", "Soporte", "Compras"), so a leak would show as a wrong count.
"""

from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from api.ids import to_global_id
from domain import models
from domain.db import session_factory
from domain.enums import Role
from tests.conftest import NOW
from tests.contract.documents import document
from tests.contract.showcase import Showcase, at, build_showcase
from tests.factories import WorkspaceHandle
from tests.graphql_client import data_of, gql

FILTER_OPTIONS = document("contacts")
PAGE = """query($filter: ContactFilter, $search: String) {
  contacts(first: 100, filter: $filter, search: $search) { totalCount edges { node { id name } } }
  contactStatusCounts(filter: $filter, search: $search) { total new frequent dormant expired inactive discarded suspended }
}"""
NO_COUNTS = dict.fromkeys(("total", "new", "frequent", "dormant", "expired", "inactive", "discarded", "suspended"), 0)


@dataclass
class Tenants:
    a: WorkspaceHandle
    b: Showcase
    a_ids: dict[str, str] = field(default_factory=dict)  # global ids in A
    b_ids: dict[str, str] = field(default_factory=dict)  # global ids in B


@pytest.fixture
async def tenants(workspaces, engine):
    f = workspaces
    b = await build_showcase(f)
    a = await f.create("Pampa Norte")
    ana = await f.contact(a, "Ana Local", email="ana@pampa.example", last_activity_at=at("2026-11-18T10:00:00"))
    await f.contact(a, "Beto Local", email="beto@pampa.example")
    t = Tenants(a=a, b=b)
    t.a_ids["contact"] = to_global_id("Contact", ana)
    pks: dict[str, int] = {}
    for kind, model, name, link in [
        ("tag", models.Tag, "vip", (models.ContactTag, "tag_id")),
        ("group", models.Group, "Soporte", (models.GroupMember, "group_id")),
        ("list", models.ContactList, "Newsletter", (models.ContactListMember, "list_id")),
        ("flow", models.Flow, "Bienvenida", (models.FlowEnrolment, "flow_id")),
        ("company", models.Company, "Pampa SA", None),
        ("department", models.Department, "Compras", None),
    ]:
        pk = pks[kind] = await f.named(a, model, name)
        t.a_ids[kind] = to_global_id(model.__name__, pk)
        if link:
            await f.member(a, link[0], ana, **{link[1]: pk})
        else:
            await f.update_contact(ana, **{f"{kind}_id": pk})
    t.a_ids["segment"] = to_global_id("Segment", await f.segment(a, "VIPs", {"tagIds": [pks["tag"]]}))
    # A stray B row naming A's tag (as a faulty write could leave): A must still count only its own.
    await f.member(b.ws, models.ContactTag, b.ids["mario"], tag_id=pks["tag"])

    ids = b.ids
    t.b_ids = {
        "contact": to_global_id("Contact", b.maria),
        "tag": to_global_id("Tag", ids["tag:vip"]),
        "list": to_global_id("ContactList", ids["list:Newsletter"]),
        "group": to_global_id("Group", ids["group"]),
        "segment": to_global_id("Segment", ids["segment"]),
        "company": to_global_id("Company", ids["company"]),
        "department": to_global_id("Department", ids["department"]),
        "flow": to_global_id("Flow", ids["flow"]),
        "user": to_global_id("User", b.ws.users[Role.AGENT]),
        "note": to_global_id("Note", await f.note(b.ws, b.maria, "secret", author=None, at=NOW)),
        "item": to_global_id("Item", ids["item:runner"]),
        "event": to_global_id("ActivityEvent", await _pk_of(engine, models.MessageEvent, b.ws.id)),
        "workspace": to_global_id("Workspace", b.ws.id),
    }
    return t


async def _pk_of(engine, model, workspace_id: int) -> int:
    async with session_factory(engine)() as session:
        return await session.scalar(select(model.id).where(model.workspace_id == workspace_id).limit(1))


async def test_other_workspaces_ids_resolve_to_null(client, tenants):
    # given A's most powerful key
    key = tenants.a.admin_key
    node = "query($id: ID!) { node(id: $id) { id __typename } }"

    # when / then: every kind of B object is invisible, as if it did not exist
    by_contact_id = "query($id: ID!) { contact(id: $id) { name email } }"
    contact = await gql(client, by_contact_id, {"id": tenants.b_ids["contact"]}, key=key)
    assert data_of(contact) == {"contact": None}
    for kind, global_id in tenants.b_ids.items():
        assert data_of(await gql(client, node, {"id": global_id}, key=key)) == {"node": None}, kind


async def test_own_ids_resolve_through_node(client, tenants):
    # the control for the test above: the same queries do find A's own objects
    node = "query($id: ID!) { node(id: $id) { id __typename } }"
    for kind, global_id in tenants.a_ids.items():
        found = data_of(await gql(client, node, {"id": global_id}, key=tenants.a.agent_key))["node"]
        assert found is not None and found["id"] == global_id, kind


@pytest.mark.parametrize(("facet", "kind"), [
    ("tagIds", "tag"), ("groupIds", "group"), ("listIds", "list"), ("flowIds", "flow"),
    ("companyIds", "company"), ("departmentIds", "department"), ("segmentId", "segment"),
])
async def test_filtering_by_another_workspaces_ids_finds_nothing(client, tenants, facet, kind):
    # given B's id, and as a control A's own id of the same kind (which matches Ana)
    def filter_of(global_id: str) -> dict:
        return {facet: global_id if facet == "segmentId" else [global_id]}

    # when
    theirs = data_of(await gql(client, PAGE, {"filter": filter_of(tenants.b_ids[kind])}, key=tenants.a.agent_key))
    ours = data_of(await gql(client, PAGE, {"filter": filter_of(tenants.a_ids[kind])}, key=tenants.a.agent_key))

    # then
    assert theirs["contacts"] == {"totalCount": 0, "edges": []}
    assert theirs["contactStatusCounts"] == NO_COUNTS
    assert [e["node"]["name"] for e in ours["contacts"]["edges"]] == ["Ana Local"]
    assert ours["contactStatusCounts"]["total"] == 1


async def test_mixing_own_and_foreign_tag_ids_counts_only_own_members(client, tenants):
    filter_ = {"tagIds": [tenants.a_ids["tag"], tenants.b_ids["tag"]]}
    data = data_of(await gql(client, PAGE, {"filter": filter_}, key=tenants.a.agent_key))
    assert [e["node"]["name"] for e in data["contacts"]["edges"]] == ["Ana Local"]
    assert data["contactStatusCounts"] == {**NO_COUNTS, "total": 1, "new": 1}


@pytest.mark.parametrize("search", [
    "Pérez", "maria", "Gómez", "maria.perez@example.com", "joao@example", "+54 9 11 5555-0101", "1155550202",
])
async def test_search_does_not_reach_into_another_workspace(client, tenants, search):
    # given the name, e-mail or phone exists only in B

    # when A searches for it
    data = data_of(await gql(client, PAGE, {"search": search}, key=tenants.a.agent_key))

    # then nothing is found or counted; B itself does find it (the control)
    assert data["contacts"] == {"totalCount": 0, "edges": []}
    assert data["contactStatusCounts"] == NO_COUNTS
    in_b = data_of(await gql(client, PAGE, {"search": search}, key=tenants.b.ws.agent_key))
    assert in_b["contacts"]["totalCount"] >= 1


async def test_status_counts_cover_only_own_contacts(client, tenants):
    # when
    data = data_of(await gql(client, PAGE, key=tenants.a.agent_key))

    # then Ana is NEW and Beto never had activity; B's 7 contacts are not counted
    assert data["contactStatusCounts"] == {**NO_COUNTS, "total": 2, "new": 1, "inactive": 1}
    assert sorted(e["node"]["name"] for e in data["contacts"]["edges"]) == ["Ana Local", "Beto Local"]


async def test_catalogue_lists_only_own_entries_with_own_counts(client, tenants):
    # when the filter pickers are loaded with A's key
    result = await gql(client, FILTER_OPTIONS, key=tenants.a.agent_key, operation_name="FilterOptions")

    # then each picker offers A's entries only; "vip" counts Ana, not B's two vip contacts
    data = data_of(result)

    def entries(name: str) -> list[dict]:
        assert data[name]["totalCount"] == len(data[name]["edges"])
        return [e["node"] for e in data[name]["edges"]]

    a = tenants.a_ids
    assert entries("tags") == [{"id": a["tag"], "name": "vip", "contactCount": 1}]
    assert entries("groups") == [{"id": a["group"], "name": "Soporte", "contactCount": 1}]
    assert entries("contactLists") == [{"id": a["list"], "name": "Newsletter", "contactCount": 1}]
    assert entries("segments") == [{"id": a["segment"], "name": "VIPs", "contactCount": 1}]
    assert entries("flows") == [{"id": a["flow"], "name": "Bienvenida"}]
    assert entries("companies") == [{"id": a["company"], "name": "Pampa SA"}]
    assert entries("departments") == [{"id": a["department"], "name": "Compras"}]


async def test_other_workspace_sees_its_own_counts(client, tenants):
    # the control: B's key sees B's "vip" with its two contacts, not A's
    result = await gql(client, FILTER_OPTIONS, key=tenants.b.ws.agent_key, operation_name="FilterOptions")
    tags = [e["node"] for e in data_of(result)["tags"]["edges"]]
    assert {t["name"]: t["contactCount"] for t in tags} == {"newsletter": 1, "vip": 2}


async def test_users_and_viewer_are_own_workspaces(client, tenants):
    # when
    query = "{ viewer { user { name } workspace { id name } } users(first: 100) { totalCount edges { node { id name } } } }"
    data = data_of(await gql(client, query, key=tenants.a.agent_key))

    # then
    assert data["viewer"]["workspace"] == {"id": to_global_id("Workspace", tenants.a.id), "name": "Pampa Norte"}
    assert data["viewer"]["user"]["name"] == "Agent of Pampa Norte"
    assert data["users"]["totalCount"] == 3
    assert {e["node"]["id"] for e in data["users"]["edges"]} == {to_global_id("User", u) for u in tenants.a.users.values()}
