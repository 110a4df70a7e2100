"""Abuse limits on GraphQL documents (api/limits.py): tokens, depth, aliases, page sizes and cost.

Every limit is checked before execution: a refused request has `data: null`, one coded error per
broken limit, and runs no SQL beyond authenticating its key.
"""

import json
from pathlib import Path

import httpx
import pytest
import strawberry
from graphql import OperationDefinitionNode, parse

from api.app import create_app
from api.ids import to_global_id
from api.limits import Limits, QueryLimits
from domain.settings import Settings
from tests.contract.documents import HERE as CONTRACT_DIR
from tests.contract.documents import document, example_variables
from tests.graphql_client import data_of, gql
from tests.sql_counter import counted_statements

DEFAULTS = Settings()
LIMIT = DEFAULTS.max_query_cost  # 50,000 nodes

# Every connection a contact has, at a page size of `$n`: 5 * n nodes per contact.
EVERY_CONTACT_CONNECTION = """
  notes(first: $n) { totalCount }
  conversations(first: $n) { totalCount }
  items(first: $n) { totalCount }
  activity(first: $n) { pageInfo { hasNextPage } }
  history(first: $last) { pageInfo { hasNextPage } }
"""
NESTED = f"""
query Nested($n: Int!, $last: Int!) {{
  contacts(first: 100) {{ edges {{ node {{ id {EVERY_CONTACT_CONNECTION} }} }} }}
}}
"""


def codes(result: dict) -> list[str]:
    return [e["extensions"]["code"] for e in result.get("errors", [])]


@pytest.fixture
def limited_app(engine, clock, models):
    """An app built with its own limits (create_app's settings), as a deployment would configure them."""

    async def make(**limits: int) -> httpx.AsyncClient:
        app = create_app(Settings(**limits), engine=engine, clock=clock, models=models)
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://rapport.test")

    return make


# -- the shared contract keeps working ------------------------------------------------------------


def _contract_operations() -> list[tuple[str, str]]:
    found = []
    for path in sorted(Path(CONTRACT_DIR).glob("*.graphql")):
        for definition in parse(path.read_text(encoding="utf-8")).definitions:
            if isinstance(definition, OperationDefinitionNode) and definition.name:
                found.append((path.stem, definition.name.value))
    return found


def _example_variables(operation: str) -> dict:
    variables = json.loads((Path(CONTRACT_DIR) / "variables.json").read_text(encoding="utf-8"))
    return variables.get(operation, {})


@pytest.mark.parametrize(("doc", "operation"), _contract_operations())
async def test_every_contract_operation_passes_half_the_default_limits(limited_app, workspaces, doc, operation):
    # given limits at half their defaults (the margin), and an AGENT's key: the document is measured and
    # validated, and an AGENT's mutations are refused by role, so nothing is written
    ws = await workspaces.create()
    client = await limited_app(
        max_query_depth=DEFAULTS.max_query_depth // 2,
        max_aliases=DEFAULTS.max_aliases // 2,
        max_tokens=DEFAULTS.max_tokens // 2,
        max_query_cost=DEFAULTS.max_query_cost // 2,
        max_selections=DEFAULTS.max_selections // 2,
        max_repeated_selections=DEFAULTS.max_repeated_selections // 2,
    )

    # when the whole contract document is sent, unchanged, as clients send it
    async with client:
        result = await gql(client, document(doc), _example_variables(operation), key=ws.agent_key, operation_name=operation)

    # then no limit (and no validation rule) refuses it, and the cost is reported
    refusals = {"QUERY_TOO_COMPLEX", "QUERY_TOO_COSTLY", "GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED"}
    assert not refusals & set(codes(result)), result["errors"]
    assert result["extensions"]["cost"]["requestedNodes"] <= DEFAULTS.max_query_cost // 2


async def test_contacts_page_passes_and_reports_its_cost(client, workspaces):
    # given
    ws = await workspaces.create()
    await workspaces.contact(ws, "María José Pérez", email="maria@example.com")

    # when
    result = await gql(
        client, document("contacts"), {**example_variables("ContactsPage"), "filter": None},
        key=ws.agent_key, operation_name="ContactsPage",
    )

    # then
    assert data_of(result)["contacts"]["totalCount"] == 1
    assert result["extensions"]["cost"] == {"requestedNodes": 25, "limit": LIMIT}


