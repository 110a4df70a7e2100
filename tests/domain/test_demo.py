"""The demo loader: realistic, consistent with its own rollups, idempotent, and scoped to its workspaces.

Every check reads the loaded database with SQL, the way the API will. Each test runs on SQLite and,
when TEST_DATABASE_URL points at a PostgreSQL server, on a scratch database created there.
"""

import asyncio
import io
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from rich.console import Console
from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db import create_engine, session_factory
from domain.demo import DemoWorkspace, load_demo
from domain.demo import load as demo_load
from domain.demo.store import TABLES_IN_FK_ORDER
from domain.engagement import ACTIVITY_EVENT_TYPES, engagement_status
from domain.enums import (
    BounceType, Channel, ConsentBasis, ConsentSource, CustomFieldType, DiscardReason, EngagementStatus, FailureReason,
    MessageEventType, Role, TicketStatus, TurnRole,
)
from domain.ingest.discards import discard_reason_of
from domain.metrics import COUNTER_FOR_EVENT, COUNTERS
from domain.migrate import upgrade
from domain.rollups import NewMessageEvent
from domain.models import (
    ChannelSubscription,
    Contact,
    ContactChannelDaily,
    ContactItem,
    ContactList,
    ContactListMember,
    ContactTag,
    Conversation,
    ConversationTurn,
    CustomFieldDefinition,
    CustomFieldValue,
    Group,
    GroupMember,
    ItemInteraction,
    MessageEvent,
    Note,
    NpsResponse,
    Segment,
    Tag,
    Ticket,
    User,
    Workspace,
)
from domain.clock import SystemClock
from domain.services.auth import Authenticator
from domain.text import fold, normalize_email, normalize_phone, search_text
from tests.count_checks import counter_state, maintained, rebuilt_state, truth
from tests.scratch import scratch_database

NOW = datetime(2026, 11, 21, 12, 30, tzinfo=UTC)
SEED = 11
CONTACTS = 300
SECOND_CONTACTS = 50  # max(50, CONTACTS // 10)
# "postgresql-parallel": the same demo through the parallel loader (domain.demo.parallel), which
# `rapport demo` uses for large demos in a database of their own; every check below holds for both.
ENGINES = ["sqlite", "postgresql", "postgresql-parallel"]


def quiet_console() -> Console:
    return Console(file=io.StringIO(), width=120)


@dataclass
class LoadedDemo:
    url: str
    engine: AsyncEngine
    workspaces: list[DemoWorkspace]
    main_id: int
    second_id: int


@pytest.fixture(scope="module", params=ENGINES)
async def demo(request, tmp_path_factory, models) -> AsyncIterator[LoadedDemo]:
    """A small demo loaded once per engine, with the clock pinned, scored as `rapport demo` does."""
    shipped_models = models
    kind = request.param.removesuffix("-parallel")
    async with scratch_database(kind, tmp_path_factory.mktemp("demo")) as url:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(demo_load, "PARALLEL_FROM", 1 if request.param.endswith("-parallel") else 10**9)
            workspaces = await load_demo(
                database_url=url, contacts=CONTACTS, seed=SEED, console=quiet_console(), now=NOW, models=shipped_models
            )
        engine = create_engine(url)
        try:
            ids = dict(await rows(engine, select(Workspace.slug, Workspace.id)))
            yield LoadedDemo(url, engine, workspaces, ids["demo-main"], ids["demo-second"])
        finally:
            await engine.dispose()


async def rows(engine: AsyncEngine, statement) -> list:
    async with engine.connect() as connection:
        return list((await connection.execute(statement)).all())


async def scalar(engine: AsyncEngine, statement):
    async with engine.connect() as connection:
        return (await connection.execute(statement)).scalar_one()


# -- workspaces and keys ------------------------------------------------------------------------


