"""The contacts module: search, ordering, paging, filters and the status counts, as a client uses them."""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from api.ids import to_global_id
from domain import models
from domain.enums import DiscardReason
from domain.repositories.paging import encode_cursor
from tests.conftest import NOW
from tests.contract.showcase import at
from tests.factories import WorkspaceHandle
from tests.sql_counter import counted_statements
from tests.graphql_client import data_of, gql

DAY = timedelta(days=1)

PAGE = """query($first: Int, $after: String, $filter: ContactFilter, $search: String, $orderBy: ContactOrder) {
  contacts(first: $first, after: $after, filter: $filter, search: $search, orderBy: $orderBy) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { name } } } }"""
COUNTS = """query($filter: ContactFilter, $search: String) {
  contactStatusCounts(filter: $filter, search: $search) {
    total new frequent dormant expired inactive discarded suspended } }"""

# (name, e-mail, phone, contact since, days since last activity or None)
PEOPLE = [
    ("María José Pérez", "maria.perez@example.com", "+5491155550101", "2024-03-01", 1),
    ("Mario Gómez", "mario.gomez@example.com", "+5491155550202", "2025-01-01", 30),
    ("João Conceição", "joao@example.com", None, "2025-02-01", None),
    ("Álvaro Núñez", "Alvaro.Nunez@Example.com", None, "2025-03-01", 100),
    ("Zoe Adams", "zoe@example.com", None, "2023-06-01", None),
    ("Bruno Díaz", "bruno@sample.org", "+34600111222", "2025-04-01", 200),
    ("ana pérez", "ana@example.com", None, "2025-05-01", 10),
    ("Carla Ruiz", "carla@sample.org", None, "2025-01-01", 30),
]


@dataclass
class Module:
    ws: WorkspaceHandle
    contacts: dict[str, int] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)  # global ids of tags, groups, ...
    pks: dict[str, int] = field(default_factory=dict)


@pytest.fixture
async def module(workspaces):
    f = workspaces
    ws = await f.create()
    m = Module(ws=ws)
    for name, email, phone, since, days in PEOPLE:
        last = None if days is None else NOW - days * DAY
        m.contacts[name.split()[0]] = await f.contact(
            ws, name, email=email, phone=phone, contact_since=at(f"{since}T00:00:00"), last_activity_at=last
        )
    pks = m.pks
    for model, names in [
        (models.Tag, ["vip", "newsletter"]), (models.Group, ["Soporte", "Ventas"]),
        (models.ContactList, ["Clientes", "Prospectos"]), (models.Company, ["Acme", "Globex"]),
        (models.Department, ["Compras", "IT"]), (models.Flow, ["Bienvenida", "Reactivación"]),
    ]:
        for name in names:
            pks[name] = await f.named(ws, model, name)
            m.ids[name] = to_global_id(model.__name__, pks[name])
    memberships = {
        "María": ["vip", "newsletter", "Soporte", "Clientes", "Bienvenida"],
        "Mario": ["vip", "Ventas", "Clientes", "Reactivación"],
        "ana": ["newsletter", "Soporte", "Prospectos"],
        "Bruno": ["Soporte", "Bienvenida"],
    }
    links = {
        "vip": (models.ContactTag, "tag_id"), "newsletter": (models.ContactTag, "tag_id"),
        "Soporte": (models.GroupMember, "group_id"), "Ventas": (models.GroupMember, "group_id"),
        "Clientes": (models.ContactListMember, "list_id"), "Prospectos": (models.ContactListMember, "list_id"),
        "Bienvenida": (models.FlowEnrolment, "flow_id"), "Reactivación": (models.FlowEnrolment, "flow_id"),
    }
    for person, targets in memberships.items():
        for target in targets:
            model, column = links[target]
            await f.member(ws, model, m.contacts[person], **{column: pks[target]})
    for person, company, department in [("María", "Acme", "Compras"), ("Mario", "Globex", "IT"),
                                        ("ana", "Acme", "IT"), ("Bruno", "Globex", "Compras")]:
        await f.update_contact(m.contacts[person], company_id=pks[company], department_id=pks[department])
    segment = await f.segment(ws, "Newsletter at example.com", {"tagIds": [pks["newsletter"]]}, search="example")
    m.ids["segment"] = to_global_id("Segment", segment)
    return m