async def test_contact_profile_passes_and_reports_its_cost(client, workspaces):
    # given
    ws = await workspaces.create()
    contact = await workspaces.contact(ws, "Ana")

    # when
    result = await gql(
        client, document("profile"), {"id": to_global_id("Contact", contact)}, key=ws.agent_key,
        operation_name="ContactProfile",
    )

    # then notes(first: 5) + items(first: 5) + activity(first: 10)
    assert data_of(result)["contact"]["name"] == "Ana"
    assert result["extensions"]["cost"] == {"requestedNodes": 20, "limit": LIMIT}


# -- tokens, depth, aliases: QUERY_TOO_COMPLEX ----------------------------------------------------


async def test_too_many_tokens_is_refused(client, workspaces):
    # given a document of ~6,000 tokens (the default limit is 5,000)
    ws = await workspaces.create()
    query = "{ " + "viewer { user { id } } " * 1000 + "}"

    # when
    result = await gql(client, query, key=ws.agent_key)

    # then
    assert result.get("data") is None
    assert codes(result) == ["QUERY_TOO_COMPLEX"]
    assert "more than 5000 tokens" in result["errors"][0]["message"]


async def test_comments_count_as_tokens(client, workspaces):
    # given a tiny query padded with comments
    ws = await workspaces.create()
    query = "#\n" * 6000 + "{ viewer { user { id } } }"

    # when
    result = await gql(client, query, key=ws.agent_key)

    # then
    assert (result.get("data"), codes(result)) == (None, ["QUERY_TOO_COMPLEX"])


async def test_too_deep_is_refused(limited_app, workspaces):
    # given a depth limit of 3 and a query 4 levels deep (contacts > edges > node > tags)
    ws = await workspaces.create()
    query = "{ contacts { edges { node { tags { name } } } } }"

    # when
    async with await limited_app(max_query_depth=3) as client:
        refused = await gql(client, query, key=ws.agent_key)
        shallow = await gql(client, "{ contacts { edges { node { name } } } }", key=ws.agent_key)

    # then
    assert refused.get("data") is None
    assert codes(refused) == ["QUERY_TOO_COMPLEX"]
    assert refused["errors"][0]["message"] == "operation 'anonymous' is 4 levels deep; the limit is 3"
    assert data_of(shallow)["contacts"]["edges"] == []


async def test_depth_counts_through_fragments(limited_app, workspaces):
    # given the same 4 levels, spread over a named and an inline fragment
    ws = await workspaces.create()
    query = """
      query Deep { contacts { ...Page } }
      fragment Page on ContactConnection { edges { node { ... on Contact { tags { name } } } } }
    """

    # when
    async with await limited_app(max_query_depth=3) as client:
        result = await gql(client, query, key=ws.agent_key)

    # then
    assert (result.get("data"), codes(result)) == (None, ["QUERY_TOO_COMPLEX"])


async def test_too_many_aliases_is_refused(client, workspaces):
    # given
    ws = await workspaces.create()
    allowed = DEFAULTS.max_aliases

    def aliased(count: int) -> str:
        return "{ " + " ".join(f"a{i}: viewer {{ user {{ id }} }}" for i in range(count)) + " }"

    # when
    refused = await gql(client, aliased(allowed + 1), key=ws.agent_key)
    accepted = await gql(client, aliased(allowed), key=ws.agent_key)

    # then
    assert refused.get("data") is None
    assert codes(refused) == ["QUERY_TOO_COMPLEX"]
    assert refused["errors"][0]["message"] == f"the document uses {allowed + 1} aliases; the limit is {allowed}"
    assert len(data_of(accepted)) == allowed


