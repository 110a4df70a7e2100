"""What the count-maintaining triggers cost writers: the same writes with and without them, interleaved.

    python bench/contact_count_triggers.py                  # SQLite and PostgreSQL, 50k rows
    python bench/contact_count_triggers.py --rows 100000 --engines postgresql

Two scratch databases per engine, both migrated; in one the triggers are dropped. Each round runs
every write shape on both, alternating: one statement inserting N contacts, one statement moving all
of them to another activity day, N/25 single-row updates within the same day (what ingestion sends
most: the bucket does not change), N/25 single-row updates that change the day, one statement adding
N tag memberships, moving the tagged contacts to another day (their memberships move in the membership
activity histogram), and deleting every contact (cascading its memberships). The scratch databases are
removed at the end, also on Ctrl-C or failure. Loopback only.
"""

import argparse
import asyncio
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from domain.db import create_engine, create_postgres_database, drop_postgres_database  # noqa: E402
from domain.migrate import upgrade  # noqa: E402

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TRIGGERS = [f"{table}_{kind}_{event}" for table in ("contact", "contact_tag", "contact_list_member", "contact_group_member")
            for kind in ("counts", "activity") for event in ("insert", "delete", "update")
            if (table, kind) != ("contact", "activity")] + ["contact_memberships_update", "contact_memberships_delete"]


async def _prepare(url: str, with_triggers: bool) -> Any:
    engine = create_engine(url)
    await upgrade(engine)
    async with engine.begin() as c:
        if not with_triggers:
            for trigger in TRIGGERS:
                table = "contact" if trigger.startswith("contact_memberships_") else trigger.rsplit("_", 2)[0]
                on = f" ON {table}" if engine.dialect.name == "postgresql" else ""
                await c.execute(text(f"DROP TRIGGER IF EXISTS {trigger}{on}"))
        await c.execute(text("INSERT INTO workspace (name, slug, created_at) VALUES ('b', 'b', :now)"), {"now": NOW})
        await c.execute(text("INSERT INTO tag (workspace_id, name, name_key, created_at) SELECT id, 't', 't', :now FROM workspace"),
                        {"now": NOW})
    return engine


def _contact_rows(n: int, start: int) -> list[dict[str, Any]]:
    return [{"n": f"c {start + i}", "e": f"c{start + i}@x.example", "t": NOW, "a": NOW} for i in range(n)]


async def _round(engine: Any, n: int, times: dict[str, list[float]], serial: int) -> None:
    pg = engine.dialect.name == "postgresql"
    ws = "(SELECT min(id) FROM workspace)"

    def shift(by: str) -> str:
        return f"last_activity_at + interval '{by}'" if pg else f"datetime(last_activity_at, '+{by}')"

    async def timed(name: str, statements: list[tuple[str, Any]]) -> None:
        async with engine.begin() as c:
            started = time.perf_counter()
            for sql, params in statements:
                await c.execute(text(sql), params)
            times[name].append(time.perf_counter() - started)

    insert = ("INSERT INTO contact (workspace_id, name, name_key, search_text, email, origin, contact_since, "
              "last_activity_at, created_at, updated_at) ")
    if pg:
        await timed("insert N contacts, one statement", [(
            insert + f"SELECT {ws}, 'c ' || g, 'c ' || g, 'c ' || g, 'c' || g || '@{serial}.example', 'API', "
            f"CAST(:t AS timestamptz), CAST(:t AS timestamptz) - (g % 300) * interval '1 day', "
            f"CAST(:t AS timestamptz), CAST(:t AS timestamptz) FROM generate_series(1, {n}) g", {"t": NOW})])
    else:
        await timed("insert N contacts, one statement", [(
            insert + f"VALUES ({ws}, :n, :n, :n, :e, 'API', :t, :a, :t, :t)", _contact_rows(n, serial * n))])
    ids = await _ids(engine)
    await timed("move N contacts one day, one statement", [(
        f"UPDATE contact SET last_activity_at = {shift('1 day')}", {})])
    few = ids[: max(1, n // 25)]
    await timed("N/25 single-row updates, same day", [(
        f"UPDATE contact SET last_activity_at = {shift('1 second')} WHERE id = :i", {"i": i}) for i in few])
    await timed("N/25 single-row updates, new day", [(
        f"UPDATE contact SET last_activity_at = {shift('1 day')} WHERE id = :i", {"i": i}) for i in few])
    await timed("add N tag memberships, one statement", [(
        "INSERT INTO contact_tag (contact_id, tag_id, workspace_id, created_at) "
        "SELECT c.id, (SELECT min(id) FROM tag), c.workspace_id, :t FROM contact c", {"t": NOW})])
    await timed("move N tagged contacts one day, one statement", [(
        f"UPDATE contact SET last_activity_at = {shift('1 day')}", {})])
    await timed("delete N contacts (memberships cascade)", [("DELETE FROM contact", {})])


async def _ids(engine: Any) -> list[int]:
    async with engine.connect() as c:
        return [r[0] for r in await c.execute(text("SELECT id FROM contact ORDER BY id"))]


async def _bench(engine_name: str, server: str, n: int, rounds: int) -> dict[str, dict[str, list[float]]]:
    made: list[str] = []
    folder = tempfile.TemporaryDirectory(prefix="rapport-trigger-bench-")
    engines: dict[str, Any] = {}
    try:
        for label in ("with triggers", "without"):
            if engine_name == "postgresql":
                name = f"rapport_bench_trg_{uuid.uuid4().hex[:8]}"
                url = await create_postgres_database(server, name)
                made.append(name)
            else:
                url = f"sqlite+aiosqlite:///{folder.name}/{label.replace(' ', '_')}.db"
            engines[label] = await _prepare(url, label == "with triggers")
        times: dict[str, dict[str, list[float]]] = {label: defaultdict(list) for label in engines}
        for r in range(rounds):
            for label, engine in (engines.items() if r % 2 == 0 else reversed(engines.items())):
                await _round(engine, n, times[label], r)
        return times
    finally:
        for engine in engines.values():
            await engine.dispose()
        for name in made:
            await drop_postgres_database(server, name)
        folder.cleanup()


def _print(engine_name: str, n: int, rounds: int, times: dict[str, dict[str, list[float]]]) -> None:
    print(f"\n{engine_name}, N = {n:,}, median of {rounds} interleaved rounds, ms")
    print(f"{'write':<44}{'with triggers':>15}{'without':>10}{'extra':>9}{'per row':>10}")
    for case in times["with triggers"]:
        on, off = (statistics.median(times[label][case]) * 1000 for label in ("with triggers", "without"))
        rows = n // 25 if "N/25" in case else n
        print(f"{case:<44}{on:>15.1f}{off:>10.1f}{on - off:>9.1f}{(on - off) * 1000 / rows:>8.1f} µs")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if (make_url(args.server).host or "") not in ("127.0.0.1", "localhost", "::1"):
        parser.error("--server must be on loopback")
    n, rounds = max(100, min(args.rows, 1_000_000)), max(1, min(args.rounds, 20))
    # SIGTERM (a `timeout`, a CI cancel) cancels like Ctrl-C does, so the finally blocks drop the databases.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, asyncio.current_task().cancel)  # type: ignore[union-attr]
    for engine_name in args.engines.split(","):
        _print(engine_name, n, rounds, await _bench(engine_name, args.server, n, rounds))


if __name__ == "__main__":
    asyncio.run(main())
