"""Exact counts of the contacts module whose cost follows the matches, not the workspace.

Each count is planned from the shape of its ContactMatch (domain.reads.contact_match):

- status only (or nothing): the activity histogram, contacts per (UTC day of last activity, discard
  reason). A status band starts at `now - N days`, which falls inside one day bucket: for each of the
  (three) band boundaries the contacts of that day on the newer side are counted exactly through
  `ix_contact_ws_active_activity`. The other buckets lie wholly inside one band.
- a status (or none, for contactStatusCounts) with exactly one tag, list or group: the same, from the
  histogram of that target's members (membership_activity_count); a boundary day's exact count is
  the contacts of that day (the same index range) joined to the membership's key, so the cost follows
  the boundary days, not the tag. A total only counts the boundaries between a status it wants and
  one it does not ("NEW or FREQUENT": only FREQUENT/DORMANT).
- tags, lists, groups, flows only: one tag/list/group is its maintained count; otherwise the
  membership indexes are intersected (contact_id of each facet), never touching the contact table.
- anything else (company, department, search, several membership facets with a status, a flow with
  a status): the matching contact rows are counted, through whichever index the planner prefers
  (trigram GIN for a search on PostgreSQL, a membership index for a tag...).

Every batch of counts is one SQL statement (a UNION ALL of its parts), whatever it holds. Its rows
are (source, part, day, reason, n): a count of its own (source = the caller's key >= 0, part 0), or a
histogram's bucket (part 1) or boundary day (part 2 + i), of the workspace (source -1) or of a
target (source -2, -3, ...).
"""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Integer, String, and_, case, cast, distinct, func, intersect, literal_column, null, select, true
from sqlalchemy import union_all

from domain.db import RequestSession
from domain.engagement import BANDS
from domain.enums import DiscardReason, EngagementStatus
from domain.models import Contact, ContactListMember, ContactTag, FlowEnrolment, GroupMember
from domain.models.contact_counts import NO_ACTIVITY_DAY, NOT_DISCARDED
from domain.reads.contact_match import ContactMatch
from domain.repositories import contacts as contacts_repo
from domain.repositories.counters import MAINTAINED_KINDS, activity_histogram, member_totals, membership_histogram

