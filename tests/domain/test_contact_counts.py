"""The trigger-maintained counts stay exact under any sequence of writes, whatever the clock says.

Writes here are raw statements of every shape the application and a bulk loader send (multi-row
inserts, the import's fast insert, updates and deletes of many rows in one statement, cascades of a
deleted contact or tag, INSERT ... ON CONFLICT DO NOTHING, memberships moved to another tag or
contact), in two workspaces at once. After each sequence the counts are compared with every
contact's status computed in Python, at clocks placed on, just before and just after each band
boundary: the workspace's status counts, each tag's/list's/group's member count, and the status
counts and segment-like totals within each tag, list and group (the membership activity histogram,
at clocks whose boundaries fall in either half of their day); and rebuild_counters gives what the
triggers kept. Hypothesis runs in a worker thread and hands its database work to the test's loop
(see test_fuzz.py).
"""

import asyncio
import itertools
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, text, update

from domain.db import session_factory
from domain.enums import ContactOrigin, DiscardReason, EngagementStatus
from domain.models import Contact, ContactListMember, ContactTag, GroupMember, Tag, Workspace
from domain.repositories.fast_insert import insert_many
from domain.repositories.upsert import insert_ignore
from tests.api.fuzz_helpers import LoopBridge
from tests.conftest import NOW
from tests.count_checks import (
    counter_state,
    expected_totals,
    maintained,
    rebuilt_state,
    status_count_by_filter,
    target_maintained,
    target_truth,
    truth,
)

DAY = timedelta(days=1)
MICRO = timedelta(microseconds=1)
_serial = itertools.count(1)

# Last activities around every band boundary (ages 15/16, 45/46, 120/121 days), day edges, none.
OFFSETS = [None, timedelta(0), -DAY, 3 * DAY]
for days in (16, 46, 121):
    OFFSETS += [days * DAY, days * DAY - MICRO, days * DAY + MICRO, days * DAY + 5 * timedelta(hours=1)]
OFFSETS += [400 * DAY, timedelta(hours=12, minutes=30)]
# Clocks the counts are checked at: the data's own now, then later (contacts age across boundaries).
CLOCKS = [NOW, NOW + MICRO, NOW + 11 * timedelta(hours=1) + 30 * timedelta(minutes=1), NOW + DAY - MICRO, NOW + DAY,
          NOW + 30 * DAY + timedelta(hours=5), NOW - 2 * DAY]
# Where the statuses within each target are checked too (one per workspace of an example). At NOW - 5 h
# the boundaries fall at 07:00 of their day, early (the older side is counted: contacts at 07:00 lie on
# it, those at 12:00 on the newer side); at NOW at 12:00 (the newer side is counted).
TARGET_CLOCKS = [NOW - 5 * timedelta(hours=1), NOW]

activity = st.sampled_from(OFFSETS)
reason = st.sampled_from([None, None, None, DiscardReason.SUSPENDED, DiscardReason.HARD_BOUNCE])
picks = st.lists(st.integers(0, 30), min_size=1, max_size=6)
operation = st.one_of(
    st.tuples(st.just("insert"), st.lists(st.tuples(activity, reason), min_size=1, max_size=5), st.booleans()),
    st.tuples(st.just("fast_insert"), st.lists(st.tuples(activity, reason), min_size=1, max_size=5), st.booleans()),
    st.tuples(st.just("touch"), picks, activity),
    st.tuples(st.just("discard"), picks, reason),
    st.tuples(st.just("rename"), picks, st.none()),
    st.tuples(st.just("delete"), picks, st.none()),
    st.tuples(st.just("tag"), picks, st.integers(0, 2)),
    st.tuples(st.just("untag"), picks, st.integers(0, 2)),
    st.tuples(st.just("move_tag"), picks, st.integers(0, 2)),
    st.tuples(st.just("list_group"), picks, st.booleans()),
    st.tuples(st.just("unlist_group"), picks, st.booleans()),
    st.tuples(st.just("reassign"), picks, st.integers(0, 30)),
    st.tuples(st.just("delete_tag"), st.just([0]), st.integers(0, 2)),
)