async def names(client, ws, **variables) -> list[str]:
    result = await gql(client, PAGE, {"first": 100, **variables}, key=ws.agent_key)
    page = data_of(result)["contacts"]
    assert page["totalCount"] == len(page["edges"])
    return [e["node"]["name"] for e in page["edges"]]


def error_code(result) -> str:
    assert not any((result.get("data") or {}).values()), result
    return result["errors"][0]["extensions"]["code"]


# -- search --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("search", "expected"), [
    ("maria", ["María José Pérez"]),
    ("PEREZ", ["María José Pérez", "ana pérez"]),
    ("joao", ["João Conceição"]),
    ("CONCEIÇÃO", ["João Conceição"]),
    ("alvaro", ["Álvaro Núñez"]),
    ("GOMEZ@EXA", ["Mario Gómez"]),
    ("sample.org", ["Bruno Díaz", "Carla Ruiz"]),
    ("+54 9 11 5555-0101", ["María José Pérez"]),
    ("1155550101", ["María José Pérez"]),
    ("(11) 5555-0202", ["Mario Gómez"]),
    ("5555", ["María José Pérez", "Mario Gómez"]),
    ("perez maria", ["María José Pérez"]),
    ("  ana   PÉREZ ", ["ana pérez"]),
    ("maria gomez", []),
    ("%", []),  # LIKE wildcards typed in the box are plain characters
    ("m_ria", []),
])
async def test_search_ignores_accents_case_and_phone_format(client, module, search, expected):
    # when
    found = await names(client, module.ws, search=search, orderBy={"field": "NAME", "direction": "DESC"})

    # then every word must match the name, e-mail or phone digits
    assert sorted(found) == sorted(expected)


# -- ordering and paging -------------------------------------------------------------------------

ORDERS = {
    ("NAME", "ASC"): ["Álvaro", "ana", "Bruno", "Carla", "João", "María", "Mario", "Zoe"],
    ("NAME", "DESC"): ["Zoe", "Mario", "María", "João", "Carla", "Bruno", "ana", "Álvaro"],
    ("CONTACT_SINCE", "ASC"): ["Zoe", "María", "Mario", "Carla", "João", "Álvaro", "Bruno", "ana"],
    ("CONTACT_SINCE", "DESC"): ["ana", "Bruno", "Álvaro", "João", "Carla", "Mario", "María", "Zoe"],
    # Contacts without activity come last in both directions; ties fall back to creation order.
    ("LAST_ACTIVITY_AT", "ASC"): ["Bruno", "Álvaro", "Mario", "Carla", "ana", "María", "João", "Zoe"],
    ("LAST_ACTIVITY_AT", "DESC"): ["María", "ana", "Carla", "Mario", "Álvaro", "Bruno", "Zoe", "João"],
}