MEMBERSHIP_TABLES: dict[str, tuple[Any, str]] = {
    "tag": (ContactTag, "tag_id"),
    "list": (ContactListMember, "list_id"),
    "group": (GroupMember, "group_id"),
    "flow": (FlowEnrolment, "flow_id"),
}
STATUS_KEYS = ("total", *(s.value.lower() for s in EngagementStatus), "suspended")
DAY = timedelta(days=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Sources of a batch's rows below 0 are histograms: -1 the workspace's, -2 - slot a target's.
_WORKSPACE = -1
# Parts of a histogram's rows: its buckets, then its boundary days (2 + index of the boundary).
_COUNT, _BUCKETS, _FIRST_BOUNDARY = 0, 1, 2
ALL_BOUNDARIES = frozenset(range(len(BANDS) - 1))


def _day(moment: datetime) -> int:
    return (moment - EPOCH) // DAY


@dataclass(frozen=True)
class _Boundary:
    """Where `newer` ends and `older` begins: contacts active after `at` are `newer` (or newer still)."""

    newer: EngagementStatus
    older: EngagementStatus
    at: datetime
    day: int

    @property
    def start(self) -> datetime:
        """Midnight (UTC) starting the boundary day."""
        return EPOCH + self.day * DAY

    @property
    def older_side_smaller(self) -> bool:
        """Less of the day lies before `at` than after it."""
        return self.at - self.start < DAY / 2


def _boundaries(now: datetime) -> list[_Boundary]:
    found = []
    for (status, last_day), (next_status, _) in zip(BANDS, BANDS[1:]):
        assert last_day is not None, "only the last band is open-ended"
        at = now - (last_day + 1) * DAY  # age <= last_day  <=>  last_activity_at > now - (last_day + 1) days
        found.append(_Boundary(newer=status, older=next_status, at=at, day=_day(at)))
    return found


def _deciding(boundaries: list[_Boundary], statuses: frozenset[EngagementStatus]) -> frozenset[int]:
    """The boundaries a total of `statuses` needs counted: those with one side in and the other out."""
    return frozenset(i for i, b in enumerate(boundaries) if (b.newer in statuses) != (b.older in statuses))


def _int(value: int) -> Any:
    # Our own small integers, inlined (not bound) so that every part of the UNION ALL has typed columns.
    return literal_column(str(int(value)), Integer)


def _row(source: int, part: int, n: Any) -> Any:
    return select(_int(source).label("k"), _int(part).label("part"), cast(null(), Integer).label("day"),
                  cast(null(), String).label("reason"), n.label("n"))


@dataclass
class _Histogram:
    """One histogram a batch reads: the workspace's, or one target's (kind, id), and its boundary days."""

    source: int
    target: tuple[str, int] | None
    boundaries: set[int] = field(default_factory=set)


class CountBatch:
    """Several counts of one workspace, run as one statement."""

    def __init__(self, workspace_id: int, now: datetime) -> None:
        self._ws = workspace_id
        self._now = now
        self._parts: list[Any] = []
        self._bounds = _boundaries(now)
        self._histograms: dict[tuple[str, int] | None, _Histogram] = {}
        self._searches: dict[frozenset[str], list[tuple[int, ContactMatch]]] = {}

    def _histogram(self, target: tuple[str, int] | None, boundaries: frozenset[int]) -> None:
        found = self._histograms.get(target)
        if found is None:
            source = _WORKSPACE if target is None else -2 - sum(1 for t in self._histograms if t is not None)
            found = self._histograms[target] = _Histogram(source, target)
        found.boundaries |= boundaries

    def add_histogram(self) -> None:
        """Read the activity histogram of the workspace (and its boundary days) in this batch."""
        self._histogram(None, ALL_BOUNDARIES)

    def add_target_histogram(self, kind: str, target_id: int, boundaries: frozenset[int] = ALL_BOUNDARIES) -> None:
        """Read the activity histogram of one tag's, list's or group's members (and those boundary days)."""
        assert kind in MAINTAINED_KINDS
        self._histogram((kind, target_id), boundaries)

    def add(self, key: int, match: ContactMatch) -> None:
        """Count `match` under `key` (>= 0); a match a histogram answers only marks that histogram as needed."""
        assert key >= 0 and match.workspace_id == self._ws
        target = match.single_target
        if match.status_only:
            self.add_histogram()
        elif target is not None and match.statuses is not None:
            self.add_target_histogram(*target, _deciding(self._bounds, match.statuses))
        elif match.memberships_only:
            self._parts.append(self._membership_count(key, match))
        elif match.search_terms:
            self._searches.setdefault(match.search_terms, []).append((key, match))
        else:
            self._parts.append(
                _row(key, _COUNT, func.count()).select_from(Contact).where(
                    Contact.workspace_id == self._ws, *match.conditions
                )
            )

    def _search_parts(self) -> list[Any]:
        """Counts that need a search's matches: those with the same terms share one read of them.

        The matches of a search are the costly part (the trigram index, then every matching row's
        search text): counts of the same terms under different filters (two segments searching one
        name) read them once, in a CTE, and each count applies its own conditions to those rows."""
        parts: list[Any] = []
        for slot, (terms, counts) in enumerate(self._searches.items()):
            if len(counts) == 1:
                ((key, match),) = counts
                parts.append(_row(key, _COUNT, func.count()).select_from(Contact).where(
                    Contact.workspace_id == self._ws, *match.conditions
                ))
                continue
            shared = (
                select(*(func.count().filter(and_(true(), *match.conditions_besides_search(self._now))).label(f"n{i}")
                         for i, (_, match) in enumerate(counts)))
                .select_from(Contact)
                .where(Contact.workspace_id == self._ws, *contacts_repo.search_conditions(sorted(terms)))
                .cte(f"searched_{slot}")
                .prefix_with("MATERIALIZED")
            )
            parts += [_row(key, _COUNT, shared.c[f"n{i}"]).select_from(shared) for i, (key, _) in enumerate(counts)]
        return parts

    def _membership_count(self, key: int, match: ContactMatch) -> Any:
        if len(match.memberships) == 1:
            ((kind, ids),) = match.memberships
            if kind in MAINTAINED_KINDS and len(ids) == 1:
                totals = member_totals(self._ws, kind, ids).subquery()
                return _row(key, _COUNT, func.coalesce(func.sum(totals.c.contacts), 0)).select_from(totals)
            table, column = MEMBERSHIP_TABLES[kind]
            return _row(key, _COUNT, func.count(distinct(table.contact_id))).where(
                table.workspace_id == self._ws, getattr(table, column).in_(ids)
            )
        members = []
        for kind, ids in match.memberships:
            table, column = MEMBERSHIP_TABLES[kind]
            members.append(select(table.contact_id).where(table.workspace_id == self._ws, getattr(table, column).in_(ids)))
        return _row(key, _COUNT, func.count()).select_from(intersect(*members).subquery())

    def _histogram_parts(self, histogram: _Histogram) -> list[Any]:
        boundaries = self._bounds

        def collapsed(day: Any) -> Any:
            # Days wholly inside one band become one representative day of it: a few rows leave the
            # database instead of one per day of history. Boundary days and "no activity" stay as they are.
            whens = [(day == NO_ACTIVITY_DAY, NO_ACTIVITY_DAY)]
            for b in boundaries:
                whens += [(day > b.day, b.day + 1), (day == b.day, b.day)]
            return case(*whens, else_=boundaries[-1].day - 1)

        if histogram.target is None:
            buckets = activity_histogram(self._ws, collapsed).subquery()
        else:
            buckets = membership_histogram(self._ws, *histogram.target, collapsed).subquery()
        parts = [select(_int(histogram.source), _int(_BUCKETS), buckets.c.day, buckets.c.discard_reason,
                        buckets.c.contacts)]
        for i in sorted(histogram.boundaries):
            b = boundaries[i]
            range_ = (Contact.last_activity_at > b.at, Contact.last_activity_at < b.start + DAY)
            if histogram.target is not None and b.older_side_smaller:
                # A target's boundary day is counted on its smaller side (which is read contact by
                # contact); the newer side is then the day's not-discarded bucket minus the older one.
                range_ = (Contact.last_activity_at >= b.start, Contact.last_activity_at <= b.at)
            # The not-discarded contacts of that part of the day: a range of ix_contact_ws_active_activity.
            edge = _row(histogram.source, _FIRST_BOUNDARY + i, func.count()).select_from(Contact).where(
                Contact.workspace_id == self._ws, Contact.discard_reason.is_(None), *range_
            )
            if histogram.target is not None:
                # ... each looked up in the membership key (contact_id, target). A scalar subquery is
                # never turned into a join, so no plan reads the whole tag's index instead.
                table, column = MEMBERSHIP_TABLES[histogram.target[0]]
                member = select(literal_column("1")).where(
                    table.contact_id == Contact.id, getattr(table, column) == histogram.target[1]
                ).limit(1).scalar_subquery()
                edge = edge.where(member.is_not(None))
            parts.append(edge)
        return parts

    async def run(self, session: RequestSession) -> "CountResult":
        parts = [*self._parts, *self._search_parts()]
        for histogram in self._histograms.values():
            parts += self._histogram_parts(histogram)
        if not parts:
            return CountResult({}, {})
        rows = await session.all(union_all(*parts) if len(parts) > 1 else parts[0])
        counts: dict[int, int] = {}
        buckets: dict[int, list[tuple[int, str, int]]] = {h.source: [] for h in self._histograms.values()}
        edges: dict[int, dict[int, int]] = {h.source: {} for h in self._histograms.values()}
        for source, part, day, reason, n in rows:
            if source >= 0:
                counts[source] = int(n or 0)
            elif part == _BUCKETS:
                buckets[source].append((int(day), reason, int(n or 0)))
            else:
                edges[source][part - _FIRST_BOUNDARY] = int(n or 0)
        statuses = {}
        for target, h in self._histograms.items():
            found = edges[h.source]
            for i in found:
                b = self._bounds[i]
                if target is not None and b.older_side_smaller:  # the older side was counted
                    day_total = sum(n for day, reason, n in buckets[h.source] if day == b.day and reason == NOT_DISCARDED)
                    found[i] = day_total - found[i]
            statuses[target] = _tally(buckets[h.source], found, self._bounds)
        return CountResult(counts, statuses)


@dataclass(frozen=True)
class CountResult:
    counts: dict[int, int]
    # Contacts per status key (STATUS_KEYS) of each histogram read: None the workspace's, (kind, id) a
    # target's. A target's tally is exact for the boundaries it was read with (see _deciding).
    statuses: dict[tuple[str, int] | None, dict[str, int]]

    @property
    def workspace_statuses(self) -> dict[str, int] | None:
        return self.statuses.get(None)

    def of(self, key: int, match: ContactMatch) -> int:
        if match.status_only:
            return restrict(self.statuses[None], match.statuses)["total"]
        target = match.single_target
        if target is not None and match.statuses is not None:
            return restrict(self.statuses[target], match.statuses)["total"]
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
    return await _shared_statuses(session, workspace_id, None, now)


async def target_statuses(
    session: RequestSession, workspace_id: int, target: tuple[str, int], *, now: datetime
) -> dict[str, int]:
    """Members of one tag, list or group (kind, id) per status key, read once per request (as workspace_statuses)."""
    return await _shared_statuses(session, workspace_id, target, now)


async def _shared_statuses(
    session: RequestSession, workspace_id: int, target: tuple[str, int] | None, now: datetime
) -> dict[str, int]:
    key = ("statuses", workspace_id, target, now)
    if key not in session.shared:

        async def read() -> dict[str, int]:
            batch = CountBatch(workspace_id, now)
            if target is None:
                batch.add_histogram()
            else:
                batch.add_target_histogram(*target)
            return (await batch.run(session)).statuses[target]

        session.shared[key] = asyncio.ensure_future(read())
    return await asyncio.shield(session.shared[key])


async def count(session: RequestSession, match: ContactMatch, *, now: datetime) -> int:
    """How many contacts `match` matches, exactly.

    A status-only match, or one tag/list/group with or without statuses, reads the same histogram as
    the page's status counts (one statement for both).
    """
    if match.status_only:
        return restrict(await workspace_statuses(session, match.workspace_id, now=now), match.statuses)["total"]
    target = match.single_target
    if target is not None:
        return restrict(await target_statuses(session, match.workspace_id, target, now=now), match.statuses)["total"]
    counted = session.shared.get(_row_statuses_key(match, now))
    if counted is not None:
        # The request's status buttons count these rows per status already: the total is their sum
        # over the wanted statuses (each contact has one status), so the matches are read once.
        return restrict(await asyncio.shield(counted), match.statuses)["total"]
    return (await count_many(session, {0: match}, workspace_id=match.workspace_id, now=now))[0]


async def count_many(
    session: RequestSession, matches: Mapping[int, ContactMatch], *, workspace_id: int, now: datetime
) -> dict[int, int]:
    """How many contacts each match matches, in one statement (segment sizes: each one's deciding boundaries)."""
    batch = CountBatch(workspace_id, now)
    for key, match in matches.items():
        batch.add(key, match)
    result = await batch.run(session)
    return {key: result.of(key, match) for key, match in matches.items()}


async def status_counts(session: RequestSession, match: ContactMatch, *, now: datetime) -> dict[str, int]:
    """Contacts of `match` per engagement status (plus total and suspended), in one statement."""
    if match.status_only:
        return restrict(await workspace_statuses(session, match.workspace_id, now=now), match.statuses)
    target = match.single_target
    if target is not None:
        return restrict(await target_statuses(session, match.workspace_id, target, now=now), match.statuses)
    key = _row_statuses_key(match, now)
    if key not in session.shared:
        session.shared[key] = asyncio.ensure_future(contacts_repo.status_counts(
            session, workspace_id=match.workspace_id, conditions=match.conditions, now=now
        ))
    return dict(await asyncio.shield(session.shared[key]))


def _row_statuses_key(match: ContactMatch, now: datetime) -> tuple[Any, ...]:
    """Per-status counts of a row-facet match, shared within a request (see `count`)."""
    return ("row statuses", match.workspace_id, match.facets, now)
