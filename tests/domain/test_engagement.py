"""Engagement status: the Python rule and the SQL predicate, at every boundary, agree.

Bands are whole days since the last activity: NEW 0-15, FREQUENT 16-45, DORMANT 46-120, EXPIRED
beyond. The same contact must show the same status in its `status` field, under
`contacts(filter: {status})` and in `contactStatusCounts`.
"""

from datetime import UTC, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select

from domain.db import session_factory
from domain.engagement import engagement_status, status_condition
from domain.enums import DiscardReason, EngagementStatus
from domain.models import Contact
from tests.conftest import NOW
from tests.graphql_client import data_of, gql

S = EngagementStatus
d = timedelta(days=1)

BOUNDARIES = [
    ("0 days", NOW, S.NEW),
    ("15 days", NOW - 15 * d, S.NEW),
    ("15d 23h59m", NOW - 15 * d - timedelta(hours=23, minutes=59), S.NEW),
    ("16 days minus 1 second", NOW - 16 * d + timedelta(seconds=1), S.NEW),
    ("16 days", NOW - 16 * d, S.FREQUENT),
    ("45 days", NOW - 45 * d, S.FREQUENT),
    ("46 days minus 5 seconds", NOW - 46 * d + timedelta(seconds=5), S.FREQUENT),
    ("46 days", NOW - 46 * d, S.DORMANT),
    ("120 days", NOW - 120 * d, S.DORMANT),
    ("121 days minus 1 microsecond", NOW - 121 * d + timedelta(microseconds=1), S.DORMANT),
    ("121 days", NOW - 121 * d, S.EXPIRED),
    ("3 years", NOW - 1100 * d, S.EXPIRED),
    ("1 second in the future", NOW + timedelta(seconds=1), S.NEW),
    ("2 days in the future", NOW + 2 * d, S.NEW),
]


@pytest.mark.parametrize(("label", "last_activity_at", "expected"), BOUNDARIES, ids=[b[0] for b in BOUNDARIES])
def test_status_at_band_boundaries(label, last_activity_at, expected):
    assert engagement_status(last_activity_at=last_activity_at, discard_reason=None, now=NOW) == expected


def test_no_activity_at_all_is_inactive():
    assert engagement_status(last_activity_at=None, discard_reason=None, now=NOW) == S.INACTIVE


@pytest.mark.parametrize("reason", list(DiscardReason))
@pytest.mark.parametrize("last_activity_at", [None, NOW, NOW - 30 * d, NOW - 500 * d, NOW + d])
def test_discarded_whatever_the_activity(reason, last_activity_at):
    assert engagement_status(last_activity_at=last_activity_at, discard_reason=reason, now=NOW) == S.DISCARDED


# -- through the API ------------------------------------------------------------------------------

STATUS_QUERY = """query($filter: ContactFilter) {
  contacts(first: 100, filter: $filter) { totalCount edges { node { name status } } }
  contactStatusCounts(filter: $filter) { total new frequent dormant expired inactive discarded suspended }
}"""

API_CONTACTS = {
    "15d": (NOW - 15 * d, S.NEW),
    "15d23h59m": (NOW - 15 * d - timedelta(hours=23, minutes=59), S.NEW),
    "16d": (NOW - 16 * d, S.FREQUENT),
    "45d": (NOW - 45 * d, S.FREQUENT),
    "46d": (NOW - 46 * d, S.DORMANT),
    "120d": (NOW - 120 * d, S.DORMANT),
    "121d": (NOW - 121 * d, S.EXPIRED),
    "future": (NOW + timedelta(hours=3), S.NEW),
    "never": (None, S.INACTIVE),
}


@pytest.fixture
async def boundary_workspace(workspaces):
    ws = await workspaces.create()
    for name, (last_activity_at, _) in API_CONTACTS.items():
        await workspaces.contact(ws, name, last_activity_at=last_activity_at)
    await workspaces.contact(ws, "discarded-recent", last_activity_at=NOW - d, discard_reason=DiscardReason.HARD_BOUNCE)
    await workspaces.contact(ws, "suspended-old", last_activity_at=NOW - 200 * d, discard_reason=DiscardReason.SUSPENDED)
    return ws


def _expected_names(status: EngagementStatus) -> set[str]:
    names = {n for n, (_, s) in API_CONTACTS.items() if s == status}
    if status == S.DISCARDED:
        names |= {"discarded-recent", "suspended-old"}
    return names


