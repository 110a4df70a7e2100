"""A page of contacts reads the parts its document selects before the fields resolve (api/prefetch.py):
whatever form the selection takes (fragments, inline fragments, aliases, arguments from variables),
each contact answers exactly what it answers alone, in one statement for the page's rows and one for
every part of every contact; a field with an invalid argument still reports its own error.
"""

import pytest

from tests.api.test_query_count import build_rich_workspace
from tests.graphql_client import data_of, gql
from tests.sql_counter import counted_statements

PARTS = """
fragment Parts on Contact {
  company { name }
  metrics: messageMetrics(days: $days) { windowDays deliveryRate { value numerator } }
  channels { channel address lastEvent { type } }
  ... on Contact { tags { name } assignment { agent { name } group { name } } }
  recent: notes(first: $notes) { totalCount edges { cursor node { body author { name } } } }
  older: notes(first: 1, after: $after) { edges { node { body } } }
  items(first: 1) { totalCount edges { node { item { name } } } }
  activity(first: 2) { edges { node { type } } }
  satisfaction { label } tickets { all } happiness { score } customFields { key value }
}"""
PAGE = """query Page($days: Int!, $notes: Int!, $after: String) {
  contacts(first: 6) { edges { node { id ...Parts } } }
}""" + PARTS
ONE = """query One($id: ID!, $days: Int!, $notes: Int!, $after: String) {
  contact(id: $id) { id ...Parts }
}""" + PARTS
NODE = """query Node($id: ID!, $days: Int!, $notes: Int!, $after: String) {
  node(id: $id) { id ... on Contact { ...Parts } }
}""" + PARTS


@pytest.fixture
async def six(workspaces, engine):
    return await build_rich_workspace(workspaces, engine, 6)


async def test_each_contact_of_a_page_answers_what_it_answers_alone(client, engine, six):
    key = six.agent_key
    variables = {"days": 30, "notes": 2, "after": None}
    warm = data_of(await gql(client, PAGE, variables, key=key))  # warm-up: nothing one-off is counted
    # `older` pages from the first note on (an offset cursor: the same for every contact)
    variables["after"] = warm["contacts"]["edges"][0]["node"]["recent"]["edges"][0]["cursor"]

    with counted_statements(engine) as statements:
        page = data_of(await gql(client, PAGE, variables, key=key))["contacts"]["edges"]

    assert len(page) == 6
    # one statement for the page's rows, one for every part of the six contacts
    assert len(statements) == 2, statements
    for edge in page:
        node = edge["node"]
        alone = data_of(await gql(client, ONE, {**variables, "id": node["id"]}, key=key))["contact"]
        by_node = data_of(await gql(client, NODE, {**variables, "id": node["id"]}, key=key))["node"]
        assert node == alone == by_node
        # and the values are the contact's own, not empty defaults
        assert node["metrics"]["windowDays"] == 30 and len(node["recent"]["edges"]) == 2
        assert node["recent"]["totalCount"] == 3 and node["recent"]["edges"][0]["node"]["author"]["name"]
        assert node["older"]["edges"][0]["node"]["body"] == node["recent"]["edges"][1]["node"]["body"]
        assert len(node["tags"]) == 2 and node["company"]["name"] and node["tickets"]["all"] == 2


async def test_an_invalid_argument_is_reported_by_its_field(client, six):
    # the page reads ahead the parts it can; the field with the bad cursor reports its own error
    query = """{ contacts(first: 3) { edges { node { id name tags { name }
                  notes(first: 2, after: "not a cursor") { totalCount } items(first: 1) { totalCount } } } } }"""
    result = await gql(client, query, key=six.agent_key)

    # notes is nullable: each contact's notes fails alone, the rest of the page answers
    assert [e["path"] for e in result["errors"]] == [["contacts", "edges", i, "node", "notes"] for i in range(3)]
    assert all(e["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"} for e in result["errors"])
    nodes = [edge["node"] for edge in result["data"]["contacts"]["edges"]]
    assert [n["notes"] for n in nodes] == [None] * 3 and all(n["name"] and n["items"] for n in nodes)
