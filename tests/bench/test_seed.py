"""The benchmark seed (bench/seed.py): both workspaces, working keys, every derived column exactly as
the domain computes it (also for contacts copied from templates), reuse and reload.

Small seeds on SQLite and PostgreSQL; on PostgreSQL the loader runs its worker processes and
rebuilds the indexes it set aside, as it does at 1M.
"""

from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from bench.seed import Seeded, ensure_seeded
from domain.clock import SystemClock
from domain.db import create_engine, session_factory
from domain.engagement import ACTIVITY_EVENT_TYPES, engagement_status
from domain.enums import Channel, EngagementStatus, Role, TurnRole
from domain.metrics import COUNTER_FOR_EVENT, COUNTERS
from domain.models import (
    ChannelSubscription,
    Contact,
    ContactChannelDaily,
    ContactTag,
    Conversation,
    ConversationTurn,
    MessageEvent,
    NpsResponse,
    Segment,
    Ticket,
    Workspace,
)
from domain.services.auth import Authenticator
from domain.text import fold, search_text
from tests import count_checks
from tests.scratch import scratch_database

CONTACTS, OTHER = 300, 60


@dataclass
class Seed:
    url: str
    seeded: Seeded


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
async def seed(request, tmp_path_factory) -> AsyncIterator[Seed]:
    async with scratch_database(request.param, tmp_path_factory.mktemp("seed")) as url:
        yield Seed(url, await ensure_seeded(url, contacts=CONTACTS, other_contacts=OTHER, seed=3))


async def rows(url: str, statement) -> list:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return list((await connection.execute(statement)).all())
    finally:
        await engine.dispose()


async def principal_of(url: str, key: str):
    engine = create_engine(url)
    try:
        return await Authenticator(session_factory(engine), SystemClock(), cache_seconds=0).authenticate(key)
    finally:
        await engine.dispose()


async def test_two_workspaces_with_keys_of_the_right_role_and_workspace(seed: Seed):
    s = seed.seeded
    per_workspace = dict(await rows(seed.url, select(Contact.workspace_id, func.count()).group_by(Contact.workspace_id)))
    assert per_workspace == {s.workspace_id: CONTACTS, s.other_workspace_id: OTHER}
    assert s.contacts == CONTACTS
    for key, workspace_id, role in (
        (s.admin_key, s.workspace_id, Role.ADMIN), (s.agent_key, s.workspace_id, Role.AGENT),
        (s.other_key, s.other_workspace_id, Role.ADMIN),
    ):
        principal = await principal_of(seed.url, key)
        assert (principal.workspace_id, principal.role) == (workspace_id, role)
    mine = {cid for (cid,) in await rows(seed.url, select(Contact.id).where(Contact.workspace_id == s.workspace_id))}
    assert len(s.contact_ids) == min(1000, CONTACTS) and set(s.contact_ids) <= mine
    assert len(s.tag_ids) == 30 and len(s.segment_ids) == 7


async def test_identities_and_search_keys_are_the_domains_and_unique(seed: Seed):
    contacts = await rows(seed.url, select(Contact.id, Contact.workspace_id, Contact.name, Contact.name_key,
                                           Contact.search_text, Contact.email, Contact.phone))
    for c in contacts:
        assert c.name_key == fold(c.name)
        assert c.search_text == search_text(c.name, c.email, c.phone)
    for column in ("email", "phone"):
        values = [(c.workspace_id, getattr(c, column)) for c in contacts if getattr(c, column)]
        assert len(values) == len(set(values))
    by_id = {c.id: c for c in contacts}
    for sub in await rows(seed.url, select(ChannelSubscription)):
        owner = by_id[sub.contact_id]
        assert sub.address == (owner.email if sub.channel == Channel.EMAIL else owner.phone)


async def test_rollups_and_last_activity_equal_what_the_raw_rows_say(seed: Seed):
    events = await rows(seed.url, select(MessageEvent.contact_id, MessageEvent.channel, MessageEvent.type,
                                         MessageEvent.occurred_at))
    expected: dict[tuple, Counter] = defaultdict(Counter)
    latest_on_channel: dict[tuple, datetime] = {}
    latest: dict[int, datetime] = {}
    for contact_id, channel, kind, at in events:
        expected[(contact_id, channel, at.astimezone(UTC).date())][COUNTER_FOR_EVENT[kind]] += 1
        latest_on_channel[(contact_id, channel)] = max(at, latest_on_channel.get((contact_id, channel), at))
        if kind in ACTIVITY_EVENT_TYPES:
            latest[contact_id] = max(at, latest.get(contact_id, at))
    daily = await rows(seed.url, select(ContactChannelDaily))
    actual = {(r.contact_id, r.channel, r.day): Counter({c: getattr(r, c) for c in COUNTERS if getattr(r, c)}) for r in daily}
    assert actual == expected
    for sub in await rows(seed.url, select(ChannelSubscription)):
        assert sub.last_event_at == latest_on_channel.get((sub.contact_id, sub.channel))
    for contact_id, at in [
        *await rows(seed.url, select(Conversation.contact_id, Conversation.last_turn_at)),
        *await rows(seed.url, select(Conversation.contact_id, Conversation.started_at)),
        *await rows(seed.url, select(Ticket.contact_id, Ticket.resolved_at)),
        *await rows(seed.url, select(Ticket.contact_id, Ticket.opened_at)),
        *await rows(seed.url, select(NpsResponse.contact_id, NpsResponse.responded_at)),
    ]:
        if at is not None:
            latest[contact_id] = max(at, latest.get(contact_id, at))
    contacts = await rows(seed.url, select(Contact.id, Contact.last_activity_at))
    assert dict(contacts) == {contact_id: latest.get(contact_id) for contact_id, _ in contacts}