async def test_status_field_follows_the_boundaries(client, boundary_workspace):
    # when
    data = data_of(await gql(client, STATUS_QUERY, key=boundary_workspace.agent_key))

    # then
    shown = {e["node"]["name"]: e["node"]["status"] for e in data["contacts"]["edges"]}
    expected = {n: s.value for n, (_, s) in API_CONTACTS.items()}
    expected |= {"discarded-recent": "DISCARDED", "suspended-old": "DISCARDED"}
    assert shown == expected


@pytest.mark.parametrize("status", list(EngagementStatus))
async def test_status_filter_returns_exactly_the_contacts_in_that_band(client, boundary_workspace, status):
    # when
    result = await gql(client, STATUS_QUERY, {"filter": {"status": [status.value]}}, key=boundary_workspace.agent_key)

    # then the SQL filter selects the contacts the Python rule labels with that status
    page = data_of(result)["contacts"]
    names = {e["node"]["name"] for e in page["edges"]}
    assert names == _expected_names(status)
    assert page["totalCount"] == len(names)
    assert {e["node"]["status"] for e in page["edges"]} <= {status.value}


async def test_status_counts_agree_with_the_status_field(client, boundary_workspace):
    # when
    data = data_of(await gql(client, STATUS_QUERY, key=boundary_workspace.agent_key))

    # then
    counts = data["contactStatusCounts"]
    assert counts == {
        "total": 11, "new": 3, "frequent": 2, "dormant": 2, "expired": 1, "inactive": 1, "discarded": 2, "suspended": 1,
    }
    for status in EngagementStatus:
        shown = [e for e in data["contacts"]["edges"] if e["node"]["status"] == status.value]
        assert counts[status.value.lower()] == len(shown)


async def test_several_statuses_combine_with_or(client, boundary_workspace):
    # when
    result = await gql(client, STATUS_QUERY, {"filter": {"status": ["NEW", "EXPIRED"]}}, key=boundary_workspace.agent_key)

    # then
    names = {e["node"]["name"] for e in data_of(result)["contacts"]["edges"]}
    assert names == {"15d", "15d23h59m", "future", "121d"}


# -- property: the SQL predicate equals the Python rule -------------------------------------------

moments = st.datetimes(
    min_value=(NOW - 400 * d).replace(tzinfo=None), max_value=(NOW + 2 * d).replace(tzinfo=None), timezones=st.just(UTC)
)
facts = st.tuples(st.none() | moments, st.none() | st.sampled_from(DiscardReason))


@pytest.fixture
async def property_workspace(workspaces):
    return await workspaces.create()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(samples=st.lists(st.tuples(moments, st.none()), min_size=1, max_size=20) | st.lists(facts, min_size=1, max_size=20))
@example(samples=[(at, None) for _, at, _ in BOUNDARIES])
@example(samples=[(NOW - n * d + timedelta(microseconds=delta), None) for n in (16, 46, 121) for delta in (-1, 0, 1)])
async def test_sql_predicate_agrees_with_python_rule(engine, property_workspace, samples):
    # given the sampled contacts stored in a real database
    rows = [
        {
            "workspace_id": property_workspace.id, "name": "p", "name_key": "p", "search_text": "p", "origin": "API",
            "contact_since": NOW, "created_at": NOW, "updated_at": NOW,
            "last_activity_at": at, "discard_reason": reason,
        }
        for at, reason in samples
    ]
    async with session_factory(engine)() as session, session.begin():
        inserted = insert(Contact).returning(Contact.id, sort_by_parameter_order=True)
        ids = list((await session.scalars(inserted, rows)).all())

        # when every status predicate is evaluated by the database for each contact
        predicates = [
            status_condition(s, last_activity_at=Contact.last_activity_at, discard_reason=Contact.discard_reason, now=NOW)
            .label(s.value)
            for s in EngagementStatus
        ]
        stmt = select(Contact.id, Contact.last_activity_at, *predicates).where(Contact.id.in_(ids))
        result = (await session.execute(stmt)).all()

    # then exactly one predicate holds, and it is the status the Python rule gives
    by_id = dict(zip(ids, samples, strict=True))
    assert len(result) == len(samples)
    for row in result:
        at, reason = by_id[row.id]
        in_sql = [s for s in EngagementStatus if row._mapping[s.value]]
        assert in_sql == [engagement_status(last_activity_at=at, discard_reason=reason, now=NOW)], (at, reason)
        assert row.last_activity_at == at
