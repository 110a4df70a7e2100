"""The contacts module reads indexes, never the whole workspace: the plans of the statements it sends.

A ContactsPage request is sent through the API for every order (field and direction, first page and
the page after it); the statements the server ran are captured with their parameters and explained
by the database itself. PostgreSQL: no Sort node and no sequential scan of `contact` in the page's
plan, and the counts' plans touch `contact` only through an index (statuses within a tag: only the
boundary days' range of the not-discarded activity index, and the tag's memberships by their key).
SQLite: no temporary b-tree for ORDER BY and no full scan of `contact`. The workspace is big enough (and analysed) for a planner to
prefer a sort when the order does not match an index.
"""

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, text

from api.ids import to_global_id
from domain.db import session_factory
from domain.engagement import engagement_status
from domain.enums import ContactOrigin, DiscardReason
from domain.models import Contact, Tag
from domain.repositories.fast_insert import insert_many
from tests.conftest import NOW
from tests.contract.documents import document
from tests.graphql_client import data_of, gql

CONTACTS = 4_000
ORDERS = [(f, d) for f in ("CONTACT_SINCE", "NAME", "LAST_ACTIVITY_AT") for d in ("ASC", "DESC")]


@contextmanager
def captured(engine) -> Iterator[list[tuple[str, Any]]]:
    """(statement, parameters) of everything sent on `engine` inside the block."""
    sent: list[tuple[str, Any]] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        sent.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def _seed(engine, ws_id: int, n: int) -> None:
    rows = []
    for i in range(n):
        rows.append({
            "workspace_id": ws_id, "name": f"Person {i:05d}", "name_key": f"person {(i * 7919) % n:05d}",
            "search_text": f"person {i}", "origin": ContactOrigin.API,
            "contact_since": NOW - timedelta(hours=(i * 31) % 20_000), "created_at": NOW, "updated_at": NOW,
            "last_activity_at": None if i % 3 == 0 else NOW - timedelta(hours=(i * 17) % 5_000),
            "discard_reason": DiscardReason.SUSPENDED if i % 50 == 0 else None,
        })
    async with session_factory(engine)() as s, s.begin():
        await insert_many(s, Contact.__table__, rows)


