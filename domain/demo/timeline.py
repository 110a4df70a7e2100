"""When things happen to one contact: since when it exists and when its last activity was.

The loader decides a contact's engagement first and derives times from it: the latest activity of
any kind (the "horizon") is placed inside the chosen band, and every activity-producing row (sends,
conversations, tickets, NPS answers) is kept at or before it, except the message that discards a
discarded contact, which comes after it (domain.demo.events). The rollup written to
`contact.last_activity_at` is still computed from the rows themselves, never from this plan.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.enums import EngagementStatus

HISTORY = timedelta(days=3 * 365)
EVENT_WINDOW = timedelta(days=180)

# Days since the last activity, per band (inclusive). EXPIRED stops short of the 180-day event
# window so that an expired contact still has a few weeks of history to show.
AGE_RANGES: dict[EngagementStatus, tuple[int, int]] = {
    EngagementStatus.NEW: (0, 15),
    EngagementStatus.FREQUENT: (16, 45),
    EngagementStatus.DORMANT: (46, 120),
    EngagementStatus.EXPIRED: (121, 172),
}


@dataclass(frozen=True)
class Timeline:
    now: datetime
    contact_since: datetime
    # Earliest moment activity may happen: the event window start, or just after joining.
    start: datetime
    # Latest activity of the contact; None for a contact that never did anything.
    horizon: datetime | None

    @property
    def active(self) -> bool:
        return self.horizon is not None


def moment(rng, earliest: datetime, latest: datetime) -> datetime:
    """A uniformly random whole-second instant in [earliest, latest]."""
    span = max(int((latest - earliest).total_seconds()), 0)
    # random() is several times cheaper than randint(), and this runs millions of times.
    return earliest + timedelta(seconds=int(rng.random() * (span + 1)))


def plan_timeline(rng, status: EngagementStatus, now: datetime, *, age_days: int | None = None) -> Timeline:
    """A timeline whose last activity falls in `status`'s band (or none for INACTIVE)."""
    if status == EngagementStatus.INACTIVE:
        since = moment(rng, now - HISTORY, now - timedelta(days=1))
        return Timeline(now, since, max(now - EVENT_WINDOW, since), None)
    low, high = AGE_RANGES[status]
    age = rng.randint(low, high) if age_days is None else age_days
    # Less than a day on top of whole days keeps the age (floor of days) exactly `age`.
    horizon = now - timedelta(days=age, seconds=rng.randint(3600, 72000))
    # Joining at least three days before the last activity leaves room for a short history.
    since = moment(rng, now - HISTORY, horizon - timedelta(days=3))
    start = max(now - EVENT_WINDOW, since + timedelta(hours=1))
    return Timeline(now, since, start, horizon)
