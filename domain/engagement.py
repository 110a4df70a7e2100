"""Engagement status: the one definition, from the last recorded activity and the clock.

A contact's age is the number of whole days since its last activity. The bands are inclusive:
NEW up to 15 days, FREQUENT 16-45, DORMANT 46-120, EXPIRED beyond. A contact with no activity at
all is INACTIVE; a discarded contact (suspended, hard-bounced, complained, invalid) is DISCARDED
whatever its activity. Nobody sets a status by hand: it follows from these facts.
"""

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, false, or_

from domain.enums import DiscardReason, EngagementStatus, MessageEventType

# (status, last day of the band, inclusive); None means "and beyond".
BANDS: tuple[tuple[EngagementStatus, int | None], ...] = (
    (EngagementStatus.NEW, 15),
    (EngagementStatus.FREQUENT, 45),
    (EngagementStatus.DORMANT, 120),
    (EngagementStatus.EXPIRED, None),
)

# Message events that count as activity. FAILED and BLOCKED_UNSUBSCRIBED never reached anyone.
ACTIVITY_EVENT_TYPES = frozenset(
    {
        MessageEventType.SENT,
        MessageEventType.DELIVERED,
        MessageEventType.READ,
        MessageEventType.CLICKED,
        MessageEventType.REPLIED,
        MessageEventType.BOUNCED,
    }
)


def age_in_days(last_activity_at: datetime, now: datetime) -> int:
    return (now - last_activity_at) // timedelta(days=1)


def engagement_status(
    *, last_activity_at: datetime | None, discard_reason: DiscardReason | None, now: datetime
) -> EngagementStatus:
    if discard_reason is not None:
        return EngagementStatus.DISCARDED
    if last_activity_at is None:
        return EngagementStatus.INACTIVE
    age = age_in_days(last_activity_at, now)
    for status, last_day in BANDS:
        if last_day is None or age <= last_day:
            return status
    raise AssertionError("unreachable: the last band is open-ended")


def _band_bounds(status: EngagementStatus) -> tuple[int | None, int | None]:
    """(first day, last day) of a band, both inclusive; None where the band is open."""
    first_day: int | None = None
    for band_status, last_day in BANDS:
        if band_status == status:
            return first_day, last_day
        first_day = (last_day or 0) + 1
    raise ValueError(f"{status} is not an activity band")


def activity_span(
    statuses: frozenset[EngagementStatus], *, now: datetime
) -> tuple[datetime | None, datetime | None] | None:
    """(after, until): the last activities of contacts in any of `statuses`, all activity bands, lie in
    `after < last_activity_at <= until` (None: unbounded on that side); None when a status is not a band
    (INACTIVE, DISCARDED) or there is none. The range covers the bands' union, gaps included."""
    if not statuses or any(s in (EngagementStatus.INACTIVE, EngagementStatus.DISCARDED) for s in statuses):
        return None
    bounds = [_band_bounds(s) for s in statuses]
    firsts = [first for first, _ in bounds]
    lasts = [last for _, last in bounds]
    until = None if None in firsts else now - timedelta(days=min(f for f in firsts if f is not None))
    after = None if None in lasts else now - timedelta(days=max(x for x in lasts if x is not None) + 1)
    return after, until


def status_condition(
    status: EngagementStatus, *, last_activity_at: ColumnElement, discard_reason: ColumnElement, now: datetime
) -> ColumnElement[bool]:
    """The SQL predicate equal to `engagement_status(...) == status`, usable with an index."""
    if status == EngagementStatus.DISCARDED:
        return discard_reason.is_not(None)
    if status == EngagementStatus.INACTIVE:
        return and_(discard_reason.is_(None), last_activity_at.is_(None))
    first_day, last_day = _band_bounds(status)
    # age <= last_day  <=>  last_activity_at > now - (last_day + 1) days
    # age >= first_day <=>  last_activity_at <= now - first_day days
    parts = [discard_reason.is_(None), last_activity_at.is_not(None)]
    if last_day is not None:
        parts.append(last_activity_at > now - timedelta(days=last_day + 1))
    if first_day is not None:
        parts.append(last_activity_at <= now - timedelta(days=first_day))
    return and_(*parts)


def statuses_condition(
    statuses: list[EngagementStatus], *, last_activity_at: ColumnElement, discard_reason: ColumnElement, now: datetime
) -> ColumnElement[bool]:
    if not statuses:
        return false()
    return or_(
        *(
            status_condition(s, last_activity_at=last_activity_at, discard_reason=discard_reason, now=now)
            for s in statuses
        )
    )