async def test_loads_two_workspaces_with_a_key_for_each_role(demo: LoadedDemo):
    main, second = demo.workspaces
    assert (main.slug, main.name, second.slug) == ("demo-main", "Andes Retail", "demo-second")
    per_workspace = select(Contact.workspace_id, func.count()).group_by(Contact.workspace_id)
    assert dict(await rows(demo.engine, per_workspace)) == {demo.main_id: CONTACTS, demo.second_id: SECOND_CONTACTS}
    authenticator = Authenticator(session_factory(demo.engine), SystemClock(), cache_seconds=0)
    for workspace, workspace_id in ((main, demo.main_id), (second, demo.second_id)):
        assert list(workspace.keys) == [Role.ADMIN, Role.OPERATOR, Role.AGENT]
        for role, key in workspace.keys.items():
            principal = await authenticator.authenticate(key)
            assert (principal.workspace_id, principal.role) == (workspace_id, role)
    agents = select(func.count()).where(User.workspace_id == demo.main_id, User.role == Role.AGENT)
    assert await scalar(demo.engine, agents) > 1


async def test_every_engagement_status_occurs_in_the_main_workspace(demo: LoadedDemo):
    contacts = await rows(
        demo.engine,
        select(Contact.last_activity_at, Contact.discard_reason, Contact.discarded_at, Contact.contact_since)
        .where(Contact.workspace_id == demo.main_id),
    )
    statuses = Counter(
        engagement_status(last_activity_at=c.last_activity_at, discard_reason=c.discard_reason, now=NOW)
        for c in contacts
    )
    assert set(statuses) == set(EngagementStatus)
    for c in contacts:
        assert (c.discard_reason is None) == (c.discarded_at is None)
        if c.discarded_at:
            assert (c.last_activity_at or c.contact_since) <= c.discarded_at <= NOW


# -- rollups agree with the raw rows ------------------------------------------------------------


async def test_daily_counters_equal_raw_event_counts(demo: LoadedDemo):
    expected: dict[tuple, Counter] = defaultdict(Counter)
    events = select(MessageEvent.contact_id, MessageEvent.channel, MessageEvent.occurred_at, MessageEvent.type)
    for contact_id, channel, occurred_at, kind in await rows(demo.engine, events):
        expected[(contact_id, channel, occurred_at.astimezone(UTC).date())][COUNTER_FOR_EVENT[kind]] += 1
    actual = {
        (row.contact_id, row.channel, row.day): Counter({c: getattr(row, c) for c in COUNTERS if getattr(row, c)})
        for row in await rows(demo.engine, select(ContactChannelDaily))
    }
    assert actual == expected
    per_type = dict(await rows(demo.engine, select(MessageEvent.type, func.count()).group_by(MessageEvent.type)))
    for counter in set(COUNTER_FOR_EVENT.values()):  # both kinds of blocked send count as "blocked"
        total = await scalar(demo.engine, select(func.coalesce(func.sum(getattr(ContactChannelDaily, counter)), 0)))
        assert total == sum(per_type.get(kind, 0) for kind, c in COUNTER_FOR_EVENT.items() if c == counter)


async def test_last_activity_is_the_latest_activity_of_the_raw_rows(demo: LoadedDemo):
    activity_types = [t for t in MessageEventType if t in ACTIVITY_EVENT_TYPES]
    latest: dict[int, datetime] = {}
    for contact_id, at in [
        *await rows(demo.engine, select(MessageEvent.contact_id, MessageEvent.occurred_at)
                    .where(MessageEvent.type.in_(activity_types))),
        *await rows(demo.engine, select(Conversation.contact_id, Conversation.started_at)),
        *await rows(demo.engine, select(Conversation.contact_id, Conversation.last_turn_at)),
        *await rows(demo.engine, select(Ticket.contact_id, Ticket.opened_at)),
        *await rows(demo.engine, select(Ticket.contact_id, Ticket.resolved_at)),
        *await rows(demo.engine, select(NpsResponse.contact_id, NpsResponse.responded_at)),
    ]:
        if at is not None and (contact_id not in latest or at > latest[contact_id]):
            latest[contact_id] = at
    contacts = await rows(demo.engine, select(Contact.id, Contact.last_activity_at))
    assert dict(contacts) == {contact_id: latest.get(contact_id) for contact_id, _ in contacts}


async def test_subscription_last_event_is_the_latest_event_on_the_channel(demo: LoadedDemo):
    events: dict[tuple, list] = defaultdict(list)
    raw = select(MessageEvent.contact_id, MessageEvent.channel, MessageEvent.type, MessageEvent.occurred_at)
    for contact_id, channel, kind, at in await rows(demo.engine, raw):
        events[(contact_id, channel)].append((at, kind))
    subscriptions = await rows(demo.engine, select(ChannelSubscription))
    for sub in subscriptions:
        on_channel = events.get((sub.contact_id, sub.channel), [])
        if not on_channel:
            assert (sub.last_event_type, sub.last_event_at) == (None, None)
            continue
        last_at = max(at for at, _ in on_channel)
        assert sub.last_event_at == last_at
        assert sub.last_event_type in {kind for at, kind in on_channel if at == last_at}
    assert set(events) <= {(sub.contact_id, sub.channel) for sub in subscriptions}