async def test_fragments_spread_many_times_are_measured_once(client, workspaces):
    # given 40 fragments each spreading the next one twice: 2^41 field selections, which a walk that
    # re-enters every spread would never finish counting
    ws = await workspaces.create()
    levels = 40
    fragments = " ".join(f"fragment F{i} on Contact {{ id ...F{i + 1} ...F{i + 1} }}" for i in range(levels))
    query = f'{{ contact(id: "x") {{ ...F0 }} }} {fragments} fragment F{levels} on Contact {{ n: name }}'

    # when
    result = await gql(client, query, key=ws.agent_key)

    # then
    assert (result.get("data"), set(codes(result))) == (None, {"QUERY_TOO_COMPLEX"})
    assert result["errors"][0]["message"].startswith(f"the document selects {2 ** (levels + 1)} fields")


# -- field selections: bounded before graphql-core's quadratic overlap check ----------------------------

SELECTIONS_CASES = {
    # the hostile review's document: 900 sibling selections of one field (seconds of validation unbounded)
    "900 siblings": ("{" + " viewer { __typename }" * 900 + "}", "`viewer` is selected 900 times"),
    # nested repetition multiplies: 6 x 6 = 36 fields merge under one path
    "nested repeats": (
        "{" + (" contacts(first: 1) { edges { node {" + " notes(first: 1) { totalCount }" * 6 + " } } }") * 6 + "}",
        "`contacts.edges.node.notes` is selected 36 times",
    ),
    # a fragment of 40 fields spread under 30 parents: 1,200 selections, no path repeated
    "spread fragment": (
        "{ contacts(first: 1) { edges { node { id } } } "
        + " ".join(f"n{i}: node(id: \"Q29udGFjdDox\") {{ ...Wide }}" for i in range(30))
        + " } fragment Wide on Contact { " + " ".join(["id name email phone status"] * 8) + " }",
        "the document selects",
    ),
}


@pytest.mark.parametrize("case", list(SELECTIONS_CASES))
async def test_too_many_or_too_repeated_selections_are_refused_before_validation(client, engine, workspaces, case):
    # given
    ws = await workspaces.create()
    query, message = SELECTIONS_CASES[case]

    # when
    with counted_statements(engine) as statements:
        result = await gql(client, query, key=ws.agent_key)

    # then refused with its reason, and nothing ran beyond authenticating the key
    assert result.get("data") is None
    assert codes(result) and set(codes(result)) == {"QUERY_TOO_COMPLEX"}
    assert any(e["message"].startswith(message) or message in e["message"] for e in result["errors"]), result["errors"]
    assert all("api_key" in s for s in statements)


async def test_selections_at_the_limits_pass(limited_app, workspaces):
    # given limits of 40 selections with 4 repeats of a path, and a document exactly at both
    ws = await workspaces.create()
    client = await limited_app(max_selections=40, max_repeated_selections=4)
    query = "{" + " viewer { user { id name } workspace { id name } }" * 4 + (
        " contacts(first: 1) { edges { node { id name email phone status language lastActivityAt contactSince origin } } } }"
    )

    # when
    async with client:
        at_limit = await gql(client, query, key=ws.agent_key)
        over = await gql(client, query.replace("origin }", "origin discardReason }"), key=ws.agent_key)
        repeated = await gql(client, "{ viewer { role } " + query[1:], key=ws.agent_key)

    # then
    assert "errors" not in at_limit, at_limit["errors"]
    assert codes(over) == ["QUERY_TOO_COMPLEX"] and "selects 41 fields" in over["errors"][0]["message"]
    assert "QUERY_TOO_COMPLEX" in codes(repeated) and any("`viewer` is selected 5 times" in e["message"] for e in repeated["errors"])


# -- first / last: BAD_USER_INPUT before any SQL ------------------------------------------------------


@pytest.mark.parametrize("first", [0, 101, -1])
async def test_out_of_range_first_is_refused_before_any_sql(client, engine, workspaces, first):
    # given
    ws = await workspaces.create()
    await workspaces.contact(ws, "Ana")

    # when
    with counted_statements(engine) as statements:
        result = await gql(client, "query($first: Int!) { contacts(first: $first) { totalCount } }", {"first": first},
                           key=ws.agent_key)

    # then
    assert result.get("data") is None
    assert codes(result) == ["BAD_USER_INPUT"]
    assert result["errors"][0]["extensions"]["field"] == "first"
    assert result["errors"][0]["message"] == f"`first` must be between 1 and 100 (got {first} on `contacts`)"
    assert not [s for s in statements if "contact" in s.lower()], statements  # only the key was looked up


