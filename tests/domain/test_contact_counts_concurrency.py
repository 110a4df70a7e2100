"""Concurrent writers on PostgreSQL do not queue behind a shared counter row, and stay counted exactly.

Two open transactions write contacts and memberships of the same workspace, into the same day
buckets and the same tag, each enough rows to fold the deltas. The second runs with a lock timeout:
had it to wait for the first (a counter row locked until commit), it would fail instead of finishing.
SQLite takes one writer at a time by design, so this is PostgreSQL's case only.
"""

import itertools

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


async def test_two_open_transactions_write_the_same_buckets_without_waiting(engine, workspaces):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers by design: no concurrent writers to keep apart")
    ws = await workspaces.create()
    async with engine.begin() as c:
        tag = (await c.execute(text(
            "INSERT INTO tag (workspace_id, name, created_at) VALUES (:ws, 'shared', :now) RETURNING id"),
            {"ws": ws.id, "now": NOW})).scalar_one()

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
