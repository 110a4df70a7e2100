"""Exact counts of the contacts module whose cost follows the matches, not the workspace.

Each count is planned from the shape of its ContactMatch (domain.reads.contact_match):

- status only (or nothing): the activity histogram, contacts per (UTC day of last activity, discard
  reason). A status band starts at `now - N days`, which falls inside one day bucket: for each of the
  (three) band boundaries the contacts of that day on the newer side are counted exactly through
  `ix_contact_ws_activity`. The other buckets lie wholly inside one band.
- tags, lists, groups, flows only: one tag/list/group is its maintained count; otherwise the
  membership indexes are intersected (contact_id of each facet), never touching the contact table.
- anything else (company, department, search, a status with a membership): the matching contact
  rows are counted, through whichever index the planner prefers (trigram GIN for a search on
  PostgreSQL, a membership index for a tag...).

Every batch of counts is one SQL statement (a UNION ALL of its parts), whatever it holds.
"""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Integer, String, case, cast, distinct, func, intersect, literal_column, null, select, union_all

from domain.db import RequestSession
from domain.engagement import BANDS
from domain.enums import DiscardReason, EngagementStatus
from domain.models import Contact, ContactListMember, ContactTag, FlowEnrolment, GroupMember
from domain.models.contact_counts import NO_ACTIVITY_DAY, NOT_DISCARDED
from domain.reads.contact_match import ContactMatch
from domain.repositories import contacts as contacts_repo
from domain.repositories.counters import MAINTAINED_KINDS, activity_histogram, member_totals