async def test_subscription_bounces_count_the_raw_bounces_hard_and_soft(demo: LoadedDemo):
    expected: dict[tuple, tuple] = {}
    bounces = select(
        MessageEvent.contact_id, MessageEvent.channel, MessageEvent.detail, MessageEvent.occurred_at
    ).where(MessageEvent.type == MessageEventType.BOUNCED)
    for contact_id, channel, detail, at in await rows(demo.engine, bounces):
        hard, soft, latest = expected.get((contact_id, channel), (0, 0, at))
        is_hard = detail == BounceType.HARD.value
        expected[(contact_id, channel)] = (hard + is_hard, soft + (not is_hard), max(latest, at))
    subscriptions = await rows(demo.engine, select(ChannelSubscription))
    for sub in subscriptions:
        counted = expected.get((sub.contact_id, sub.channel), (0, 0, None))
        assert (sub.hard_bounces, sub.soft_bounces, sub.last_bounce_at) == counted
    assert set(expected) <= {(sub.contact_id, sub.channel) for sub in subscriptions}
    assert any(hard for hard, _, _ in expected.values()) and any(soft for _, soft, _ in expected.values())


async def test_whatsapp_and_rcs_rows_have_an_opt_in_and_consents_are_complete(demo: LoadedDemo):
    subscriptions = await rows(demo.engine, select(ChannelSubscription))
    by_basis: dict = defaultdict(int)
    for sub in subscriptions:
        by_basis[sub.consent_basis] += 1
        if sub.channel in (Channel.WHATSAPP, Channel.RCS):
            assert sub.consent_basis is not None, "WHATSAPP and RCS exist only with an opt-in"
        if sub.consent_basis is not None:
            assert sub.consent_source is not None and sub.consent_at is not None
            assert (sub.consent_text is not None) == (sub.consent_source in (ConsentSource.FORM, ConsentSource.AGENT))
    # every basis occurs, and some e-mail/SMS rows have no consent on record
    assert set(by_basis) == {*ConsentBasis, None}


async def test_contact_items_roll_up_item_interactions(demo: LoadedDemo):
    interaction = ItemInteraction
    raw = await rows(
        demo.engine,
        select(interaction.contact_id, interaction.item_id, func.count(), func.max(interaction.occurred_at))
        .group_by(interaction.contact_id, interaction.item_id),
    )
    rollup = await rows(
        demo.engine,
        select(ContactItem.contact_id, ContactItem.item_id, ContactItem.interactions, ContactItem.last_interaction_at),
    )
    assert sorted(rollup) == sorted(raw)
    with_items = {contact_id for contact_id, *_ in rollup}
    assert 0.35 < len(with_items) / (CONTACTS + SECOND_CONTACTS) < 0.65


# -- realistic, well-formed data ----------------------------------------------------------------


async def test_emails_and_phones_are_unique_normalised_and_derived_from_names(demo: LoadedDemo):
    for workspace_id in (demo.main_id, demo.second_id):
        contacts = await rows(
            demo.engine,
            select(Contact.name, Contact.name_key, Contact.search_text, Contact.email, Contact.phone, Contact.language)
            .where(Contact.workspace_id == workspace_id),
        )
        emails = [c.email for c in contacts if c.email]
        phones = [c.phone for c in contacts if c.phone]
        assert len(set(emails)) == len(emails) and len(set(phones)) == len(phones)
        assert all(e == normalize_email(e) and e.isascii() for e in emails)
        assert all(normalize_phone(p) == p for p in phones)
        assert {c.language for c in contacts} == {"es", "pt", "en"}
        for c in contacts:
            assert c.name_key == fold(c.name)
            assert c.search_text == search_text(c.name, c.email, c.phone)
            if c.email:
                # The local part is built from the name the person goes by: its last surname.
                assert fold(c.name).split()[-1].replace("'", "")[:3] in c.email
    everyone = await rows(demo.engine, select(Contact.name, Contact.email, Contact.phone))
    assert any(not name.isascii() for name, _, _ in everyone)
    # About 5% have no e-mail and 5% no phone; nobody lacks both.
    assert 0 < sum(email is None for _, email, _ in everyone) < 0.1 * len(everyone)
    assert 0 < sum(phone is None for _, _, phone in everyone) < 0.1 * len(everyone)
    assert all(email or phone for _, email, phone in everyone)
    phones = [phone for (phone,) in await rows(demo.engine, select(Contact.phone).where(Contact.phone.is_not(None)))]
    for country_code in ("+54", "+55", "+34", "+52", "+1", "+44", "+351"):
        assert any(phone.startswith(country_code) for phone in phones), country_code


