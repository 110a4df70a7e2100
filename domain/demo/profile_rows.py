"""A contact's channels, memberships, custom field values and catalogue items."""

from datetime import date, datetime, timedelta

from domain.consent import OPT_IN_CHANNELS
from domain.demo.catalog import Catalog, FieldRef, UserRef
from domain.demo.events import EventSummary
from domain.demo.people import Identity
from domain.demo.support_text import CONSENT_WORDING, UNSUBSCRIBE_REASONS
from domain.demo.timeline import Timeline, moment
from domain.demo.traits import Traits
from domain.enums import Channel, ConsentBasis, ConsentSource, CustomFieldType, FlowEnrolmentStatus, SubscriptionStatus

# Which channels people subscribe to first: nearly everyone has e-mail and WhatsApp.
CHANNEL_PREFERENCE = {Channel.EMAIL: 6, Channel.WHATSAPP: 5, Channel.SMS: 3, Channel.RCS: 1}


def choose_channels(rng, identity: Identity, count: int) -> list[Channel]:
    """Up to `count` reachable channels: e-mail needs an address, the others a phone."""
    reachable = [Channel.EMAIL] if identity.email else []
    if identity.phone:
        reachable += [Channel.WHATSAPP, Channel.SMS, Channel.RCS]
    chosen: list[Channel] = []
    while reachable and len(chosen) < count:
        pick = rng.choices(reachable, weights=[CHANNEL_PREFERENCE[c] for c in reachable])[0]
        reachable.remove(pick)
        chosen.append(pick)
    return chosen


def unsubscriptions(rng, channels: list[Channel], timeline: Timeline, wanted: bool) -> dict[Channel, datetime | None]:
    """When each channel was unsubscribed (None if it never was); at most one channel is."""
    plan: dict[Channel, datetime | None] = dict.fromkeys(channels)
    if not wanted:
        return plan
    channel = rng.choice(channels)
    if timeline.active and len(channels) == 1:
        # The last activity needs an open channel: the only one closes after it.
        plan[channel] = moment(rng, timeline.horizon, timeline.now)
    else:
        plan[channel] = moment(rng, max(timeline.start, timeline.contact_since + timedelta(days=1)), timeline.now)
    return plan


_SHOWN = {Channel.EMAIL: "e-mail", Channel.SMS: "SMS", Channel.WHATSAPP: "WhatsApp", Channel.RCS: "RCS"}


def consent_columns(rng, channel: Channel, identity: Identity, at: datetime, operator: UserRef) -> dict:
    """The consent a channel's row holds: WHATSAPP and RCS always have one (a form's checkbox or the
    person's own first message); most e-mail and SMS rows have one too, some rest on a contract or
    legitimate interest, a few have none on record."""
    draw = rng.random()
    if channel not in OPT_IN_CHANNELS and draw >= 0.85:
        return {"consent_basis": None, "consent_source": None, "consent_at": None, "consent_by_user_id": None,
                "consent_text": None}
    basis, source, by, text = ConsentBasis.CONSENT, ConsentSource.FORM, None, None
    if channel in OPT_IN_CHANNELS:
        if draw < 0.4:
            source = ConsentSource.INBOUND_MESSAGE
        elif draw < 0.5:
            source, by = ConsentSource.AGENT, operator.id
    elif draw < 0.6:
        pass
    elif draw < 0.75:
        basis, source = ConsentBasis.CONTRACT, ConsentSource.API
    else:
        basis, source = ConsentBasis.LEGITIMATE_INTEREST, ConsentSource.IMPORT
    if source in (ConsentSource.FORM, ConsentSource.AGENT):
        text = rng.choice(CONSENT_WORDING[identity.language]).format(channel=_SHOWN[channel])
    return {"consent_basis": basis, "consent_source": source, "consent_at": at, "consent_by_user_id": by,
            "consent_text": text}