@pytest.mark.parametrize("field", ["notes", "conversations", "items", "activity", "history"])
async def test_nested_connections_check_first_too(client, engine, workspaces, field):
    # given a valid outer page and an invalid inner one, written inline
    ws = await workspaces.create()
    await workspaces.contact(ws, "Ana")
    query = f"{{ contacts(first: 10) {{ edges {{ node {{ {field}(first: 101) {{ __typename }} }} }} }} }}"

    # when
    with counted_statements(engine) as statements:
        result = await gql(client, query, key=ws.agent_key)

    # then
    assert result.get("data") is None
    assert codes(result) == ["BAD_USER_INPUT"]
    assert not [s for s in statements if "contact" in s.lower()], statements


@pytest.mark.parametrize("field", ["tags", "groups", "contactLists", "segments", "flows", "companies", "departments", "users"])
async def test_catalog_connections_check_first(client, workspaces, field):
    # given
    ws = await workspaces.create()

    # when
    result = await gql(client, f"{{ {field}(first: 0) {{ totalCount }} }}", key=ws.agent_key)

    # then
    assert (result.get("data"), codes(result)) == (None, ["BAD_USER_INPUT"])


async def test_defaults_and_bounds_are_accepted(client, workspaces):
    # given
    ws = await workspaces.create()
    await workspaces.contact(ws, "Ana")

    # when first is left to its default (25), or at the bounds 1 and 100
    results = [
        await gql(client, "{ contacts { totalCount edges { node { notes { totalCount } } } } }", key=ws.agent_key),
        await gql(client, "{ contacts(first: 1) { totalCount } }", key=ws.agent_key),
        await gql(client, "{ contacts(first: 100) { totalCount } }", key=ws.agent_key),
    ]

    # then contacts' default 25 and notes' default 10 make 25 + 25 * 10
    assert [data_of(r)["contacts"]["totalCount"] for r in results] == [1, 1, 1]
    assert [r["extensions"]["cost"]["requestedNodes"] for r in results] == [275, 1, 100]


@strawberry.type
class _Item:
    id: int


@strawberry.type
class _ToyQuery:
    @strawberry.field
    def items(self, first: int | None = None, last: int | None = None) -> list[_Item]:
        return [_Item(id=1)]


TOY_SCHEMA = strawberry.Schema(
    query=_ToyQuery, extensions=[lambda: QueryLimits(Limits(max_tokens=1000, max_depth=5, max_aliases=5, max_cost=1000))]
)


@pytest.mark.parametrize(("arguments", "code"), [("last: -1", "BAD_USER_INPUT"), ("last: 101", "BAD_USER_INPUT"),
                                                  ("first: 3, last: 0", "BAD_USER_INPUT"), ("last: 100", None)])
async def test_last_is_checked_like_first(arguments, code):
    # given a schema with a `last` argument (Rapport's connections have none yet, so a toy one)
    query = f"{{ items({arguments}) {{ id }} }}"

    # when
    result = await TOY_SCHEMA.execute(query)

    # then
    if code is None:
        assert result.errors is None and result.data == {"items": [{"id": 1}]}
        assert result.extensions == {"cost": {"requestedNodes": 100, "limit": 1000}}
    else:
        assert result.data is None
        assert [e.extensions["code"] for e in result.errors] == [code]
        assert result.errors[0].extensions["field"] in ("first", "last")


async def test_connection_without_any_page_size_costs_a_full_page():
    # given `items` has neither `first` nor `last`, and no defaults: it may return a full page

    # when
    result = await TOY_SCHEMA.execute("{ items { id } }")

    # then
    assert result.extensions == {"cost": {"requestedNodes": 100, "limit": 1000}}


# -- cost: QUERY_TOO_COSTLY --------------------------------------------------------------------------