async def test_custom_values_set_exactly_the_column_of_their_type(demo: LoadedDemo):
    definitions = {d.id: d for d in await rows(demo.engine, select(CustomFieldDefinition))}
    for workspace_id in (demo.main_id, demo.second_id):
        assert {d.type for d in definitions.values() if d.workspace_id == workspace_id} == set(CustomFieldType)
    column_for = {
        CustomFieldType.TEXT: "value_text",
        CustomFieldType.CHOICE: "value_text",
        CustomFieldType.NUMBER: "value_number",
        CustomFieldType.DATE: "value_date",
        CustomFieldType.BOOLEAN: "value_bool",
    }
    values = await rows(demo.engine, select(CustomFieldValue))
    assert len({v.contact_id for v in values}) > 0.7 * (CONTACTS + SECOND_CONTACTS)
    for value in values:
        definition = definitions[value.field_id]
        assert definition.workspace_id == value.workspace_id
        filled = {column for column in set(column_for.values()) if getattr(value, column) is not None}
        assert filled == {column_for[definition.type]}
        if definition.type == CustomFieldType.CHOICE:
            assert value.value_text in definition.choices


async def test_segments_store_a_contact_filter_with_ids_of_their_own_workspace(demo: LoadedDemo):
    table_of = {
        "tagIds": "tag", "groupIds": "contact_group", "listIds": "contact_list", "companyIds": "company",
        "departmentIds": "department",
    }
    owner = {
        key: dict(await rows(demo.engine, text(f"SELECT id, workspace_id FROM {table}")))
        for key, table in table_of.items()
    }
    segments = await rows(demo.engine, select(Segment))
    assert len([s for s in segments if s.workspace_id == demo.main_id]) >= 4
    for segment in segments:
        assert segment.filter and set(segment.filter) <= {"status", *table_of}
        assert all(EngagementStatus(s) for s in segment.filter.get("status", []))
        for key, ids in segment.filter.items():
            if key != "status":
                assert ids and all(isinstance(i, int) and owner[key][i] == segment.workspace_id for i in ids)


async def test_message_events_follow_realistic_funnels_within_180_days(demo: LoadedDemo):
    events = await rows(
        demo.engine,
        select(MessageEvent.workspace_id, MessageEvent.message_id, MessageEvent.channel, MessageEvent.type,
               MessageEvent.occurred_at),
    )
    assert all(NOW - timedelta(days=180) <= at <= NOW for *_, at in events)
    stages_of: dict[tuple, dict] = defaultdict(dict)
    channels_of: dict[tuple, set] = defaultdict(set)
    for workspace_id, message_id, channel, kind, at in events:
        stages_of[(workspace_id, message_id)][kind] = at
        channels_of[(workspace_id, message_id)].add(channel)
    T = MessageEventType
    for message, stages in stages_of.items():
        (channel,) = channels_of[message]
        blocked = set(stages) & {T.BLOCKED_UNSUBSCRIBED, T.BLOCKED_DISCARDED}
        if blocked:  # a blocked send never went out: nothing else happened to it
            assert set(stages) == blocked and len(blocked) == 1
            continue
        assert T.SENT in stages and all(at >= stages[T.SENT] for at in stages.values())
        assert len(set(stages) & {T.DELIVERED, T.FAILED, T.BOUNCED}) <= 1
        assert T.DELIVERED in stages or not set(stages) & {T.READ, T.CLICKED, T.REPLIED, T.COMPLAINED}
        assert T.READ in stages or T.CLICKED not in stages
        assert channel != Channel.SMS or T.READ not in stages
        assert channel in (Channel.SMS, Channel.WHATSAPP) or T.REPLIED not in stages
    # Every kind of event occurs.
    assert {kind for *_, kind, _ in events} == set(MessageEventType)
    # A bounce says HARD or SOFT and a failure its reason, as ingestion stores them; no other event has a detail.
    details = set(await rows(demo.engine, select(MessageEvent.type, MessageEvent.detail).distinct()))
    assert details == {
        *((kind, None) for kind in MessageEventType if kind not in (T.BOUNCED, T.FAILED)),
        *((T.BOUNCED, b.value) for b in BounceType), *((T.FAILED, f.value) for f in FailureReason),
    }
    active = await scalar(demo.engine, select(func.count()).where(Contact.last_activity_at.is_not(None)))
    assert 15 <= len(events) / active <= 40