def subscription_rows(
    rng, *, ws: dict, contact_id: int, identity: Identity, plan: dict[Channel, datetime | None],
    timeline: Timeline, summary: EventSummary, operator: UserRef,
) -> list[dict]:
    """One row per channel, with the rollups of the latest event and of the bounces on it."""
    rows = []
    for channel, gone in plan.items():
        last = summary.last_by_channel.get(channel)
        hard, soft, last_bounce = summary.bounces.get(channel, (0, 0, None))
        joined = timeline.contact_since + timedelta(minutes=rng.randint(0, 90))
        rows.append({
            **ws, "contact_id": contact_id, "channel": channel,
            "address": identity.email if channel == Channel.EMAIL else identity.phone,
            "status": SubscriptionStatus.SUBSCRIBED if gone is None else SubscriptionStatus.UNSUBSCRIBED,
            "changed_at": joined if gone is None else gone,
            "reason": None if gone is None else rng.choice(UNSUBSCRIBE_REASONS[identity.language]),
            # Most people unsubscribe themselves; sometimes an operator records a request.
            "changed_by_user_id": operator.id if gone is not None and rng.random() < 0.25 else None,
            "last_event_type": last[0] if last else None,
            "last_event_at": last[1] if last else None,
            "hard_bounces": hard, "soft_bounces": soft, "last_bounce_at": last_bounce,
            **consent_columns(rng, channel, identity, joined, operator),
        })
    # The channels an address opens by itself (domain.repositories.channel_addresses), never messaged.
    for channel, address in ((Channel.EMAIL, identity.email), (Channel.SMS, identity.phone)):
        if address and channel not in plan:
            rows.append({
                **ws, "contact_id": contact_id, "channel": channel, "address": address,
                "status": SubscriptionStatus.SUBSCRIBED, "changed_at": timeline.contact_since, "reason": None,
                "changed_by_user_id": None, "last_event_type": None, "last_event_at": None,
                "hard_bounces": 0, "soft_bounces": 0, "last_bounce_at": None,
                **consent_columns(rng, channel, identity, timeline.contact_since, operator),
            })
    return rows


def membership_rows(
    rng, *, ws: dict, contact_id: int, catalog: Catalog, timeline: Timeline, traits: Traits, group_id: int | None
) -> dict[str, list[dict]]:
    """Tags, lists, group and flow memberships, each joined some time after the contact."""
    def joined() -> datetime:
        return moment(rng, timeline.contact_since, timeline.now)

    base = {**ws, "contact_id": contact_id}
    rows: dict[str, list[dict]] = {
        "contact_tag": [{**base, "tag_id": t, "created_at": joined()} for t in rng.sample(catalog.tags, traits.tags)],
        "contact_list_member": [
            {**base, "list_id": i, "created_at": joined()} for i in rng.sample(catalog.lists, traits.lists)
        ],
        "contact_group_member": [{**base, "group_id": group_id, "created_at": joined()}] if group_id else [],
        "flow_enrolment": [
            {**base, "flow_id": f, "enrolled_at": joined(),
             "status": rng.choices(list(FlowEnrolmentStatus), weights=(0.4, 0.45, 0.15))[0]}
            for f in rng.sample(catalog.flows, traits.flows)
        ],
    }
    return rows


def field_value_rows(
    rng, *, ws: dict, contact_id: int, fields: list[FieldRef], share: float, identity: Identity, now: datetime
) -> list[dict]:
    """Typed values; exactly the column matching the field's type is set."""
    rows = []
    for spec in fields:
        if rng.random() >= share:
            continue
        row = {**ws, "contact_id": contact_id, "field_id": spec.id,
               "value_text": None, "value_number": None, "value_date": None, "value_bool": None}
        column, value = _field_value(rng, spec, identity, now)
        row[column] = value
        rows.append(row)
    return rows


def _field_value(rng, spec: FieldRef, identity: Identity, now: datetime) -> tuple[str, object]:
    """(column, value) for one field, realistic for the well-known keys."""
    if spec.type == CustomFieldType.TEXT:
        return "value_text", rng.choice(identity.country.cities)
    if spec.type == CustomFieldType.NUMBER:
        if spec.key == "monthly_spend":
            return "value_number", round(rng.uniform(9.99, 129.99), 2)
        return "value_number", round(rng.lognormvariate(5.5, 1.0), 2)
    if spec.type == CustomFieldType.DATE:
        if spec.key == "contract_end":
            return "value_date", now.date() + timedelta(days=rng.randint(-90, 720))
        return "value_date", date(rng.randint(1950, 2006), rng.randint(1, 12), rng.randint(1, 28))
    if spec.type == CustomFieldType.BOOLEAN:
        return "value_bool", rng.random() < 0.62
    # CHOICE: the entry tiers are the most common.
    choices = spec.choices or ()
    return "value_text", rng.choices(choices, weights=range(len(choices) + 1, 1, -1))[0]


def item_rows(
    rng, *, ws: dict, contact_id: int, catalog: Catalog, count: int, timeline: Timeline
) -> tuple[list[dict], list[dict]]:
    """(item_interaction rows, contact_item rollup rows) over the last year."""
    interactions, rollups = [], []
    earliest = max(timeline.contact_since, timeline.now - timedelta(days=365))
    for item_id in rng.sample(catalog.items, count):
        # A set of instants: the same contact, item and instant would be one interaction.
        moments = sorted({moment(rng, earliest, timeline.now) for _ in range(rng.randint(1, 4))})
        for at in moments:
            interactions.append({**ws, "contact_id": contact_id, "item_id": item_id, "occurred_at": at})
        rollups.append({**ws, "contact_id": contact_id, "item_id": item_id, "interactions": len(moments),
                        "last_interaction_at": moments[-1]})
    return interactions, rollups