async def test_every_status_occurs_and_tags_have_skewed_sizes(seed: Seed):
    s = seed.seeded
    now = datetime.now(UTC)
    contacts = await rows(seed.url, select(Contact.last_activity_at, Contact.discard_reason)
                          .where(Contact.workspace_id == s.workspace_id))
    statuses = Counter(engagement_status(last_activity_at=a, discard_reason=d, now=now) for a, d in contacts)
    assert set(statuses) == set(EngagementStatus)
    sizes = dict(await rows(seed.url, select(ContactTag.tag_id, func.count())
                            .where(ContactTag.workspace_id == s.workspace_id).group_by(ContactTag.tag_id)))
    biggest, smallest = max(sizes.values()), min(sizes.get(tag, 0) for tag in s.tag_ids)
    assert biggest > 0.2 * CONTACTS and biggest > 10 * smallest
    segments = await rows(seed.url, select(Segment.filter, Segment.search).where(Segment.workspace_id == s.workspace_id))
    kinds = {(tuple(sorted(f)), search is not None) for f, search in segments}
    # status only, tag + status, search only
    assert {(("status",), False), (("status", "tagIds"), False), ((), True)} <= kinds


async def test_conversations_carry_the_models_verdicts_where_the_customer_wrote(seed: Seed):
    wrote = {cid for (cid,) in await rows(seed.url, select(ConversationTurn.conversation_id)
                                          .where(ConversationTurn.role == TurnRole.CUSTOMER).distinct())}
    conversations = await rows(seed.url, select(Conversation.id, Conversation.satisfaction_label, Conversation.model_version))
    assert conversations and wrote
    for cid, label, version in conversations:
        assert (label is not None, version is not None) == (cid in wrote, cid in wrote)
    turns = await rows(seed.url, select(ConversationTurn.role, ConversationTurn.satisfaction_label))
    assert all((label is not None) == (role == TurnRole.CUSTOMER) for role, label in turns)


async def test_same_parameters_reuse_the_seed_with_fresh_keys_and_others_reload(seed: Seed):
    # when the same seed is asked for again
    again = await ensure_seeded(seed.url, contacts=CONTACTS, other_contacts=OTHER, seed=3)

    # then the data is kept, the keys are new and the earlier ones revoked
    before = seed.seeded
    assert (again.workspace_id, again.other_workspace_id, again.contact_ids) == (
        before.workspace_id, before.other_workspace_id, before.contact_ids)
    assert (await principal_of(seed.url, again.admin_key)).workspace_id == again.workspace_id
    assert await principal_of(seed.url, before.admin_key) is None

    # when other parameters are asked for, the database is loaded again with them
    other = await ensure_seeded(seed.url, contacts=120, other_contacts=60, seed=3)
    slugs = sorted(slug for (slug,) in await rows(seed.url, select(Workspace.slug)))
    assert other.contacts == 120 and slugs == ["bench-main-120-60-3", "bench-other-120-60-3"]
    seed.seeded = await ensure_seeded(seed.url, contacts=CONTACTS, other_contacts=OTHER, seed=3)


async def test_never_drops_a_database_holding_other_workspaces(tmp_path):
    async with scratch_database("sqlite", tmp_path) as url:
        await ensure_seeded(url, contacts=60, other_contacts=50, seed=1)
        engine = create_engine(url)
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO workspace (name, slug, created_at) VALUES ('Real', 'real', '2026-01-01')"))
        await engine.dispose()
        with pytest.raises(RuntimeError, match="not the bench seed's"):
            await ensure_seeded(url, contacts=70, other_contacts=50, seed=1)
        assert len(await rows(url, select(Workspace.slug))) == 3


async def test_the_modules_maintained_counts_equal_a_recount_of_the_seed(seed: Seed):
    # given the seeded workspaces (on PostgreSQL loaded with the count triggers off, then counted once)
    now = datetime.now(UTC)
    engine = create_engine(seed.url)
    try:
        for workspace_id in (seed.seeded.workspace_id, seed.seeded.other_workspace_id):
            # when the contacts module counts them
            expected_statuses, expected_members = await count_checks.truth(engine, workspace_id, now)
            statuses, members = await count_checks.maintained(engine, workspace_id, now, list(expected_members))

            # then every status button and every tag/list/group count is what the rows say
            assert statuses == expected_statuses
            assert members == expected_members

            # and so are the statuses within each tag, list and group, and segment-like totals of them
            targets = sorted(expected_members)
            within = await count_checks.target_truth(engine, workspace_id, now, targets)
            shown, totals = await count_checks.target_maintained(engine, workspace_id, now, targets)
            assert shown == within
            assert totals == count_checks.expected_totals(within)
    finally:
        await engine.dispose()