async def test_a_discarded_contact_has_the_event_that_discarded_it_and_only_blocked_sends_after(demo: LoadedDemo):
    # given the demo's contacts and every message event, per contact
    contacts = await rows(demo.engine, select(
        Contact.id, Contact.email, Contact.phone, Contact.discard_reason, Contact.discarded_at, Contact.discard_channel,
        Contact.discard_address,
    ))
    events_of: dict[int, list] = defaultdict(list)
    for e in await rows(demo.engine, select(MessageEvent)):
        events_of[e.contact_id].append(e)

    def reason_of(e) -> DiscardReason | None:  # the product's own rule (domain.ingest.discards)
        as_ingested = NewMessageEvent(e.contact_id, e.channel, e.type, e.message_id, e.occurred_at, e.detail)
        return discard_reason_of(as_ingested)

    T = MessageEventType
    reasons: Counter = Counter()
    soft_bounces_of_kept_contacts = 0
    for contact in contacts:
        events = events_of[contact.id]
        discarding = sorted((e for e in events if reason_of(e) is not None), key=lambda e: e.occurred_at)
        if contact.discard_reason is None:
            # then a contact that stays has no event that would have discarded it, and no send blocked by a discard
            assert discarding == [] and all(e.type != T.BLOCKED_DISCARDED for e in events)
            assert (contact.discard_channel, contact.discard_address) == (None, None)
            soft_bounces_of_kept_contacts += sum(e.type == T.BOUNCED and e.detail == BounceType.SOFT.value
                                                 for e in events)
            continue
        reasons[contact.discard_reason] += 1
        if contact.discard_reason == DiscardReason.SUSPENDED:
            # then a contact suspended by hand needs no event, and none discarded it
            assert discarding == [] and (contact.discard_channel, contact.discard_address) == (None, None)
        else:
            # then a hard bounce, a complaint or an invalid address discarded it, on its own address, when it happened
            assert discarding, f"contact {contact.id} is {contact.discard_reason.value} but no event discarded it"
            first = discarding[0]
            assert reason_of(first) == contact.discard_reason
            assert first.occurred_at <= contact.discarded_at
            assert contact.discard_channel == first.channel.value
            assert contact.discard_address == (contact.email if first.channel == Channel.EMAIL else contact.phone)
        # and nothing was sent from its discard on: those sends were blocked, and only those
        assert all(e.occurred_at < contact.discarded_at for e in events if e.type == T.SENT)
        assert all(e.occurred_at >= contact.discarded_at for e in events if e.type == T.BLOCKED_DISCARDED)
    assert set(reasons) - {DiscardReason.SUSPENDED}, "no contact discarded by a message: nothing was checked"
    # and soft bounces still happen to contacts that stay
    assert soft_bounces_of_kept_contacts > 0


async def test_conversations_have_consistent_turns_in_the_contact_language(demo: LoadedDemo):
    conversations = await rows(
        demo.engine,
        select(Conversation.__table__, Contact.language.label("contact_language"))
        .join(Contact, Contact.id == Conversation.contact_id),
    )
    turns: dict[int, list] = defaultdict(list)
    for turn in await rows(demo.engine, select(ConversationTurn).order_by(ConversationTurn.seq)):
        turns[turn.conversation_id].append(turn)
    assert len({c.contact_id for c in conversations}) > 0.3 * (CONTACTS + SECOND_CONTACTS)
    for conversation in conversations:
        own = turns[conversation.id]
        assert conversation.language == conversation.contact_language
        assert conversation.turn_count == len(own) and [t.seq for t in own] == list(range(len(own)))
        assert conversation.customer_replied == any(t.role == TurnRole.CUSTOMER for t in own)
        assert (conversation.started_at, conversation.last_turn_at) == (own[0].at, own[-1].at)
        assert all(t.text and "{" not in t.text for t in own)
    replied = Counter(c.customer_replied for c in conversations)
    assert replied[True] > replied[False] > 0