@pytest.fixture
async def big(workspaces, engine):
    ws = await workspaces.create()
    other = await workspaces.create()
    await _seed(engine, ws.id, CONTACTS)
    await _seed(engine, other.id, CONTACTS // 4)
    async with engine.connect() as connection:
        await connection.execute(text("ANALYZE"))
        await connection.commit()
    return ws


async def _plan(engine, statement: str, parameters: Any) -> Any:
    async with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            result = await connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", tuple(parameters))
            raw = result.scalar_one()
            return (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
        result = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", tuple(parameters))
        return [row[-1] for row in result.all()]


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _contact_scans(plan: Any) -> list[str]:
    """How each plan node reads `contact` (PostgreSQL node types; SQLite plan lines)."""
    if isinstance(plan, list):
        return [line for line in plan if re.match(r"(SCAN|SEARCH) contact( |$)", line)]
    return [f"{n['Node Type']} {n.get('Index Name', '')}" for n in _nodes(plan) if n.get("Relation Name") == "contact"]


def _sorts(plan: Any) -> list[str]:
    if isinstance(plan, list):
        return [line for line in plan if "TEMP B-TREE" in line]
    return [n["Node Type"] for n in _nodes(plan) if "Sort" in n["Node Type"]]


def _uses_index_only(scans: list[str]) -> bool:
    return bool(scans) and all(("Index" in s and "ix_contact_ws_" in s) or "USING INDEX ix_contact_ws_" in s
                               or "USING COVERING INDEX ix_contact_ws_" in s for s in scans)


PAGE = document("contacts")


async def _page(client, ws, order: tuple[str, str], after: str | None = None) -> dict[str, Any]:
    variables = {"first": 25, "after": after, "orderBy": {"field": order[0], "direction": order[1]}}
    result = await gql(client, PAGE, variables, key=ws.agent_key, operation_name="ContactsPage")
    return data_of(result)


@pytest.mark.parametrize("order", ORDERS, ids=["-".join(o) for o in ORDERS])
async def test_every_order_reads_its_index_and_the_counts_scan_no_workspace(client, engine, big, order):
    await _page(client, big, order)  # warm-up: the key's one-off lookup

    for step in ("first page", "next page"):
        # when the contract's ContactsPage is asked for one page
        after = None if step == "first page" else cursor
        with captured(engine) as sent:
            data = await _page(client, big, order, after)
        cursor = data["contacts"]["pageInfo"]["endCursor"]
        assert len(data["contacts"]["edges"]) == 25 and data["contacts"]["totalCount"] == CONTACTS

        # then the page's statement reads the order's index in order: nothing sorts the workspace
        # (the read planner's statement for the nodes' tags and happiness reads by ids, not in order)
        pages = [(s, p) for s, p in sent
                 if "ORDER BY" in s and "FROM contact" in s and "LIMIT" in s and not s.startswith("SELECT c.id, ")]
        assert len(pages) == 1, [s for s, _ in sent]
        plan = await _plan(engine, *pages[0])
        assert _sorts(plan) == [], (step, plan)
        assert _uses_index_only(_contact_scans(plan)), (step, _contact_scans(plan))

        # and both counts (totalCount, the status buttons) come from one read of the maintained histogram
        # plus index ranges of the boundary days
        counts = [(s, p) for s, p in sent if "contact_activity_count" in s]
        assert len(counts) == 1, [s for s, _ in sent]
        for statement, parameters in counts:
            scans = _contact_scans(await _plan(engine, statement, parameters))
            assert _uses_index_only(scans), scans


async def test_a_contacts_page_request_runs_few_statements(client, engine, big):
    # when the contract's ContactsPage runs with its default order
    await _page(client, big, ("CONTACT_SINCE", "DESC"))
    with captured(engine) as sent:
        await _page(client, big, ("CONTACT_SINCE", "DESC"))

    # then: the page, one count statement for totalCount and the status counts, and one read-planner
    # statement for every node's tags and happiness
    assert len(sent) == 3, [s for s, _ in sent]


SEGMENT_SIZES = "{ segments(first: 10) { edges { node { name contactCount } } } }"


@pytest.fixture
async def tagged(workspaces, engine, big):
    """`big` with half of its contacts in one tag, and a segment of statuses within that tag."""
    tag = await workspaces.named(big, Tag, "vip")
    await workspaces.segment(big, "VIP activos", {"status": ["NEW", "FREQUENT"], "tagIds": [tag]})
    async with engine.begin() as connection:
        await connection.execute(text(
            "INSERT INTO contact_tag (contact_id, tag_id, workspace_id, created_at) "
            "SELECT id, :tag, workspace_id, created_at FROM contact WHERE workspace_id = :ws AND id % 2 = 0"),
            {"tag": tag, "ws": big.id})
    async with engine.connect() as connection:
        await connection.execute(text("ANALYZE"))
        await connection.commit()
    return big, tag


def _membership_scans(plan: Any) -> list[str]:
    """How each plan node reads a membership table (PostgreSQL node types; SQLite plan lines)."""
    if isinstance(plan, list):
        return [line for line in plan if re.match(r"(SCAN|SEARCH) contact_tag( |$)", line)]
    return [f"{n['Node Type']} {n.get('Index Name', '')}" for n in _nodes(plan) if n.get("Relation Name") == "contact_tag"]


async def test_statuses_within_a_tag_read_its_histogram_and_the_boundary_days_of_its_members(client, engine, tagged):
    ws, tag = tagged
    variables = {"first": 25, "filter": {"tagIds": [to_global_id("Tag", tag)], "status": ["NEW", "FREQUENT"]}}
    await gql(client, PAGE, variables, key=ws.agent_key, operation_name="ContactsPage")  # warm-up

    # when a ContactsPage filters on statuses within the tag, and FilterOptions sizes a segment of them
    with captured(engine) as sent:
        page = data_of(await gql(client, PAGE, variables, key=ws.agent_key, operation_name="ContactsPage"))
        sizes = data_of(await gql(client, SEGMENT_SIZES, key=ws.agent_key))
    assert page["contactStatusCounts"]["total"] > page["contacts"]["totalCount"] > 0
    assert sizes["segments"]["edges"][0]["node"]["contactCount"] == page["contacts"]["totalCount"]
    assert page["contacts"]["totalCount"] == page["contactStatusCounts"]["new"] + page["contactStatusCounts"]["frequent"]

    # then the status counts and totalCount are one statement, and it and the segment's size read the
    # tag's maintained histogram, contacts only through the not-discarded activity index (boundary days)
    # and the tag's memberships only by their key, never scanning either table
    counts = [(s, p) for s, p in sent if "membership_activity_count" in s]
    assert len(counts) == 2, [s for s, _ in sent]
    for statement, parameters in counts:
        plan = await _plan(engine, statement, parameters)
        contacts, memberships = _contact_scans(plan), _membership_scans(plan)
        assert contacts and all("ix_contact_ws_active_activity" in s for s in contacts), contacts
        assert memberships and all(("Index" in s and "Seq" not in s) or s.startswith("SEARCH") for s in memberships), \
            memberships


async def test_a_search_reads_its_matches_once_for_the_status_buttons_and_total_count(client, engine, big):
    # given a search with a status filter (every term matches somewhere: "person 12", "person 312", ...)
    variables = {"first": 25, "search": "person 12", "filter": {"status": ["NEW", "FREQUENT", "DORMANT", "EXPIRED"]}}
    await gql(client, PAGE, variables, key=big.agent_key, operation_name="ContactsPage")  # warm-up

    with captured(engine) as sent:
        data = data_of(await gql(client, PAGE, variables, key=big.agent_key, operation_name="ContactsPage"))

    # then the buttons and totalCount are exact (a recount of the matching rows, status by status)
    async with session_factory(engine)() as s:
        rows = (await s.execute(text(
            "SELECT last_activity_at, discard_reason FROM contact "
            "WHERE workspace_id = :w AND search_text LIKE '%person%' AND search_text LIKE '%12%'"
        ), {"w": big.id})).all()
    statuses = [engagement_status(last_activity_at=_aware(a), discard_reason=r, now=NOW).value.lower() for a, r in rows]
    buttons = data["contactStatusCounts"]
    assert buttons["total"] == len(rows) > 25
    for status in ("new", "frequent", "dormant", "expired", "inactive", "discarded"):
        assert buttons[status] == statuses.count(status), status
    assert data["contacts"]["totalCount"] == sum(buttons[s] for s in ("new", "frequent", "dormant", "expired"))

    # and the matches were counted in one statement for both: the page's rows, one count, the planner's parts
    searched = [s for s, _ in sent if "search_text" in s]
    assert len(searched) == 2, searched
    assert len(sent) == 3, [s for s, _ in sent]


def _aware(moment: Any) -> Any:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)
