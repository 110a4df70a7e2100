"""Compiled query plans (api/compiled.py) answer exactly what graphql-core answers: the same `data`,
the same errors with their paths, locations and codes (in any order, as the spec allows), for the contract's queries and for documents
that use what the plans must get right (fragments, aliases, abstract types, __typename, variables)
or must hand to graphql-core (directives, introspection, errors mid-way).
"""

import pytest

from api import compiled
from api.schema import schema
from tests.api.test_query_count import build_rich_workspace
from tests.contract.documents import document, example_variables
from tests.graphql_client import gql


@pytest.fixture
async def rich(workspaces, engine):
    return await build_rich_workspace(workspaces, engine, 4)


async def _both(client, query: str, variables: dict | None, key: str, operation: str | None = None) -> dict:
    """The response with compiled plans and with graphql-core alone, checked equal."""
    assert compiled.ENABLED
    with_plans = await gql(client, query, variables, key=key, operation_name=operation)
    compiled.ENABLED = False
    try:
        without = await gql(client, query, variables, key=key, operation_name=operation)
    finally:
        compiled.ENABLED = True
    for result in (with_plans, without):
        result.pop("extensions", None)
        # errors come in the order their fields finished (async), which the spec leaves open
        result.get("errors", []).sort(key=lambda e: [str(p) for p in e.get("path", [])])
    assert with_plans == without
    return with_plans


async def _ids(client, key: str) -> list[str]:
    page = await gql(client, "{ contacts(first: 4) { edges { node { id } } } }", key=key)
    return [e["node"]["id"] for e in page["data"]["contacts"]["edges"]]


@pytest.mark.parametrize("doc, operation", [
    ("profile", "ContactProfile"), ("profile", "Viewer"), ("contacts", "ContactsPage"), ("contacts", "FilterOptions"),
    ("contacts", "NodeById"), ("satisfaction", "ContactConversations"), ("satisfaction", "SatisfactionModels"),
])
async def test_contract_queries_answer_the_same(client, rich, doc, operation):
    key = rich.agent_key
    (contact_id, *_) = await _ids(client, key)
    variables = {"id": contact_id}
    if operation == "ContactsPage":
        variables = {**example_variables("ContactsPage"), "search": None, "filter": None}
    result = await _both(client, document(doc), variables, key, operation)
    assert result.get("data") and not result.get("errors")
    # and the contract's queries do run from plans (this compares two executors, not one with itself)
    assert compiled.compiles(schema._schema, document(doc), operation)


async def test_fragments_aliases_abstract_types_and_typenames_answer_the_same(client, rich):
    key = rich.agent_key
    ids = await _ids(client, key)
    query = """query Q($a: ID!, $b: ID!, $n: Int!) {
      first: node(id: $a) { __typename id ...C ... on Tag { name } }
      second: node(id: $b) { ... on Contact { ...C again: notes(first: 1) { edges { cursor } } } }
      viewer { workspace { __typename name } }
      tags(first: 5) { edges { node { ...T } } }
      contacts(first: 2) { edges { node { ...C ...C tags { ...T } } } }
    }
    fragment C on Contact { __typename name notes(first: $n) { totalCount edges { node { body author { name } } } }
                            company { name } status messageMetrics { openRate { value } } }
    fragment T on Tag { id name contactCount }"""
    result = await _both(client, query, {"a": ids[0], "b": ids[1], "n": 2}, key)
    assert result["data"]["first"]["__typename"] == "Contact" and result["data"]["second"]["again"]


async def test_errors_mid_way_answer_the_same(client, rich):
    key = rich.agent_key
    ids = await _ids(client, key)
    # a bad cursor in a field of the second contact (nullable: only it fails); an unknown id; a malformed id
    query = """query Q($a: ID!, $b: ID!) {
      ok: contact(id: $a) { name tags { name } }
      bad: contact(id: $b) { name notes(first: 1, after: "nope") { totalCount } }
      missing: contact(id: "Q29udGFjdDo5OTk5OTk5") { name }
      malformed: node(id: "%%%") { id }
    }"""
    result = await _both(client, query, {"a": ids[0], "b": ids[1]}, key)
    assert result["data"]["ok"]["name"] and result["data"]["bad"]["name"] and result["data"]["bad"]["notes"] is None
    assert result["data"]["missing"] is None
    assert {e["path"][0] for e in result["errors"]} == {"bad", "malformed"}


@pytest.mark.parametrize("query, variables", [
    ("query Q($yes: Boolean!) { viewer { user { name @include(if: $yes) role @skip(if: $yes) } } }", {"yes": True}),
    ("{ __schema { queryType { name } } viewer { user { name } } }", None),
    ("query Q($n: Int!) { contacts(first: $n) { totalCount } }", {"n": "three"}),
    ("query Q($n: Int) { contacts(first: $n) { edges { node { name } } } }", {}),
])
async def test_documents_the_plans_leave_to_graphql_core_answer_the_same(client, rich, query, variables):
    await _both(client, query, variables, rich.agent_key)
    assert compiled.compiles(schema._schema, query) == ("@" not in query and "__schema" not in query)