@pytest.mark.parametrize(("order", "expected"), list(ORDERS.items()), ids=[f"{f}-{d}" for f, d in ORDERS])
async def test_paging_two_at_a_time_yields_everyone_once_in_order(client, module, order, expected):
    # given
    order_by = {"field": order[0], "direction": order[1]}
    variables = {"first": 2, "after": None, "orderBy": order_by}

    # when
    seen, totals = [], set()
    while True:
        page = data_of(await gql(client, PAGE, variables, key=module.ws.agent_key))["contacts"]
        seen += [e["node"]["name"].split()[0] for e in page["edges"]]
        totals.add(page["totalCount"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        variables["after"] = page["pageInfo"]["endCursor"]

    # then
    assert seen == expected
    assert totals == {len(PEOPLE)}
    assert [n.split()[0] for n in await names(client, module.ws, orderBy=order_by)] == expected


async def test_default_order_is_newest_contact_first(client, module):
    assert [n.split()[0] for n in await names(client, module.ws)] == ORDERS[("CONTACT_SINCE", "DESC")]


async def test_cursor_of_another_order_is_bad_user_input(client, module):
    # given a cursor issued for "by name"
    first = await gql(client, PAGE, {"first": 2, "orderBy": {"field": "NAME"}}, key=module.ws.agent_key)
    cursor = data_of(first)["contacts"]["pageInfo"]["endCursor"]

    # when it is used with another order
    for order in ({"field": "NAME", "direction": "DESC"}, {"field": "CONTACT_SINCE", "direction": "ASC"}):
        result = await gql(client, PAGE, {"first": 2, "after": cursor, "orderBy": order}, key=module.ws.agent_key)

        # then
        assert error_code(result) == "BAD_USER_INPUT"


@pytest.mark.parametrize("cursor", [
    "garbage!!", "", "bm90IGpzb24", encode_cursor({"o": 3}), "MQ",
    encode_cursor({"f": "CONTACT_SINCE", "d": "DESC", "v": "not a date", "i": 1}),
    encode_cursor({"f": "CONTACT_SINCE", "d": "DESC", "v": "2025-01-01T00:00:00", "i": 1}),
    encode_cursor({"f": "CONTACT_SINCE", "d": "DESC", "v": "2025-01-01T00:00:00+00:00", "i": "1"}),
])
async def test_garbage_cursor_is_bad_user_input(client, module, cursor):
    result = await gql(client, PAGE, {"first": 2, "after": cursor}, key=module.ws.agent_key)
    assert error_code(result) == "BAD_USER_INPUT"


@pytest.mark.parametrize("first", [0, -1, 101])
async def test_page_size_out_of_range_is_bad_user_input(client, module, first):
    assert error_code(await gql(client, PAGE, {"first": first}, key=module.ws.agent_key)) == "BAD_USER_INPUT"


async def test_malformed_or_mistyped_contact_id_is_bad_user_input(client, module):
    query = "query($id: ID!) { contact(id: $id) { name } }"
    for bad_id in ("###", "", module.ids["newsletter"]):
        assert error_code(await gql(client, query, {"id": bad_id}, key=module.ws.agent_key)) == "BAD_USER_INPUT"


async def test_mistyped_filter_id_is_bad_user_input(client, module):
    result = await gql(client, PAGE, {"filter": {"tagIds": [module.ids["Soporte"]]}}, key=module.ws.agent_key)
    assert error_code(result) == "BAD_USER_INPUT"


# -- filters -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("facets", "expected"), [
    ({"tagIds": ["vip"]}, {"María", "Mario"}),
    ({"tagIds": ["vip", "newsletter"]}, {"María", "Mario", "ana"}),
    ({"groupIds": ["Soporte"]}, {"María", "ana", "Bruno"}),
    ({"listIds": ["Clientes", "Prospectos"]}, {"María", "Mario", "ana"}),
    ({"companyIds": ["Acme"]}, {"María", "ana"}),
    ({"departmentIds": ["IT"]}, {"Mario", "ana"}),
    ({"flowIds": ["Bienvenida"]}, {"María", "Bruno"}),
    ({"flowIds": ["Reactivación"], "companyIds": ["Globex", "Acme"]}, {"Mario"}),
    ({"tagIds": ["vip", "newsletter"], "groupIds": ["Soporte"]}, {"María", "ana"}),
    ({"tagIds": ["vip", "newsletter"], "groupIds": ["Soporte"], "departmentIds": ["IT"]}, {"ana"}),
    ({"tagIds": ["vip"], "companyIds": ["Acme"], "listIds": ["Prospectos"]}, set()),
    ({"tagIds": [], "groupIds": []}, {p[0].split()[0] for p in PEOPLE}),
])
async def test_filters_match_any_within_a_facet_and_all_facets(client, module, facets, expected):
    # given
    filter_ = {facet: [module.ids[name] for name in names_] for facet, names_ in facets.items()}

    # when
    found = await names(client, module.ws, filter=filter_)

    # then each contact appears once
    assert len(found) == len(set(found))
    assert {n.split()[0] for n in found} == expected


async def test_segment_applies_its_saved_filter_and_search_live(client, module, workspaces):
    # given the segment "tag newsletter, search 'example'" and the catalogue showing its size
    segments = "{ segments(first: 10) { edges { node { name contactCount } } } }"
    segment = {"segmentId": module.ids["segment"]}
    assert set(await names(client, module.ws, filter=segment)) == {"María José Pérez", "ana pérez"}
    before = data_of(await gql(client, segments, key=module.ws.agent_key))["segments"]["edges"][0]["node"]
    assert before == {"name": "Newsletter at example.com", "contactCount": 2}

    # when Zoe (example.com) and Bruno (sample.org) are tagged later
    tag = module.pks["newsletter"]
    for person in ("Zoe", "Bruno"):
        await workspaces.member(module.ws, models.ContactTag, module.contacts[person], tag_id=tag)

    # then Zoe joins the segment, Bruno does not match its search
    after = data_of(await gql(client, segments, key=module.ws.agent_key))["segments"]["edges"][0]["node"]
    assert after["contactCount"] == 3
    assert {n.split()[0] for n in await names(client, module.ws, filter=segment)} == {"María", "ana", "Zoe"}
    # and it combines with the other facets and the search
    both = {**segment, "groupIds": [module.ids["Soporte"]]}
    assert await names(client, module.ws, filter=both, search="perez maria") == ["María José Pérez"]


