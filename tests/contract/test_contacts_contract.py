"""contacts.graphql, run unchanged (with the contract's example variables) against known data."""

import pytest

from api.ids import to_global_id
from tests.contract.documents import document, example_variables
from tests.contract.showcase import build_showcase
from tests.graphql_client import data_of, gql

CONTACTS = document("contacts")


@pytest.fixture
async def showcase(workspaces):
    return await build_showcase(workspaces)


async def test_contacts_page_with_contract_variables(client, showcase):
    # given the contract's variables: NEW or FREQUENT, search "maria", newest activity first
    variables = example_variables("ContactsPage")

    # when
    result = await gql(client, CONTACTS, variables, key=showcase.ws.agent_key, operation_name="ContactsPage")

    # then "maria" matches María José Pérez (NEW) and not Mario Gómez ("mario" is not "maria")
    data = data_of(result)
    page = data["contacts"]
    assert page["totalCount"] == 1
    node = page["edges"][0]["node"]
    assert node == {
        "id": to_global_id("Contact", showcase.maria),
        "name": "María José Pérez",
        "email": "maria.perez@example.com",
        "phone": "+5491155550101",
        "status": "NEW",
        "contactSince": "2024-03-01T10:00:00+00:00",
        "lastActivityAt": "2026-11-19T09:00:00+00:00",
        "tags": [
            {"id": to_global_id("Tag", showcase.ids["tag:newsletter"]), "name": "newsletter"},
            {"id": to_global_id("Tag", showcase.ids["tag:vip"]), "name": "vip"},
        ],
        "happiness": {"category": "PROMOTER"},
    }
    assert page["pageInfo"] == {"hasNextPage": False, "endCursor": page["edges"][0]["cursor"]}
    # Status buttons ignore the status filter but keep the search: only María matches "maria".
    assert data["contactStatusCounts"] == {
        "total": 1, "new": 1, "frequent": 0, "dormant": 0, "expired": 0, "inactive": 0, "discarded": 0, "suspended": 0,
    }


async def test_contacts_page_status_buttons_without_search(client, showcase):
    # when
    variables = {"first": 25, "filter": {"status": ["NEW", "FREQUENT"]}, "orderBy": {"field": "LAST_ACTIVITY_AT", "direction": "DESC"}}
    data = data_of(await gql(client, CONTACTS, variables, key=showcase.ws.agent_key, operation_name="ContactsPage"))

    # then: one contact per status was built; discarded includes the suspended one
    assert data["contactStatusCounts"] == {
        "total": 7, "new": 1, "frequent": 1, "dormant": 1, "expired": 1, "inactive": 1, "discarded": 2, "suspended": 1,
    }
    nodes = [e["node"] for e in data["contacts"]["edges"]]
    assert [(n["name"], n["status"]) for n in nodes] == [("María José Pérez", "NEW"), ("Mario Gómez", "FREQUENT")]
    assert nodes[1]["happiness"] == {"category": "DETRACTOR"}
    assert data["contacts"]["totalCount"] == 2


async def test_filter_options(client, showcase):
    # when
    data = data_of(await gql(client, CONTACTS, key=showcase.ws.agent_key, operation_name="FilterOptions"))

    # then
    def names_counts(connection, with_count=True):
        return [(e["node"]["name"], e["node"]["contactCount"]) if with_count else e["node"]["name"] for e in connection["edges"]]

    assert data["tags"]["totalCount"] == 2
    assert names_counts(data["tags"]) == [("newsletter", 1), ("vip", 2)]
    assert names_counts(data["groups"]) == [("Soporte", 1)]
    assert names_counts(data["contactLists"]) == [("Clientes 2026", 1), ("Newsletter", 1)]
    assert names_counts(data["segments"]) == [("VIPs", 2)]
    assert names_counts(data["flows"], with_count=False) == ["Bienvenida"]
    assert names_counts(data["companies"], with_count=False) == ["Andes Retail SA"]
    assert names_counts(data["departments"], with_count=False) == ["Compras"]


@pytest.mark.parametrize(
    ("type_name", "key"),
    [("Contact", None), ("Tag", "tag:vip"), ("Group", "group"), ("Company", "company"), ("Department", "department"),
     ("ContactList", "list:Newsletter"), ("Segment", "segment"), ("Flow", "flow")],
)
async def test_node_by_id(client, showcase, type_name, key):
    # given
    pk = showcase.maria if key is None else showcase.ids[key]
    global_id = to_global_id(type_name, pk)

    # when
    result = await gql(client, CONTACTS, {"id": global_id}, key=showcase.ws.agent_key, operation_name="NodeById")

    # then
    assert data_of(result)["node"] == {"id": global_id, "__typename": type_name}


async def test_node_by_unknown_id_is_null_and_malformed_id_is_bad_input(client, showcase):
    unknown = await gql(client, CONTACTS, {"id": to_global_id("Contact", 10**9)}, key=showcase.ws.agent_key, operation_name="NodeById")
    assert data_of(unknown)["node"] is None

    malformed = await gql(client, CONTACTS, {"id": "not-an-id"}, key=showcase.ws.agent_key, operation_name="NodeById")
    assert malformed["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