async def test_conversations_are_scored_by_the_shipped_model_where_the_customer_wrote(demo: LoadedDemo):
    conversations = await rows(demo.engine, select(Conversation))
    turns: dict[int, list] = defaultdict(list)
    for turn in await rows(demo.engine, select(ConversationTurn).order_by(ConversationTurn.seq)):
        turns[turn.conversation_id].append(turn)
    for c in conversations:
        if not c.customer_replied:  # nothing to judge: no verdict, never an invented one
            assert (c.satisfaction_label, c.p_satisfied, c.model_version) == (None, None, None)
            continue
        assert (c.model_version, c.analyzed_at) == ("support-v1", NOW)
        assert abs(c.p_satisfied + c.p_neutral + c.p_dissatisfied - 1) < 1e-6
        assert c.satisfaction_explanation and all(term.startswith(("customer", "agent")) for term, _ in c.satisfaction_explanation)
        # Every customer turn has its own verdict, agent turns none.
        assert [t.satisfaction_label is not None for t in turns[c.id]] == [t.role == TurnRole.CUSTOMER for t in turns[c.id]]
    labels = Counter(c.satisfaction_label for c in conversations if c.customer_replied)
    assert set(labels) == {"SATISFIED", "NEUTRAL", "DISSATISFIED"}


# -- the showcase contact -----------------------------------------------------------------------


async def test_first_contact_of_the_main_workspace_is_fully_populated(demo: LoadedDemo):
    first = select(Contact).where(Contact.workspace_id == demo.main_id).order_by(Contact.id).limit(1)
    contact = (await rows(demo.engine, first))[0]

    async def count(model, *where) -> int:
        statement = select(func.count()).select_from(model).where(model.contact_id == contact.id, *where)
        return await scalar(demo.engine, statement)

    assert contact.company_id and contact.department_id
    assert contact.assigned_agent_id and contact.assigned_group_id
    assert contact.discard_reason is None
    status = engagement_status(last_activity_at=contact.last_activity_at, discard_reason=None, now=NOW)
    assert status == EngagementStatus.NEW
    recent_channels = select(MessageEvent.channel).distinct().where(
        MessageEvent.contact_id == contact.id, MessageEvent.occurred_at >= NOW - timedelta(days=15)
    )
    assert len(await rows(demo.engine, recent_channels)) >= 2 and await count(ChannelSubscription) >= 2
    assert await count(ContactListMember) >= 1 and await count(GroupMember) >= 1 and await count(ContactTag) >= 1
    fields = await scalar(demo.engine, select(func.count()).where(CustomFieldDefinition.workspace_id == demo.main_id))
    assert await count(CustomFieldValue) == fields
    assert await count(Note) >= 2 and await count(NpsResponse) >= 1
    assert await count(Ticket, Ticket.status == TicketStatus.OPEN) >= 1
    assert await count(Ticket, Ticket.status == TicketStatus.RESOLVED) >= 1
    assert await count(ContactItem) >= 1
    assert await count(Conversation, Conversation.customer_replied.is_(True)) >= 1


async def test_maintained_counts_of_the_loaded_demo_are_exact(demo: LoadedDemo):
    # given the demo as `rapport demo` loads it (bulk inserts in concurrent lanes on PostgreSQL)
    for workspace_id in (demo.main_id, demo.second_id):
        targets = [("tag", t) for (t,) in await rows(demo.engine, select(Tag.id).where(Tag.workspace_id == workspace_id))]
        targets += [("list", t) for (t,) in await rows(demo.engine, select(ContactList.id).where(ContactList.workspace_id == workspace_id))]
        targets += [("group", t) for (t,) in await rows(demo.engine, select(Group.id).where(Group.workspace_id == workspace_id))]

        # when the module's counts are read, then they equal a recount of every contact and membership
        for now in (NOW, NOW + timedelta(days=20)):
            expected_statuses, expected_members = await truth(demo.engine, workspace_id, now)
            statuses, members = await maintained(demo.engine, workspace_id, now, targets)
            assert statuses == expected_statuses
            assert members == expected_members
        # and a rebuild from scratch finds what the triggers kept
        assert await rebuilt_state(demo.engine, workspace_id) == await counter_state(demo.engine, workspace_id)