# Every example starts from contacts of several bands in tags, the list and the group.
START = [("insert", [(DAY, None), (16 * DAY - MICRO, None), (16 * DAY + 5 * timedelta(hours=1), None), (46 * DAY, None),
                     (None, None), (121 * DAY + 5 * timedelta(hours=1), None), (3 * DAY, DiscardReason.HARD_BOUNCE),
                     (16 * DAY - 3 * timedelta(hours=1), None)], False),
         ("tag", [0, 1, 2, 3, 4, 5, 6, 7], 0), ("tag", [1, 3, 5, 7], 1), ("list_group", [0, 2, 4, 5], True),
         ("list_group", [1, 2, 3, 6], False)]


class Writer:
    """Applies generated operations to one of two workspaces, with the statements' real shapes."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.sessions = session_factory(engine)
        self.contacts: dict[int, list[int]] = {}
        self.tags: dict[int, list[int]] = {}
        self.targets: dict[int, dict[str, int]] = {}

    async def workspace(self) -> int:
        n = next(_serial)
        async with self.sessions() as s, s.begin():
            ws = Workspace(name=f"Counts {n}", slug=f"counts-{n}-{id(self)}", created_at=NOW)
            s.add(ws)
            await s.flush()
            tags = [Tag(workspace_id=ws.id, name=f"t{i}", created_at=NOW) for i in range(3)]
            s.add_all(tags)
            await s.flush()
            ws_id = ws.id
            list_id = (await s.execute(text(
                "INSERT INTO contact_list (workspace_id, name, name_key, created_at) VALUES (:w, 'l', 'l', :t) RETURNING id"),
                {"w": ws_id, "t": NOW})).scalar_one()
            group_id = (await s.execute(text(
                "INSERT INTO contact_group (workspace_id, name, name_key, created_at) VALUES (:w, 'g', 'g', :t) RETURNING id"),
                {"w": ws_id, "t": NOW})).scalar_one()
        self.contacts[ws_id], self.tags[ws_id] = [], [t.id for t in tags]
        self.targets[ws_id] = {"list": list_id, "group": group_id}
        return ws_id

    def _row(self, ws: int, offset: timedelta | None, why: DiscardReason | None) -> dict[str, Any]:
        n = next(_serial)
        return {
            "workspace_id": ws, "name": f"C {n}", "name_key": f"c {n}", "search_text": f"c {n}",
            "origin": ContactOrigin.API, "contact_since": NOW, "created_at": NOW, "updated_at": NOW,
            "last_activity_at": None if offset is None else NOW - offset, "discard_reason": why,
            "email": None, "phone": None,
        }

    def _ids(self, ws: int, picks: list[int]) -> list[int]:
        ids = self.contacts[ws]
        return sorted({ids[p % len(ids)] for p in picks}) if ids else []

    async def apply(self, ws: int, op: tuple[str, Any, Any]) -> None:
        kind, a, b = op
        async with self.sessions() as s, s.begin():
            if kind in ("insert", "fast_insert"):
                rows = [self._row(ws, offset, why) for offset, why in a]
                if kind == "insert" or not b:
                    await s.execute(insert(Contact.__table__), rows)
                else:
                    await insert_many(s, Contact.__table__, rows)
                found = await s.execute(text("SELECT id FROM contact WHERE workspace_id = :w"), {"w": ws})
                self.contacts[ws] = sorted(r[0] for r in found)
                return
            ids = self._ids(ws, a)
            if not ids and kind != "delete_tag":
                return
            mine = Contact.workspace_id == ws
            if kind == "touch":
                await s.execute(update(Contact).where(mine, Contact.id.in_(ids)).values(
                    last_activity_at=None if b is None else NOW - b))
            elif kind == "discard":
                await s.execute(update(Contact).where(mine, Contact.id.in_(ids)).values(discard_reason=b))
            elif kind == "rename":
                await s.execute(update(Contact).where(mine, Contact.id.in_(ids)).values(name="Renamed"))
            elif kind == "delete":
                await s.execute(delete(Contact).where(mine, Contact.id.in_(ids)))
                self.contacts[ws] = [i for i in self.contacts[ws] if i not in ids]
            elif kind == "tag":
                rows = [{"workspace_id": ws, "contact_id": i, "tag_id": self.tags[ws][b], "created_at": NOW} for i in ids]
                await s.execute(insert_ignore(s, ContactTag.__table__, ["contact_id", "tag_id"]).values(rows))
            elif kind == "untag":
                await s.execute(delete(ContactTag).where(ContactTag.tag_id == self.tags[ws][b], ContactTag.contact_id.in_(ids)))
            elif kind == "move_tag":
                # Moving memberships from one tag to the next, unless the contact already has that one.
                source, target = self.tags[ws][b], self.tags[ws][(b + 1) % 3]
                await s.execute(text(
                    "UPDATE contact_tag SET tag_id = :target WHERE tag_id = :source AND contact_id IN "
                    f"({', '.join(str(i) for i in ids)}) AND contact_id NOT IN "
                    "(SELECT contact_id FROM contact_tag WHERE tag_id = :target)"), {"source": source, "target": target})
            elif kind == "list_group":
                table, column = (ContactListMember, "list_id") if b else (GroupMember, "group_id")
                target = self.targets[ws]["list" if b else "group"]
                rows = [{"workspace_id": ws, "contact_id": i, column: target, "created_at": NOW} for i in ids]
                await s.execute(insert_ignore(s, table.__table__, ["contact_id", column]).values(rows))
            elif kind == "unlist_group":
                table, column = (ContactListMember, "list_id") if b else (GroupMember, "group_id")
                await s.execute(delete(table).where(table.contact_id.in_(ids)))
            elif kind == "reassign":
                # A membership handed to another contact (same tag), unless that one has it already.
                other = self.contacts[ws][b % len(self.contacts[ws])]
                await s.execute(text(
                    "UPDATE contact_tag SET contact_id = :other WHERE contact_id = :source AND tag_id NOT IN "
                    "(SELECT tag_id FROM contact_tag WHERE contact_id = :other)"), {"other": other, "source": ids[0]})
            elif kind == "delete_tag":
                tag = self.tags[ws][b]
                await s.execute(delete(Tag).where(Tag.id == tag))
                new = (await s.execute(text(
                    "INSERT INTO tag (workspace_id, name, name_key, created_at) VALUES (:w, :n, :n, :t) RETURNING id"),
                    {"w": ws, "n": f"t{next(_serial)}", "t": NOW})).scalar_one()
                self.tags[ws][b] = new

    def all_targets(self, ws: int) -> list[tuple[str, int]]:
        return [("tag", t) for t in self.tags[ws]] + [(k, v) for k, v in self.targets[ws].items()]


async def check(writer: Writer, ws: int, target_clocks: list = TARGET_CLOCKS) -> None:
    for now in CLOCKS:
        expected_statuses, expected_members = await truth(writer.engine, ws, now)
        statuses, members = await maintained(writer.engine, ws, now, writer.all_targets(ws))
        assert statuses == expected_statuses, now
        assert members == {k: n for k, n in expected_members.items() if k in writer.all_targets(ws)}
        for status in (EngagementStatus.NEW, EngagementStatus.FREQUENT, EngagementStatus.EXPIRED):
            assert await status_count_by_filter(writer.engine, ws, now, status) == expected_statuses[status.value.lower()]
    targets = writer.all_targets(ws)
    for now in target_clocks:
        expected = await target_truth(writer.engine, ws, now, targets)
        statuses, totals = await target_maintained(writer.engine, ws, now, targets)
        assert statuses == expected, now
        assert totals == expected_totals(expected), now
    kept = await counter_state(writer.engine, ws)
    assert await rebuilt_state(writer.engine, ws) == kept


async def test_counts_equal_a_full_recount_after_random_writes_in_two_workspaces(engine):
    writer = Writer(engine)
    bridge = LoopBridge(asyncio.get_running_loop())

    @settings(max_examples=15, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(ops=st.lists(st.tuples(st.booleans(), operation), min_size=1, max_size=14))
    def run(ops: list[tuple[bool, tuple[str, Any, Any]]]) -> None:
        first, second = bridge.call(writer.workspace()), bridge.call(writer.workspace())
        for ws in (first, second):  # members in every kind of target, so the random writes move them
            for op in START:
                bridge.call(writer.apply(ws, op))
        for in_first, op in ops:
            bridge.call(writer.apply(first if in_first else second, op))
        bridge.call(check(writer, first, TARGET_CLOCKS[:1]))
        bridge.call(check(writer, second, TARGET_CLOCKS[1:]))

    await LoopBridge.run_in_thread(run)


async def test_a_fresh_day_of_activity_moves_contacts_across_a_boundary_day_exactly(engine):
    # given contacts active across the day that holds the NEW/FREQUENT boundary, one microsecond apart
    writer = Writer(engine)
    ws = await writer.workspace()
    boundary = NOW - 16 * DAY
    offsets = [NOW - (boundary + k * timedelta(hours=1)) for k in range(-14, 14)] + [16 * DAY, 16 * DAY - MICRO]
    await writer.apply(ws, ("insert", [(o, None) for o in offsets], False))

    # then at every clock the counts agree with each contact's own status
    await check(writer, ws)
    counts, _ = await truth(engine, ws, NOW)
    assert counts["new"] > 0 and counts["frequent"] > 0  # the boundary day really was split


async def test_rebuild_repairs_counts_that_were_tampered_with(engine):
    # given counts someone broke by hand
    writer = Writer(engine)
    ws = await writer.workspace()
    await writer.apply(ws, ("insert", [(DAY, None), (None, None), (50 * DAY, DiscardReason.SUSPENDED)], False))
    await writer.apply(ws, ("tag", [0, 1, 2], 0))
    kept = await counter_state(engine, ws)
    async with engine.begin() as connection:
        await connection.execute(text(
            "INSERT INTO contact_activity_count (workspace_id, day, discard_reason, contacts) VALUES (:w, 5, '', 7)"),
            {"w": ws})
        for table in ("membership_count", "membership_delta"):
            await connection.execute(text(f"DELETE FROM {table} WHERE workspace_id = :w"), {"w": ws})
    assert await counter_state(engine, ws) != kept

    # when rebuilt, then they are what the triggers had kept
    assert await rebuilt_state(engine, ws) == kept
    await check(writer, ws)




async def test_deleted_contacts_take_their_memberships_out_of_the_statuses_within_each_tag(engine):
    # given contacts of every band, discarded or not, in tags, a list and a group
    writer = Writer(engine)
    ws = await writer.workspace()
    hours = timedelta(hours=1)
    offsets = [DAY, 16 * DAY - MICRO, 16 * DAY + 5 * hours, 46 * DAY - MICRO, 46 * DAY + 5 * hours, 130 * DAY, None,
               121 * DAY + 5 * hours, 16 * DAY - 3 * hours]
    await writer.apply(ws, ("insert", [(o, None) for o in offsets] + [(DAY, DiscardReason.SUSPENDED)], False))
    everyone = list(range(len(offsets) + 1))
    for tag in range(3):
        await writer.apply(ws, ("tag", everyone, tag))
    await writer.apply(ws, ("list_group", everyone, True))
    await writer.apply(ws, ("list_group", everyone, False))
    before = await target_truth(engine, ws, NOW, writer.all_targets(ws))
    assert before[("tag", writer.tags[ws][0])]["total"] == len(everyone)

    # when contacts are deleted one at a time and several in one statement (their memberships cascade)
    await writer.apply(ws, ("delete", [0], None))
    await writer.apply(ws, ("delete", [2, 3, 5, 6], None))

    # then the statuses within every tag, list and group are those of the members left
    for now in TARGET_CLOCKS:
        expected = await target_truth(engine, ws, now, writer.all_targets(ws))
        statuses, totals = await target_maintained(engine, ws, now, writer.all_targets(ws))
        assert statuses == expected and totals == expected_totals(expected)
    assert expected[("group", writer.targets[ws]["group"])]["total"] == len(everyone) - 5
    assert await rebuilt_state(engine, ws) == await counter_state(engine, ws)
