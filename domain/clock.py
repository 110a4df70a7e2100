"""The injected clock: every derived fact that depends on "now" asks one of these."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True)
class FixedClock:
    """A clock pinned to one instant, for tests and reproducible demo data."""

    instant: datetime

    def now(self) -> datetime:
        return self.instant