async def test_nested_query_over_the_cost_limit_is_refused(client, engine, workspaces):
    # given 100 contacts x 5 connections x 100 nodes, + 100 contacts = 50,100 nodes
    ws = await workspaces.create()
    await workspaces.contact(ws, "Ana")

    # when
    with counted_statements(engine) as statements:
        result = await gql(client, NESTED, {"n": 100, "last": 100}, key=ws.agent_key)

    # then
    assert result.get("data") is None
    assert codes(result) == ["QUERY_TOO_COSTLY"]
    error = result["errors"][0]
    assert error["message"].startswith("the query may return up to 50100 nodes; the limit is 50000.")
    assert (error["extensions"]["cost"], error["extensions"]["limit"]) == (50100, LIMIT)
    assert result["extensions"]["cost"] == {"requestedNodes": 50100, "limit": LIMIT}
    assert not [s for s in statements if "contact" in s.lower()], statements


async def test_nested_query_just_under_the_cost_limit_runs(client, workspaces):
    # given 100 + 100 * (4 * 100 + 98) = 49,900 nodes
    ws = await workspaces.create()
    await workspaces.contact(ws, "Ana")

    # when
    result = await gql(client, NESTED, {"n": 100, "last": 98}, key=ws.agent_key)

    # then
    (edge,) = data_of(result)["contacts"]["edges"]
    assert edge["node"]["notes"]["totalCount"] == 0
    assert result["extensions"]["cost"] == {"requestedNodes": 49900, "limit": LIMIT}


async def test_cost_goes_through_fragments_and_variables(client, workspaces):
    # given named and inline fragments, a variable, a variable's default and an argument's default
    ws = await workspaces.create()
    await workspaces.contact(ws, "Ana")
    query = """
      query Costed($page: Int!, $inner: Int = 7) {
        contacts(first: $page) { ...Page }
        tags(first: 3) { totalCount }
      }
      fragment Page on ContactConnection {
        edges { node { ...Connections ... on Contact { items(first: $inner) { totalCount } } } }
      }
      fragment Connections on Contact { notes { totalCount } h: history(first: 2) { pageInfo { hasNextPage } } }
    """

    # when
    result = await gql(client, query, {"page": 40}, key=ws.agent_key)

    # then contacts 40 x (notes' default 10 + history 2 + items 7), + 40 contacts, + 3 tags
    assert data_of(result)["contacts"]["edges"][0]["node"]["items"]["totalCount"] == 0
    assert result["extensions"]["cost"] == {"requestedNodes": 40 + 40 * (10 + 2 + 7) + 3, "limit": LIMIT}


async def test_aliased_fields_each_cost(client, workspaces):
    # given the same page asked for under three aliases, then too many times for the limit
    ws = await workspaces.create()
    page = "contacts(first: 100) { edges { node { notes(first: 100) { totalCount } } } }"

    # when
    cheap = await gql(client, "{ a: " + page + " b: " + page + " }", key=ws.agent_key)
    costly = await gql(client, "{ " + " ".join(f"a{i}: {page}" for i in range(5)) + " }", key=ws.agent_key)

    # then each alias costs 100 + 100 * 100
    assert cheap["extensions"]["cost"]["requestedNodes"] == 2 * 10_100
    assert not cheap.get("errors")
    assert (costly.get("data"), codes(costly)) == (None, ["QUERY_TOO_COSTLY"])
    assert costly["extensions"]["cost"]["requestedNodes"] == 5 * 10_100


async def test_cost_limit_is_configurable(limited_app, workspaces):
    # given
    ws = await workspaces.create()

    # when
    async with await limited_app(max_query_cost=99) as client:
        refused = await gql(client, "{ contacts(first: 100) { totalCount } }", key=ws.agent_key)
        accepted = await gql(client, "{ contacts(first: 99) { totalCount } }", key=ws.agent_key)

    # then
    assert (refused.get("data"), codes(refused)) == (None, ["QUERY_TOO_COSTLY"])
    assert refused["errors"][0]["message"].startswith("the query may return up to 100 nodes; the limit is 99.")
    assert accepted["extensions"]["cost"] == {"requestedNodes": 99, "limit": 99}
