"""A page of one engagement status (or several) in contact_since order: exactly the contacts of those
statuses, in order, page after page; on PostgreSQL read from the activity weeks of the bands, so the
rows it reads do not grow with the workspace.

The workspace spreads last activities over two years and contact_since over three, with contacts on
the exact band boundaries (15/16, 45/46, 120/121 days), on the boundaries of UTC weeks, in the future,
without activity and discarded; a second workspace holds the same shapes and must never show.
"""

import json
import random
from datetime import timedelta
from typing import Any

import pytest

from domain.engagement import engagement_status
from domain.enums import ContactOrigin, DiscardReason
from domain.models import Contact
from domain.db import session_factory
from domain.repositories.fast_insert import insert_many
from tests.api.test_contacts_plans import _contact_scans, _nodes, captured
from tests.conftest import NOW
from tests.contract.documents import document
from tests.graphql_client import data_of, gql

PAGE = document("contacts")
CONTACTS = 1_200
STATUS_SETS = [["NEW"], ["FREQUENT"], ["DORMANT"], ["EXPIRED"], ["FREQUENT", "EXPIRED"], ["DORMANT", "EXPIRED"],
               ["NEW", "FREQUENT", "DORMANT", "EXPIRED"]]


def _activities(rng: random.Random) -> list[Any]:
    """Last activities: boundaries of every band and of UTC weeks, the future, none, and random ones."""
    exact = [NOW - timedelta(days=d) for d in (0, 15, 16, 45, 46, 120, 121, 400)]
    edges = [t + delta for t in exact for delta in (timedelta(microseconds=-1), timedelta(microseconds=1))]
    monday = (NOW - timedelta(days=NOW.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    weeks = [monday - timedelta(weeks=w) + delta for w in (0, 2, 6, 17, 18)
             for delta in (timedelta(0), timedelta(microseconds=-1))]
    future = [NOW + timedelta(hours=5), NOW + timedelta(days=3)]
    chosen: list[Any] = [*exact, *edges, *weeks, *future, None]
    chosen += [NOW - timedelta(seconds=rng.randrange(730 * 86_400)) for _ in range(CONTACTS - len(chosen))]
    return chosen


async def _seed(engine, ws_id: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for i, last_activity in enumerate(_activities(rng)):
        rows.append({
            "workspace_id": ws_id, "name": f"P{seed}-{i:05d}", "name_key": f"p{seed}-{i:05d}", "search_text": f"p {i}",
            "origin": ContactOrigin.API, "created_at": NOW, "updated_at": NOW,
            # ties on contact_since, so that the id breaks them
            "contact_since": NOW - timedelta(days=rng.randrange(3 * 365), hours=rng.choice((0, 0, 7))),
            "last_activity_at": None if i % 17 == 0 else last_activity,
            "discard_reason": DiscardReason.HARD_BOUNCE if i % 23 == 0 else None,
        })
    async with session_factory(engine)() as s, s.begin():
        await insert_many(s, Contact.__table__, rows)
    return rows


@pytest.fixture
async def spread(workspaces, engine):
    ws = await workspaces.create()
    other = await workspaces.create()
    rows = await _seed(engine, ws.id, 1)
    await _seed(engine, other.id, 2)
    if engine.dialect.name == "postgresql":
        async with engine.connect() as connection:
            await connection.exec_driver_sql("ANALYZE contact")
            await connection.commit()
    return ws, rows


def _expected(rows: list[dict[str, Any]], statuses: list[str], direction: str) -> list[str]:
    chosen = [r for r in rows if engagement_status(
        last_activity_at=r["last_activity_at"], discard_reason=r["discard_reason"], now=NOW).value in statuses]
    ordered = sorted(chosen, key=lambda r: (r["contact_since"], r["name"]), reverse=direction == "DESC")
    return [r["name"] for r in ordered]


async def _walk(client, ws, statuses: list[str], direction: str, first: int) -> list[str]:
    variables: dict[str, Any] = {"first": first, "filter": {"status": statuses},
                                 "orderBy": {"field": "CONTACT_SINCE", "direction": direction}}
    seen: list[str] = []
    while True:
        page = data_of(await gql(client, PAGE, variables, key=ws.agent_key, operation_name="ContactsPage"))["contacts"]
        seen += [e["node"]["name"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        variables["after"] = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize("statuses", STATUS_SETS, ids=["+".join(s) for s in STATUS_SETS])
@pytest.mark.parametrize("direction", ["DESC", "ASC"])
async def test_a_status_page_walks_exactly_its_contacts_in_order(client, spread, statuses, direction):
    ws, rows = spread
    # names sort like ids here (zero-padded, inserted in order), so the expected tie-break is the id's
    expected = _expected(rows, statuses, direction)
    assert expected, "the seed must give every status contacts"

    # when every page of the status is read, 40 at a time (the first page, and each after its cursor)
    seen = await _walk(client, ws, statuses, direction, first=40)

    # then every contact of the statuses comes once, in contact_since order, id breaking ties, and no other
    assert seen == expected


async def test_a_short_page_of_a_rare_status_ends_where_the_status_ends(client, spread):
    ws, rows = spread
    # when the one NEW contact with activity in the future and the rest of NEW are read 100 at a time
    seen = await _walk(client, ws, ["NEW"], "DESC", first=100)
    # then they are all there, and the last page says there is no next one (the walk ended)
    assert seen == _expected(rows, ["NEW"], "DESC")


async def test_on_postgresql_an_expired_page_reads_a_few_rows_per_activity_week(client, engine, spread):
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL case: SQLite reads ix_contact_ws_since (the activity-week index is PostgreSQL's)")
    ws, rows = spread
    variables = {"first": 25, "filter": {"status": ["EXPIRED"]}}
    await gql(client, PAGE, variables, key=ws.agent_key, operation_name="ContactsPage")  # warm-up

    with captured(engine) as sent:
        data_of(await gql(client, PAGE, variables, key=ws.agent_key, operation_name="ContactsPage"))
    pages = [(s, p) for s, p in sent if "generate_series" in s]
    assert len(pages) == 1, [s for s, _ in sent]
    statement, parameters = pages[0]
    async with engine.connect() as connection:
        result = await connection.exec_driver_sql(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", tuple(parameters))
        raw = result.scalar_one()
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]

    # then the page reads the week index, never the contact_since one, and at most 26 rows of each week
    scans = _contact_scans(plan)
    assert any("ix_contact_ws_activity_week_since" in s for s in scans), scans
    assert not any("ix_contact_ws_since" in s for s in scans), scans
    week_scans = [n for n in _nodes(plan) if n.get("Index Name") == "ix_contact_ws_activity_week_since"]
    weeks = max(n["Actual Loops"] for n in week_scans)
    read = sum(n["Actual Rows"] * n["Actual Loops"] for n in week_scans)
    # (the seed's activities span two years: about 105 weeks, whatever the number of contacts)
    assert weeks <= 110 and read <= weeks * 26, (read, weeks)
