"""Message events of one contact, and the rollups derived from them.

Every message starts with SENT and then walks a per-channel funnel: it fails or bounces, or is
delivered and then maybe read, clicked and replied to. A message on a channel the contact has
unsubscribed from is never sent: it only leaves a BLOCKED_UNSUBSCRIBED event.

The funnel discards nobody (domain.ingest.discards): its bounces are SOFT and its failures OTHER.
A contact the demo discards by a message gets that message (`plan_discard`): a HARD bounce, a
COMPLAINED event or a FAILED event for an INVALID_ADDRESS, at its discarded_at. From the discard on
(also for a contact suspended by hand), a send is blocked as the ingest path blocks it
(domain.ingest.channels): BLOCKED_UNSUBSCRIBED on a channel left by then, else BLOCKED_DISCARDED;
campaigns keep sending after the discard, so a discarded contact has such blocked sends.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.demo.timeline import Timeline, moment
from domain.engagement import ACTIVITY_EVENT_TYPES
from domain.enums import BounceType, Channel, DiscardReason, FailureReason, MessageEventType
from domain.metrics import COUNTER_FOR_EVENT, COUNTERS

SENT = MessageEventType.SENT
DELIVERED = MessageEventType.DELIVERED
READ = MessageEventType.READ
CLICKED = MessageEventType.CLICKED
REPLIED = MessageEventType.REPLIED
BOUNCED = MessageEventType.BOUNCED
FAILED = MessageEventType.FAILED
COMPLAINED = MessageEventType.COMPLAINED
BLOCKED = MessageEventType.BLOCKED_UNSUBSCRIBED
BLOCKED_DISCARDED = MessageEventType.BLOCKED_DISCARDED
HARD = BounceType.HARD.value

# `message_event.detail` of the funnel's stages (as the ingest path stores it): a bounce or failure
# that does not discard. Every other stage has none.
FUNNEL_DETAIL: dict[MessageEventType, str] = {BOUNCED: BounceType.SOFT.value, FAILED: FailureReason.OTHER.value}


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


# The channels a discarding message of each reason goes out on, when the contact has one of them
# open (otherwise any open channel): bounces are an e-mail matter; numbers are invalid on any channel.
DISCARD_CHANNELS: dict[DiscardReason, tuple[Channel, ...]] = {
    DiscardReason.HARD_BOUNCE: (Channel.EMAIL,),
    DiscardReason.SPAM_COMPLAINT: (Channel.EMAIL, Channel.SMS, Channel.WHATSAPP),
    DiscardReason.INVALID_ADDRESS: (Channel.EMAIL, Channel.SMS, Channel.WHATSAPP, Channel.RCS),
}

Stage = tuple[MessageEventType, int, str | None]  # type, seconds after sending, detail


@dataclass(frozen=True)
class Discard:
    """Why and when a contact was discarded and, when a message discarded it, that message."""

    reason: DiscardReason
    at: datetime  # discarded_at: the moment of the discarding event, or of the suspension
    channel: Channel | None = None  # None: suspended by hand, no message
    sent_at: datetime | None = None
    stages: tuple[Stage, ...] = ()  # the last one discards


def _discarding_stages(rng, reason: DiscardReason) -> tuple[Stage, ...]:
    """The stages of a message that discards for `reason`. Each takes under an hour, the least time
    between a contact's last planned activity and now (domain.demo.timeline)."""
    if reason == DiscardReason.HARD_BOUNCE:
        return (SENT, 0, None), (BOUNCED, rng.randint(5, 900), HARD)
    if reason == DiscardReason.INVALID_ADDRESS:
        return (SENT, 0, None), (FAILED, rng.randint(5, 600), FailureReason.INVALID_ADDRESS.value)
    # A spam report: the message was delivered, and the person flagged it a while later.
    delivered = rng.randint(2, 90)
    return (SENT, 0, None), (DELIVERED, delivered, None), (COMPLAINED, delivered + rng.randint(60, 2700), None)


def plan_discard(
    rng, reason: DiscardReason | None, timeline: Timeline, channels: dict[Channel, datetime | None]
) -> Discard | None:
    """When a contact drawn as discarded was discarded, and by which message.

    The discard comes after the contact's last planned activity (or after joining), so every planned
    send went out before it. A discarding message goes out on a channel still open then, inside the
    event window, and its discarding event is the discard's moment; if no channel is open long
    enough (an only channel closed right away), the contact is suspended by hand instead.
    """
    if reason is None:
        return None
    since = timeline.horizon or timeline.contact_since
    if reason != DiscardReason.SUSPENDED:
        stages = _discarding_stages(rng, reason)
        delay = stages[-1][1]
        earliest = timeline.horizon or timeline.start
        latest = timeline.now - timedelta(seconds=delay)
        last_send: dict[Channel, datetime] = {}
        for channel, gone in channels.items():
            end = latest if gone is None else min(latest, gone - timedelta(seconds=1))
            if end >= earliest:
                last_send[channel] = end
        if last_send:
            candidates = [c for c in DISCARD_CHANNELS[reason] if c in last_send] or list(last_send)
            channel = candidates[0] if len(candidates) == 1 else rng.choice(candidates)
            sent_at = moment(rng, earliest, last_send[channel])
            return Discard(reason, sent_at + timedelta(seconds=delay), channel, sent_at, stages)
    return Discard(DiscardReason.SUSPENDED, moment(rng, since, timeline.now))