# -- idempotency and reset ----------------------------------------------------------------------


async def test_loading_again_without_reset_mints_new_keys_and_revokes_the_earlier_ones(demo: LoadedDemo):
    # given
    before = await scalar(demo.engine, select(func.count()).select_from(Contact))
    # when
    again = await load_demo(
        database_url=demo.url, contacts=CONTACTS + 77, seed=SEED + 1, console=quiet_console(), now=NOW
    )
    # then
    assert await scalar(demo.engine, select(func.count()).select_from(Contact)) == before
    assert [w.slug for w in again] == ["demo-main", "demo-second"]
    old_keys = {key for w in demo.workspaces for key in w.keys.values()}
    new_keys = {key for w in again for key in w.keys.values()}
    assert len(new_keys) == 6 and not old_keys & new_keys
    assert [w.revoked_keys for w in again] == [3, 3]
    authenticator = Authenticator(session_factory(demo.engine), SystemClock(), cache_seconds=0)
    assert all([await authenticator.authenticate(key) for key in new_keys])
    assert not any([await authenticator.authenticate(key) for key in old_keys])


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_database(request, tmp_path) -> AsyncIterator[str]:
    async with scratch_database(request.param, tmp_path) as url:
        yield url


async def test_reset_reloads_the_demo_and_leaves_other_workspaces_alone(empty_database: str):
    engine = create_engine(empty_database)
    try:
        # given: a customer's own workspace, and a demo load that was interrupted half-way
        await upgrade(engine)
        acme_id = await add_workspace(engine, "acme")
        await add_workspace(engine, "demo-main~loading")
        acme_before = await snapshot(engine, acme_id)

        # when
        first = await load_demo(database_url=empty_database, contacts=60, seed=SEED, console=quiet_console(), now=NOW)
        loaded = await demo_contacts(engine)
        slugs_after_first = {slug for (slug,) in await rows(engine, select(Workspace.slug))}
        second = await load_demo(
            database_url=empty_database, contacts=60, reset=True, seed=SEED, console=quiet_console(), now=NOW
        )
        reloaded = await demo_contacts(engine)

        # then: the same data again (same seed and clock); the other workspace untouched
        assert slugs_after_first == {"acme", "demo-main", "demo-second"}
        assert [w.slug for w in first] == [w.slug for w in second] == ["demo-main", "demo-second"]
        assert len(loaded) == 60 + SECOND_CONTACTS
        assert [row[1:] for row in reloaded] == [row[1:] for row in loaded]
        assert await snapshot(engine, acme_id) == acme_before
        # and the maintained counts of every workspace are exact after the reset (no leftovers of the old demo)
        for (workspace_id,) in await rows(engine, select(Workspace.id)):
            assert (await maintained(engine, workspace_id, NOW, []))[0] == (await truth(engine, workspace_id, NOW))[0]
            assert await counter_state(engine, workspace_id) == await rebuilt_state(engine, workspace_id)
        # Keys the database hands out later do not collide with the ones the demo took.
        async with engine.begin() as connection:
            await connection.execute(insert(Contact.__table__).values(**contact_values(acme_id, "Ana Lima")))
    finally:
        await engine.dispose()


async def table_counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as connection:
        return {
            table.name: (await connection.execute(select(func.count()).select_from(table))).scalar_one()
            for table in TABLES_IN_FK_ORDER
        }


