"""Message events of one contact, and the rollups derived from them.

Every message starts with SENT and then walks a per-channel funnel: it fails or bounces, or is
delivered and then maybe read, clicked and replied to. A message on a channel the contact has
unsubscribed from is never sent: it only leaves a BLOCKED_UNSUBSCRIBED event.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.demo.timeline import Timeline, moment
from domain.engagement import ACTIVITY_EVENT_TYPES
from domain.enums import Channel, MessageEventType
from domain.metrics import COUNTER_FOR_EVENT, COUNTERS

SENT = MessageEventType.SENT
DELIVERED = MessageEventType.DELIVERED
READ = MessageEventType.READ
CLICKED = MessageEventType.CLICKED
REPLIED = MessageEventType.REPLIED
BOUNCED = MessageEventType.BOUNCED
FAILED = MessageEventType.FAILED
BLOCKED = MessageEventType.BLOCKED_UNSUBSCRIBED


@dataclass(frozen=True)
class Funnel:
    failed: float
    bounced: float
    read: float
    click: float  # given read
    reply: float  # given delivered (SMS) or read (the others)


FUNNELS: dict[Channel, Funnel] = {
    Channel.EMAIL: Funnel(failed=0.01, bounced=0.035, read=0.38, click=0.22, reply=0.0),
    Channel.SMS: Funnel(failed=0.03, bounced=0.0, read=0.0, click=0.0, reply=0.08),
    Channel.WHATSAPP: Funnel(failed=0.02, bounced=0.0, read=0.78, click=0.12, reply=0.18),
    Channel.RCS: Funnel(failed=0.04, bounced=0.0, read=0.58, click=0.18, reply=0.0),
}
# Marketing leans on e-mail and WhatsApp; RCS is the newest and least used channel.
CHANNEL_WEIGHTS: dict[Channel, int] = {Channel.EMAIL: 4, Channel.WHATSAPP: 3, Channel.SMS: 2, Channel.RCS: 1}
CHANNEL_ID_PREFIX: dict[Channel, str] = {
    Channel.EMAIL: "em", Channel.SMS: "sms", Channel.WHATSAPP: "wa", Channel.RCS: "rcs",
}


class MessageIds:
    """Message ids unique within one workspace (ingestion is idempotent on them)."""

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix
        self._counter = 0

    def next(self, channel: Channel) -> str:
        self._counter += 1
        return f"{self._prefix}-{CHANNEL_ID_PREFIX[channel]}-{self._counter:09d}"


def funnel(rng, channel: Channel, propensity: float) -> list[tuple[MessageEventType, int]]:
    """The stages one message reaches, each with its delay in seconds after sending."""
    rates = FUNNELS[channel]
    stages = [(SENT, 0)]
    roll = rng.random()
    if roll < rates.failed:
        stages.append((FAILED, rng.randint(5, 600)))
        return stages
    if roll < rates.failed + rates.bounced:
        stages.append((BOUNCED, rng.randint(5, 900)))
        return stages
    at = rng.randint(2, 90)
    stages.append((DELIVERED, at))
    read = rng.random() < min(0.97, rates.read * propensity)
    if read:
        at += 30 + int(rng.expovariate(1 / 5400))
        stages.append((READ, at))
        if rng.random() < min(0.9, rates.click * propensity):
            stages.append((CLICKED, at + rng.randint(5, 1800)))
    can_reply = read or channel == Channel.SMS
    if can_reply and rates.reply and rng.random() < min(0.9, rates.reply * propensity):
        stages.append((REPLIED, at + rng.randint(60, 21600)))
    return stages


def contact_events(
    rng,
    ids: MessageIds,
    *,
    workspace_id: int,
    contact_id: int,
    timeline: Timeline,
    channels: dict[Channel, datetime | None],
    showcase: bool = False,
) -> list[dict]:
    """All message events of one contact, oldest first.

    `channels` maps each subscribed channel to the moment it was unsubscribed (None if never).
    For an active contact the last message lands exactly on the timeline's horizon.
    """
    rows: list[dict] = []

    def emit(channel: Channel, kind: MessageEventType, message_id: str, at: datetime) -> None:
        recorded = min(at + timedelta(seconds=3), timeline.now)
        rows.append(
            {"workspace_id": workspace_id, "contact_id": contact_id, "channel": channel, "type": kind,
             "message_id": message_id, "occurred_at": at, "recorded_at": recorded}
        )

    if not timeline.active:
        _blocked_only(rng, ids, timeline, channels, emit)
        return rows
    horizon = timeline.horizon
    propensity = rng.uniform(0.4, 1.4)
    for send_at, channel in _planned_sends(rng, timeline, channels, showcase):
        message_id = ids.next(channel)
        unsubscribed_at = channels[channel]
        if unsubscribed_at is not None and send_at >= unsubscribed_at:
            emit(channel, BLOCKED, message_id, send_at)
            continue
        for kind, delay in funnel(rng, channel, propensity):
            at = send_at + timedelta(seconds=delay)
            if at > horizon:
                break  # later stages would be activity after the planned last activity
            emit(channel, kind, message_id, at)
    _final_message(rng, ids, timeline, channels, propensity, showcase, emit)
    rows.sort(key=lambda row: row["occurred_at"])
    return rows


def _planned_sends(
    rng, timeline: Timeline, channels: dict[Channel, datetime | None], showcase: bool
) -> list[tuple[datetime, Channel]]:
    """Send times before the final message, spread over the contact's active period."""
    span_days = (timeline.horizon - timeline.start).total_seconds() / 86400
    count = max(1, round(span_days * rng.uniform(0.03, 0.17))) - 1
    if showcase:
        count = max(count, 23)
    names = list(channels)
    picks = rng.choices(names, weights=[CHANNEL_WEIGHTS[c] for c in names], k=count)
    sends = [(moment(rng, timeline.start, timeline.horizon), channel) for channel in picks]
    if showcase:
        # The profile page should show recent traffic on every channel of the showcase contact.
        for i, channel in enumerate(names[1:], start=1):
            at = timeline.horizon - timedelta(days=2 * i, seconds=rng.randint(0, 3600))
            sends.append((max(at, timeline.start), channel))
    return sends