MEMBERSHIP_TABLES: dict[str, tuple[Any, str]] = {
    "tag": (ContactTag, "tag_id"),
    "list": (ContactListMember, "list_id"),
    "group": (GroupMember, "group_id"),
    "flow": (FlowEnrolment, "flow_id"),
}
STATUS_KEYS = ("total", *(s.value.lower() for s in EngagementStatus), "suspended")
DAY = timedelta(days=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Row keys of a batch below 0 are the histogram's: -1 its buckets, -2, -3, ... its boundary days.
_HISTOGRAM = -1


def _day(moment: datetime) -> int:
    return (moment - EPOCH) // DAY


@dataclass(frozen=True)
class _Boundary:
    """Where `newer` ends and `older` begins: contacts active after `at` are `newer` (or newer still)."""

    newer: EngagementStatus
    older: EngagementStatus
    at: datetime
    day: int


def _boundaries(now: datetime) -> list[_Boundary]:
    found = []
    for (status, last_day), (next_status, _) in zip(BANDS, BANDS[1:]):
        assert last_day is not None, "only the last band is open-ended"
        at = now - (last_day + 1) * DAY  # age <= last_day  <=>  last_activity_at > now - (last_day + 1) days
        found.append(_Boundary(newer=status, older=next_status, at=at, day=_day(at)))
    return found


def _key(value: int) -> Any:
    # Our own small integers, inlined (not bound) so that every part of the UNION ALL has typed columns.
    return literal_column(str(int(value)), Integer).label("k")


def _row(key: int, n: Any) -> Any:
    return select(_key(key), cast(null(), Integer).label("day"), cast(null(), String).label("reason"), n.label("n"))


class CountBatch:
    """Several counts of one workspace, run as one statement."""

    def __init__(self, workspace_id: int, now: datetime) -> None:
        self._ws = workspace_id
        self._now = now
        self._parts: list[Any] = []
        self._boundaries: list[_Boundary] | None = None

    def add_histogram(self) -> None:
        """Read the activity histogram (and the boundary days) in this batch."""
        if self._boundaries is not None:
            return
        self._boundaries = boundaries = _boundaries(self._now)

        def collapsed(day: Any) -> Any:
            # Days wholly inside one band become one representative day of it: a few rows leave the
            # database instead of one per day of history. Boundary days and "no activity" stay as they are.
            whens = [(day == NO_ACTIVITY_DAY, NO_ACTIVITY_DAY)]
            for b in boundaries:
                whens += [(day > b.day, b.day + 1), (day == b.day, b.day)]
            return case(*whens, else_=boundaries[-1].day - 1)

        buckets = activity_histogram(self._ws, collapsed).subquery()
        self._parts.append(
            select(_key(_HISTOGRAM), buckets.c.day, buckets.c.discard_reason.label("reason"), buckets.c.contacts)
        )
        for i, b in enumerate(self._boundaries):
            day_end = EPOCH + (b.day + 1) * DAY
            self._parts.append(
                _row(-2 - i, func.count()).select_from(Contact).where(
                    Contact.workspace_id == self._ws,
                    Contact.discard_reason.is_(None),
                    Contact.last_activity_at > b.at,
                    Contact.last_activity_at < day_end,
                )
            )

    def add(self, key: int, match: ContactMatch) -> None:
        """Count `match` under `key` (>= 0); a status-only match only marks the histogram as needed."""
        assert key >= 0 and match.workspace_id == self._ws
        if match.status_only:
            self.add_histogram()
        elif match.memberships_only:
            self._parts.append(self._membership_count(key, match))
        else:
            self._parts.append(
                _row(key, func.count()).select_from(Contact).where(Contact.workspace_id == self._ws, *match.conditions)
            )

    def _membership_count(self, key: int, match: ContactMatch) -> Any:
        if len(match.memberships) == 1:
            ((kind, ids),) = match.memberships
            if kind in MAINTAINED_KINDS and len(ids) == 1:
                totals = member_totals(self._ws, kind, ids).subquery()
                return _row(key, func.coalesce(func.sum(totals.c.contacts), 0)).select_from(totals)
            table, column = MEMBERSHIP_TABLES[kind]
            return _row(key, func.count(distinct(table.contact_id))).where(
                table.workspace_id == self._ws, getattr(table, column).in_(ids)
            )
        members = []
        for kind, ids in match.memberships:
            table, column = MEMBERSHIP_TABLES[kind]
            members.append(select(table.contact_id).where(table.workspace_id == self._ws, getattr(table, column).in_(ids)))
        return _row(key, func.count()).select_from(intersect(*members).subquery())

    async def run(self, session: RequestSession) -> "CountResult":
        if not self._parts:
            return CountResult({}, None)
        rows = await session.all(union_all(*self._parts) if len(self._parts) > 1 else self._parts[0])
        counts: dict[int, int] = {}
        buckets: list[tuple[int, str, int]] = []
        edges: dict[int, int] = {}
        for k, day, reason, n in rows:
            if k == _HISTOGRAM:
                buckets.append((int(day), reason, int(n or 0)))
            elif k < _HISTOGRAM:
                edges[-2 - k] = int(n or 0)
            else:
                counts[k] = int(n or 0)
        tally = _tally(buckets, edges, self._boundaries) if self._boundaries is not None else None
        return CountResult(counts, tally)


@dataclass(frozen=True)
class CountResult:
    counts: dict[int, int]
    # Contacts per status key (STATUS_KEYS) of the whole workspace, when the histogram was read.
    workspace_statuses: dict[str, int] | None

    def of(self, key: int, match: ContactMatch) -> int:
        if match.status_only:
            assert self.workspace_statuses is not None
            return restrict(self.workspace_statuses, match.statuses)["total"]
        return self.counts.get(key, 0)


def _tally(buckets: list[tuple[int, str, int]], edges: Mapping[int, int], boundaries: list[_Boundary]) -> dict[str, int]:
    """Contacts per status from the day buckets and the exact counts of the boundary days."""
    tally = dict.fromkeys(STATUS_KEYS, 0)

    def add(status: EngagementStatus, n: int) -> None:
        tally[status.value.lower()] += n

    for day, reason, n in buckets:
        tally["total"] += n
        if reason != NOT_DISCARDED:
            add(EngagementStatus.DISCARDED, n)
            if reason == DiscardReason.SUSPENDED.value:
                tally["suspended"] += n
            continue
        if day == NO_ACTIVITY_DAY:
            add(EngagementStatus.INACTIVE, n)
            continue
        for i, b in enumerate(boundaries):
            if day > b.day:
                add(b.newer, n)
                break
            if day == b.day:
                newer = edges.get(i, 0)
                add(b.newer, newer)
                add(b.older, n - newer)  # bands are 30+ days wide: the rest lies wholly in the next one
                break
        else:
            add(boundaries[-1].older, n)
    return tally


def restrict(counts: dict[str, int], statuses: frozenset[EngagementStatus] | None) -> dict[str, int]:
    """Per-status counts of the contacts whose status is one of `statuses` (None: any)."""
    if statuses is None:
        return dict(counts)
    kept = {key: (n if key in {s.value.lower() for s in statuses} else 0) for key, n in counts.items()}
    kept["suspended"] = counts["suspended"] if EngagementStatus.DISCARDED in statuses else 0
    kept["total"] = sum(kept[s.value.lower()] for s in EngagementStatus)
    return kept


async def workspace_statuses(session: RequestSession, workspace_id: int, *, now: datetime) -> dict[str, int]:
    """Contacts of the whole workspace per status key, read once per request.

    A ContactsPage asks for it twice (the status buttons, and totalCount of a status-only filter):
    the first caller runs the statement, the other awaits the same result.
    """
    key = ("workspace statuses", workspace_id, now)
    if key not in session.shared:

        async def read() -> dict[str, int]:
            batch = CountBatch(workspace_id, now)
            batch.add_histogram()
            result = await batch.run(session)
            assert result.workspace_statuses is not None
            return result.workspace_statuses

        session.shared[key] = asyncio.ensure_future(read())
    return await asyncio.shield(session.shared[key])


async def count(session: RequestSession, match: ContactMatch, *, now: datetime) -> int:
    """How many contacts `match` matches, exactly."""
    if match.status_only:
        return restrict(await workspace_statuses(session, match.workspace_id, now=now), match.statuses)["total"]
    return (await count_many(session, {0: match}, workspace_id=match.workspace_id, now=now))[0]


async def count_many(
    session: RequestSession, matches: Mapping[int, ContactMatch], *, workspace_id: int, now: datetime
) -> dict[int, int]:
    """How many contacts each match matches, in one statement."""
    batch = CountBatch(workspace_id, now)
    for key, match in matches.items():
        batch.add(key, match)
    result = await batch.run(session)
    return {key: result.of(key, match) for key, match in matches.items()}


async def status_counts(session: RequestSession, match: ContactMatch, *, now: datetime) -> dict[str, int]:
    """Contacts of `match` per engagement status (plus total and suspended), in one statement."""
    if not match.status_only:
        return await contacts_repo.status_counts(
            session, workspace_id=match.workspace_id, conditions=match.conditions, now=now
        )
    return restrict(await workspace_statuses(session, match.workspace_id, now=now), match.statuses)
