"""Concurrent writers on PostgreSQL do not queue behind a shared counter row, and stay counted exactly.

Two open transactions write contacts and memberships of the same workspace, into the same day
buckets and the same tag, each enough rows to fold the deltas. The second runs with a lock timeout:
had it to wait for the first (a counter row locked until commit), it would fail instead of finishing.
The membership activity histogram counts a membership at its contact's bucket: a membership added
while another transaction moves (or deletes) that contact must land where the contact ends up, in
whichever order the two transactions wrote.

SQLite takes one writer at a time by design, so this is PostgreSQL's case only.
"""

import asyncio
import itertools
from datetime import timedelta

import pytest
from sqlalchemy import text

from tests.conftest import NOW
from tests.count_checks import counter_state, rebuilt_state, truth

_serial = itertools.count(1)
ROWS = 300  # more than the fold interval (256 delta ids): both writers try to fold


async def _insert_contacts(connection, ws: int, tag: int, n: int) -> None:
    batch = next(_serial)
    await connection.execute(text(
        "INSERT INTO contact (workspace_id, name, name_key, search_text, origin, contact_since, last_activity_at, "
        "created_at, updated_at) SELECT :ws, 'c', 'c', 'c', 'API', t, t - (g % 3) * interval '1 day', t, t "
        "FROM generate_series(1, :n) g, (SELECT CAST(:now AS timestamptz) AS t) AS now"), {"ws": ws, "now": NOW, "n": n})
    # One delta row per statement and bucket: many statements make the fold come due.
    for i in range(n):
        await connection.execute(text(
            "INSERT INTO contact (workspace_id, name, name_key, search_text, origin, contact_since, created_at, updated_at) "
            "VALUES (:ws, :name, 'x', 'x', 'API', :now, :now, :now)"), {"ws": ws, "now": NOW, "name": f"{batch}-{i}"})
    await connection.execute(text(
        "INSERT INTO contact_tag (contact_id, tag_id, workspace_id, created_at) "
        "SELECT id, :tag, :ws, :now FROM contact WHERE workspace_id = :ws ON CONFLICT DO NOTHING"),
        {"ws": ws, "tag": tag, "now": NOW})


async def _tag(engine, ws: int, name: str) -> int:
    async with engine.begin() as c:
        return (await c.execute(text(
            "INSERT INTO tag (workspace_id, name, name_key, created_at) VALUES (:ws, :name, :name, :now) RETURNING id"),
            {"ws": ws, "name": name, "now": NOW})).scalar_one()


async def test_two_open_transactions_write_the_same_buckets_without_waiting(engine, workspaces):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers by design: no concurrent writers to keep apart")
    ws = await workspaces.create()
    tag = await _tag(engine, ws.id, "shared")

    # given a first writer that wrote (and folded) but has not committed
    async with engine.connect() as first, engine.connect() as second:
        await first.begin()
        await _insert_contacts(first, ws.id, tag, ROWS)

        # when a second writer writes the same workspace, days and tag meanwhile, refusing to wait for locks
        await second.begin()
        await second.execute(text("SET LOCAL lock_timeout = '2s'"))
        await _insert_contacts(second, ws.id, tag, ROWS)
        await second.commit()
        await first.commit()

    # then it finished (no lock was waited for), and every count is exact
    statuses, members = await truth(engine, ws.id, NOW)
    state = await counter_state(engine, ws.id)
    assert statuses["total"] == 4 * ROWS
    assert sum(n for key, n in state.items() if key[0] == "activity") == 4 * ROWS
    assert state[("member", "tag", tag)] == members[("tag", tag)] == 4 * ROWS
    assert await rebuilt_state(engine, ws.id) == state


async def _blocked_or_done(engine, pid: int, task: "asyncio.Task[None]") -> None:
    """Wait (at most 10 s) until backend `pid` waits for a lock, or `task` finished without waiting."""
    async with engine.connect() as watcher:
        for _ in range(1000):
            if task.done():
                return
            waiting = await watcher.scalar(text("SELECT cardinality(pg_blocking_pids(:pid)) > 0"), {"pid": pid})
            if waiting:
                return
            await asyncio.sleep(0.01)
    raise AssertionError("the second writer neither waited nor finished")


async def _contact(engine, ws: int, age_days: int) -> int:
    async with engine.begin() as c:
        return (await c.execute(text(
            "INSERT INTO contact (workspace_id, name, name_key, search_text, origin, contact_since, last_activity_at, "
            "created_at, updated_at) VALUES (:ws, 'c', 'c', 'c', 'API', :now, :at, :now, :now) RETURNING id"),
            {"ws": ws, "now": NOW, "at": NOW - timedelta(days=age_days)})).scalar_one()


@pytest.mark.parametrize("first", ["bucket change", "membership", "membership then delete"])
async def test_a_membership_racing_its_contacts_bucket_change_lands_in_the_contacts_last_bucket(engine, workspaces, first):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers by design: no concurrent writers to keep apart")
    ws = await workspaces.create()
    tag = await _tag(engine, ws.id, "raced")
    contact = await _contact(engine, ws.id, age_days=1)
    tag_it = text("INSERT INTO contact_tag (contact_id, tag_id, workspace_id, created_at) VALUES (:c, :t, :ws, :now)")
    tagging = {"c": contact, "t": tag, "ws": ws.id, "now": NOW}
    if first == "membership then delete":
        change = text("DELETE FROM contact WHERE id = :c")
    else:  # the contact goes from NEW to DORMANT: another day bucket
        change = text("UPDATE contact SET last_activity_at = :at WHERE id = :c")
    changing = {"c": contact, "at": NOW - timedelta(days=50)}

    # given one transaction that wrote first and has not committed, and another that writes the same contact
    async with engine.connect() as early, engine.connect() as late:
        await early.begin()
        await late.begin()
        pid = await late.scalar(text("SELECT pg_backend_pid()"))
        if first == "bucket change":
            await early.execute(change, changing)
            task = asyncio.ensure_future(late.execute(tag_it, tagging))
        else:
            await early.execute(tag_it, tagging)
            task = asyncio.ensure_future(late.execute(change, changing))
        # when the later one runs while the earlier is open, then both commit
        await _blocked_or_done(engine, pid, task)
        await early.commit()
        await task
        await late.commit()

    # then the tag's activity histogram is what a recount of the committed rows says
    state = await counter_state(engine, ws.id)
    histogram = {key: n for key, n in state.items() if key[0] == "member activity"}
    assert len(histogram) == (0 if first == "membership then delete" else 1)
    assert await rebuilt_state(engine, ws.id) == state