def _final_message(
    rng, ids: MessageIds, timeline: Timeline, channels: dict[Channel, datetime | None], propensity: float,
    showcase: bool, emit: Callable[[Channel, MessageEventType, str, datetime], None],
) -> None:
    """The message whose last activity stage happens exactly at the horizon."""
    horizon = timeline.horizon
    open_channels = [c for c, gone in channels.items() if gone is None or gone > horizon]
    channel = open_channels[0] if showcase else rng.choice(open_channels)
    stages = funnel(rng, channel, propensity)
    last_active = max(delay for kind, delay in stages if kind in ACTIVITY_EVENT_TYPES)
    send_at = horizon - timedelta(seconds=last_active)
    message_id = ids.next(channel)
    for kind, delay in stages:
        emit(channel, kind, message_id, send_at + timedelta(seconds=delay))


def _blocked_only(
    rng, ids: MessageIds, timeline: Timeline, channels: dict[Channel, datetime | None],
    emit: Callable[[Channel, MessageEventType, str, datetime], None],
) -> None:
    """An inactive contact may still have campaign sends blocked by an unsubscription."""
    for channel, gone in channels.items():
        if gone is not None and rng.random() < 0.6:
            for _ in range(rng.randint(1, 3)):
                emit(channel, BLOCKED, ids.next(channel), moment(rng, gone, timeline.now))


@dataclass
class EventSummary:
    """What the write path would have rolled up from these events."""

    daily: dict[tuple[Channel, date], dict[str, int]]
    last_by_channel: dict[Channel, tuple[MessageEventType, datetime]]
    last_activity_at: datetime | None


def summarise(rows: list[dict]) -> EventSummary:
    """Daily counters, latest event per channel and latest activity, in one pass."""
    daily: dict[tuple[Channel, date], dict[str, int]] = {}
    last_by_channel: dict[Channel, tuple[MessageEventType, datetime]] = {}
    last_activity: datetime | None = None
    for row in rows:
        channel, kind, at = row["channel"], row["type"], row["occurred_at"]
        key = (channel, at.date())
        counters = daily.get(key)
        if counters is None:
            counters = daily[key] = dict.fromkeys(COUNTERS, 0)
        counters[COUNTER_FOR_EVENT[kind]] += 1
        previous = last_by_channel.get(channel)
        if previous is None or at >= previous[1]:
            last_by_channel[channel] = (kind, at)
        if kind in ACTIVITY_EVENT_TYPES and (last_activity is None or at > last_activity):
            last_activity = at
    return EventSummary(daily, last_by_channel, last_activity)


def daily_rows(summary: EventSummary, *, workspace_id: int, contact_id: int) -> list[dict]:
    """`contact_channel_daily` rows of one contact."""
    return [
        {"contact_id": contact_id, "channel": channel, "day": day, "workspace_id": workspace_id, **counters}
        for (channel, day), counters in summary.daily.items()
    ]
