"""Message metrics over a window: the one definition of each rate.

Every rate is numerator/denominator over the daily per-channel rollups of the window. A channel a
metric does not apply to is left out (SMS has no "open"); a channel with nothing to divide by has a
null value, never 0.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from domain.enums import Channel, MessageEventType

DEFAULT_WINDOW_DAYS = 90
MAX_WINDOW_DAYS = 365

# The rollup counter each event type increments.
COUNTER_FOR_EVENT: Mapping[MessageEventType, str] = {
    MessageEventType.SENT: "sent",
    MessageEventType.DELIVERED: "delivered",
    MessageEventType.READ: "read",
    MessageEventType.CLICKED: "clicked",
    MessageEventType.REPLIED: "replied",
    MessageEventType.BOUNCED: "bounced",
    MessageEventType.FAILED: "failed",
    MessageEventType.BLOCKED_UNSUBSCRIBED: "blocked",
    MessageEventType.BLOCKED_DISCARDED: "blocked",
    MessageEventType.COMPLAINED: "complained",
}
COUNTERS: tuple[str, ...] = tuple(dict.fromkeys(COUNTER_FOR_EVENT.values()))

ALL_CHANNELS = (Channel.SMS, Channel.EMAIL, Channel.WHATSAPP, Channel.RCS)


@dataclass(frozen=True)
class RateDefinition:
    name: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    channels: tuple[Channel, ...]


# A send blocked (the contact had unsubscribed from the channel, or was discarded) still counts as a
# send, never as a delivery.
DELIVERY_RATE = RateDefinition("deliveryRate", ("delivered",), ("sent", "blocked"), ALL_CHANNELS)
OPEN_RATE = RateDefinition("openRate", ("read",), ("delivered",), (Channel.EMAIL, Channel.WHATSAPP, Channel.RCS))
CLICK_RATE = RateDefinition("clickRate", ("clicked",), ("delivered",), (Channel.EMAIL, Channel.WHATSAPP, Channel.RCS))
RESPONSE_RATE = RateDefinition("responseRate", ("replied",), ("delivered",), (Channel.SMS, Channel.WHATSAPP))
# Of the messages that went out (a blocked send never did), how many bounced, hard or soft.
BOUNCE_RATE = RateDefinition("bounceRate", ("bounced",), ("sent",), ALL_CHANNELS)
RATES = (DELIVERY_RATE, OPEN_RATE, CLICK_RATE, RESPONSE_RATE, BOUNCE_RATE)


@dataclass
class Counters:
    sent: int = 0
    delivered: int = 0
    read: int = 0
    clicked: int = 0
    replied: int = 0
    bounced: int = 0
    failed: int = 0
    blocked: int = 0
    complained: int = 0

    def add(self, other: "Counters") -> None:
        for name in COUNTERS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def total(self, names: Iterable[str]) -> int:
        return sum(getattr(self, n) for n in names)


@dataclass(frozen=True)
class Ratio:
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        if self.denominator == 0:
            return None
        return self.numerator / self.denominator


@dataclass(frozen=True)
class ChannelRate:
    channel: Channel
    ratio: Ratio


@dataclass(frozen=True)
class Rate:
    ratio: Ratio
    by_channel: tuple[ChannelRate, ...]


@dataclass(frozen=True)
class MessageMetrics:
    window_days: int
    rates: dict[str, Rate] = field(default_factory=dict)


def window_start(now: datetime, days: int) -> date:
    """First UTC day inside a window of `days` days ending today (today included)."""
    return now.date() - timedelta(days=days - 1)


def validate_window(days: int) -> None:
    if not 1 <= days <= MAX_WINDOW_DAYS:
        raise ValueError(f"days must be between 1 and {MAX_WINDOW_DAYS}")


def compute_rate(definition: RateDefinition, counters: Mapping[Channel, Counters]) -> Rate:
    by_channel = []
    num = den = 0
    for channel in definition.channels:
        c = counters.get(channel, Counters())
        ratio = Ratio(c.total(definition.numerator), c.total(definition.denominator))
        num += ratio.numerator
        den += ratio.denominator
        by_channel.append(ChannelRate(channel, ratio))
    return Rate(Ratio(num, den), tuple(by_channel))


def compute_metrics(counters: Mapping[Channel, Counters], window_days: int) -> MessageMetrics:
    return MessageMetrics(window_days, {d.name: compute_rate(d, counters) for d in RATES})