def blocked_kind(
    at: datetime, unsubscribed_at: datetime | None, discarded_at: datetime | None
) -> MessageEventType | None:
    """What a send at `at` is stored as when it is blocked (None: it goes out), as domain.ingest.channels
    decides: an unsubscription first, then a discard."""
    if unsubscribed_at is not None and at >= unsubscribed_at:
        return BLOCKED
    if discarded_at is not None and at >= discarded_at:
        return BLOCKED_DISCARDED
    return None


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
    discard: Discard | None = None,
) -> list[dict]:
    """All message events of one contact, oldest first.

    `channels` maps each subscribed channel to the moment it was unsubscribed (None if never).
    For an active contact the last planned message lands exactly on the timeline's horizon; a
    discarded contact's discarding message and blocked sends come after it.
    """
    rows: list[dict] = []

    def emit(channel: Channel, kind: MessageEventType, message_id: str, at: datetime, detail: str | None) -> None:
        recorded = min(at + timedelta(seconds=3), timeline.now)
        rows.append(
            {"workspace_id": workspace_id, "contact_id": contact_id, "channel": channel, "type": kind,
             "message_id": message_id, "occurred_at": at, "recorded_at": recorded, "detail": detail}
        )

    discarded_at = discard.at if discard is not None else None
    if timeline.active:
        horizon = timeline.horizon
        propensity = rng.uniform(0.4, 1.4)
        for send_at, channel in _planned_sends(rng, timeline, channels, showcase):
            message_id = ids.next(channel)
            blocked = blocked_kind(send_at, channels[channel], discarded_at)
            if blocked is not None:
                emit(channel, blocked, message_id, send_at, None)
                continue
            for kind, delay in funnel(rng, channel, propensity):
                at = send_at + timedelta(seconds=delay)
                if at > horizon:
                    break  # later stages would be activity after the planned last activity
                emit(channel, kind, message_id, at, FUNNEL_DETAIL.get(kind))
        _final_message(rng, ids, timeline, channels, propensity, showcase, emit)
    else:
        _blocked_only(rng, ids, timeline, channels, emit)
    if discard is not None:
        _after_discard(rng, ids, timeline, channels, discard, emit)
    rows.sort(key=lambda row: row["occurred_at"])
    return rows


Emit = Callable[[Channel, MessageEventType, str, datetime, str | None], None]


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
    showcase: bool, emit: Emit,
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
        emit(channel, kind, message_id, send_at + timedelta(seconds=delay), FUNNEL_DETAIL.get(kind))


def _blocked_only(
    rng, ids: MessageIds, timeline: Timeline, channels: dict[Channel, datetime | None], emit: Emit,
) -> None:
    """An inactive contact may still have campaign sends blocked by an unsubscription."""
    for channel, gone in channels.items():
        if gone is not None and rng.random() < 0.6:
            for _ in range(rng.randint(1, 3)):
                emit(channel, BLOCKED, ids.next(channel), moment(rng, gone, timeline.now), None)


def _after_discard(
    rng, ids: MessageIds, timeline: Timeline, channels: dict[Channel, datetime | None], discard: Discard, emit: Emit,
) -> None:
    """The message that discarded the contact (if one did), then the campaign sends that kept coming.

    Campaigns target the contact at a pace like its planned sends', over what is left of the event
    window after the discard; every such send is blocked.
    """
    if discard.channel is not None and discard.sent_at is not None:
        message_id = ids.next(discard.channel)
        for kind, delay, detail in discard.stages:
            emit(discard.channel, kind, message_id, discard.sent_at + timedelta(seconds=delay), detail)
    first = max(discard.at, timeline.start)
    days = (timeline.now - first).total_seconds() / 86400
    names = list(channels)
    count = round(days * rng.uniform(0.03, 0.17))
    for channel in rng.choices(names, weights=[CHANNEL_WEIGHTS[c] for c in names], k=count):
        at = moment(rng, first, timeline.now)
        emit(channel, blocked_kind(at, channels[channel], discard.at) or BLOCKED_DISCARDED, ids.next(channel), at, None)


@dataclass
class EventSummary:
    """What the write path would have rolled up from these events."""

    daily: dict[tuple[Channel, date], dict[str, int]]
    last_by_channel: dict[Channel, tuple[MessageEventType, datetime]]
    last_activity_at: datetime | None
    # Per channel: (hard bounces, soft bounces, latest bounce), as domain.rollups counts them.
    bounces: dict[Channel, tuple[int, int, datetime]]


def summarise(rows: list[dict]) -> EventSummary:
    """Daily counters, latest event per channel, bounces per channel and latest activity, in one pass.

    Blocked sends (either kind) count as "blocked", never as delivered, and are no activity.
    """
    daily: dict[tuple[Channel, date], dict[str, int]] = {}
    last_by_channel: dict[Channel, tuple[MessageEventType, datetime]] = {}
    bounces: dict[Channel, tuple[int, int, datetime]] = {}
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
        if kind == BOUNCED:
            hard, soft, latest = bounces.get(channel, (0, 0, at))
            is_hard = row["detail"] == HARD
            bounces[channel] = (hard + is_hard, soft + (not is_hard), max(latest, at))
    return EventSummary(daily, last_by_channel, last_activity, bounces)


def daily_rows(summary: EventSummary, *, workspace_id: int, contact_id: int) -> list[dict]:
    """`contact_channel_daily` rows of one contact."""
    return [
        {"contact_id": contact_id, "channel": channel, "day": day, "workspace_id": workspace_id, **counters}
        for (channel, day), counters in summary.daily.items()
    ]
