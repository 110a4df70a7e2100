"""A clock tests move forward (FixedClock is frozen): expiry, caches and rate limits follow it."""

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass
class MovingClock:
    instant: datetime

    def now(self) -> datetime:
        return self.instant

    def advance(self, seconds: float) -> None:
        self.instant += timedelta(seconds=seconds)