async def test_status_counts_ignore_the_status_filter_but_apply_the_rest(client, module):
    # given NEW contacts among vip/newsletter: María (1 day), ana (10 days); Mario is FREQUENT
    filter_ = {"status": ["NEW"], "tagIds": [module.ids["vip"], module.ids["newsletter"]]}

    # when
    listed = await names(client, module.ws, filter=filter_)
    counts = data_of(await gql(client, COUNTS, {"filter": filter_}, key=module.ws.agent_key))["contactStatusCounts"]
    searched = data_of(await gql(client, COUNTS, {"filter": filter_, "search": "gomez"}, key=module.ws.agent_key))

    # then the page honours the status; the counts show every status of the same selection
    assert set(listed) == {"María José Pérez", "ana pérez"}
    zeros = dict.fromkeys(("dormant", "expired", "inactive", "discarded", "suspended"), 0)
    assert counts == {"total": 3, "new": 2, "frequent": 1, **zeros}
    assert searched["contactStatusCounts"] == {"total": 1, "new": 0, "frequent": 1, **zeros}


async def test_status_counts_of_the_whole_workspace(client, module):
    counts = data_of(await gql(client, COUNTS, key=module.ws.agent_key))["contactStatusCounts"]
    assert counts == {
        "total": 8, "new": 2, "frequent": 2, "dormant": 1, "expired": 1, "inactive": 2, "discarded": 0, "suspended": 0,
    }


async def test_suspended_are_counted_inside_discarded(client, workspaces):
    # given
    ws = await workspaces.create()
    await workspaces.contact(ws, "Sergio", last_activity_at=NOW - DAY, discard_reason=DiscardReason.SUSPENDED)
    await workspaces.contact(ws, "Bruna", discard_reason=DiscardReason.HARD_BOUNCE)
    await workspaces.contact(ws, "Nuevo", last_activity_at=NOW - DAY)

    # when
    counts = data_of(await gql(client, COUNTS, key=ws.agent_key))["contactStatusCounts"]
    discarded = await names(client, ws, filter={"status": ["DISCARDED"]})

    # then
    assert counts == {
        "total": 3, "new": 1, "frequent": 0, "dormant": 0, "expired": 0, "inactive": 0, "discarded": 2, "suspended": 1,
    }
    assert set(discarded) == {"Sergio", "Bruna"}


async def test_segments_searching_the_same_words_are_each_sized_exactly(client, module, workspaces, engine):
    # given segments that search the same words (in any order and case) under different filters, and
    # one searching other words: the catalogue reads each search's matches once for all of them
    ws, pks = module.ws, module.pks
    specs = [
        ("all example", {}, "example", 6),
        ("example in Soporte", {"groupIds": [pks["Soporte"]]}, "EXAMPLE", 2),  # María, ana
        ("NEW example", {"status": ["NEW"]}, "example", 2),  # María (1 day), ana (10 days)
        ("perez maria", {}, "perez maria", 1),
        ("maria perez at Acme", {"companyIds": [pks["Acme"]]}, "maria PEREZ", 1),
        ("sample", {"departmentIds": [pks["Compras"]]}, "sample.org", 1),  # Bruno
    ]
    for name, filter_, search, _ in specs:
        await workspaces.segment(ws, name, filter_, search=search)
    query = "{ segments(first: 20) { edges { node { name contactCount } } } }"

    # when the catalogue shows their sizes
    with counted_statements(engine) as statements:
        edges = data_of(await gql(client, query, key=ws.agent_key))["segments"]["edges"]

    # then each segment's size is its own, however many share a search
    sizes = {e["node"]["name"]: e["node"]["contactCount"] for e in edges}
    assert {name: sizes[name] for name, *_ in specs} == {name: n for name, _, _, n in specs}
    assert sizes["Newsletter at example.com"] == 2
    # and they are counted in one statement that reads each distinct search's matches once
    counts = [s for s in statements if "count(" in s.lower() and "FROM contact" in s]
    assert len(counts) == 1, counts
    assert counts[0].count("search_text LIKE") == 1 + 2 + 1, counts[0]  # "example", "perez maria", "sample.org"
