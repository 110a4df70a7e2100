"""The injected clock: every derived fact that depends on "now" asks one of these."""

import time
from collections.abc import Callable
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


def elapsed_seconds(clock: Clock) -> Callable[[], float]:
    """Seconds for caches and rate limits: monotonic under the system clock, the injected clock's time in tests."""
    if isinstance(clock, SystemClock):
        return time.monotonic
    return lambda: clock.now().timestamp()