async def test_reset_of_a_database_that_holds_only_the_demo_leaves_nothing_of_the_old_one(empty_database: str):
    """With nothing but the demo in the database, PostgreSQL empties the tables at once (TRUNCATE in
    store.delete_workspaces) instead of deleting row by row; either way the reloaded database is the
    first load again."""
    engine = create_engine(empty_database)
    try:
        await load_demo(database_url=empty_database, contacts=60, seed=SEED, console=quiet_console(), now=NOW)
        counts, loaded = await table_counts(engine), await demo_contacts(engine)
        again = await load_demo(
            database_url=empty_database, contacts=60, reset=True, seed=SEED, console=quiet_console(), now=NOW
        )
        assert [w.revoked_keys for w in again] == [0, 0], "the old demo's keys went with it"
        assert await table_counts(engine) == counts
        assert [row[1:] for row in await demo_contacts(engine)] == [row[1:] for row in loaded]
        for (workspace_id,) in await rows(engine, select(Workspace.id)):
            assert (await maintained(engine, workspace_id, NOW, []))[0] == (await truth(engine, workspace_id, NOW))[0]
    finally:
        await engine.dispose()


async def test_a_second_demo_load_on_postgresql_waits_for_the_first(tmp_path):
    """Two `rapport demo` runs on one PostgreSQL database: the second waits for the first (an advisory
    lock), then only mints keys, instead of clearing and loading the same workspaces at once."""
    async with scratch_database("postgresql", tmp_path) as url:
        engine = create_engine(url)
        try:
            await upgrade(engine)
            async with engine.connect() as holder:  # stands for a first run in progress
                await holder.execute(text("SELECT pg_advisory_lock(:key)"), {"key": demo_load.DEMO_LOCK})
                out = io.StringIO()
                second = asyncio.ensure_future(load_demo(
                    database_url=url, contacts=60, seed=SEED, console=Console(file=out, width=200), now=NOW
                ))
                await asyncio.sleep(1.5)
                assert not second.done(), "the second load did not wait"
                assert "waiting for it to finish" in out.getvalue()
                assert not await rows(engine, select(Workspace.slug)), "it wrote while the first held the lock"
                await holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": demo_load.DEMO_LOCK})
                loaded = await asyncio.wait_for(second, 120)
            assert [w.slug for w in loaded] == ["demo-main", "demo-second"]
        finally:
            await engine.dispose()


def contact_values(workspace_id: int, name: str) -> dict:
    email = normalize_email(f"{fold(name).replace(' ', '.')}@acme.example")
    return {
        "workspace_id": workspace_id, "name": name, "name_key": fold(name),
        "search_text": search_text(name, email, None), "email": email, "origin": "MANUAL",
        "contact_since": NOW, "created_at": NOW, "updated_at": NOW,
    }


async def add_workspace(engine: AsyncEngine, slug: str) -> int:
    """A workspace with a user, a tagged contact and the tag; returns its id."""
    async with engine.begin() as connection:
        workspace_id = (await connection.execute(
            insert(Workspace.__table__).values(name=slug.title(), slug=slug, created_at=NOW).returning(Workspace.id)
        )).scalar_one()
        await connection.execute(insert(User.__table__).values(
            workspace_id=workspace_id, name="Ada", email=f"ada@{slug}.example", role=Role.ADMIN, created_at=NOW
        ))
        tag_id = (await connection.execute(
            insert(Tag.__table__).values(workspace_id=workspace_id, name="vip", created_at=NOW).returning(Tag.id)
        )).scalar_one()
        contact_id = (await connection.execute(
            insert(Contact.__table__).values(**contact_values(workspace_id, "Zoë Ábalos")).returning(Contact.id)
        )).scalar_one()
        await connection.execute(insert(ContactTag.__table__).values(
            contact_id=contact_id, tag_id=tag_id, workspace_id=workspace_id, created_at=NOW
        ))
    return workspace_id


async def demo_contacts(engine: AsyncEngine) -> list[tuple]:
    """(id, name, email, phone, last activity) of the demo contacts, in id order."""
    return await rows(
        engine,
        select(Contact.id, Contact.name, Contact.email, Contact.phone, Contact.last_activity_at)
        .join(Workspace, Workspace.id == Contact.workspace_id)
        .where(Workspace.slug.in_(["demo-main", "demo-second"]))
        .order_by(Contact.id),
    )


async def snapshot(engine: AsyncEngine, workspace_id: int) -> dict[str, list]:
    """Every row a workspace owns in the tables `add_workspace` fills."""
    statements = {"workspace": select(Workspace.__table__).where(Workspace.id == workspace_id)}
    for model in (User, Tag, Contact, ContactTag):
        statements[model.__tablename__] = select(model.__table__).where(model.workspace_id == workspace_id)
    return {name: sorted(map(tuple, await rows(engine, statement))) for name, statement in statements.items()}
