"""How fast `rapport demo` loads: N contacts into a fresh database, then throughput and row counts.

    .venv/bin/python bench/demo_load.py                 # 100,000 contacts into a temporary SQLite file
    .venv/bin/python bench/demo_load.py 20000 --postgres postgresql://postgres@127.0.0.1:5432/test

With --postgres the SQLite run is followed by a run in a scratch database created on that server
and dropped afterwards. Prints figures only; nothing is asserted.
"""

import argparse
import asyncio
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from sqlalchemy import func, select

from domain.db import create_engine, scratch_postgres_database
from domain.demo import load_demo
from domain.demo.store import TABLES_IN_FK_ORDER

console = Console(stderr=True)


@asynccontextmanager
async def sqlite_database() -> AsyncIterator[str]:
    """A SQLite file in a temporary directory, deleted afterwards."""
    with tempfile.TemporaryDirectory(prefix="rapport-demo-bench-") as directory:
        yield f"sqlite+aiosqlite:///{Path(directory) / 'demo.db'}"


@asynccontextmanager
async def postgres_database(server_url: str) -> AsyncIterator[str]:
    """A scratch database on the server behind `server_url`, dropped afterwards."""
    async with scratch_postgres_database(server_url, "rapport_demo_bench") as url:
        yield url


async def row_counts(url: str) -> dict[str, int]:
    """Rows per table after the load."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return {
                table.name: (await connection.execute(select(func.count()).select_from(table))).scalar_one()
                for table in TABLES_IN_FK_ORDER
            }
    finally:
        await engine.dispose()


async def run(label: str, url: str, contacts: int, seed: int) -> None:
    """Load once into an empty database and print the figures."""
    started = time.perf_counter()
    await load_demo(database_url=url, contacts=contacts, seed=seed, console=console, now=datetime.now(UTC))
    elapsed = time.perf_counter() - started
    counts = await row_counts(url)
    loaded_contacts, events = counts["contact"], counts["message_event"]
    print(f"\n== {label}: {contacts:,} contacts requested ==")
    print(f"elapsed        {elapsed:10.1f} s")
    print(f"contacts/s     {loaded_contacts / elapsed:10,.0f}   ({loaded_contacts:,} contacts in both workspaces)")
    print(f"events/s       {events / elapsed:10,.0f}   ({events:,} message events)")
    print(f"rows/s         {sum(counts.values()) / elapsed:10,.0f}   ({sum(counts.values()):,} rows)")
    for table, count in sorted(counts.items(), key=lambda item: -item[1]):
        print(f"  {table:<26}{count:>12,}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("contacts", nargs="?", type=int, default=100_000, help="contacts in the main workspace")
    parser.add_argument("--postgres", metavar="URL", help="also load into a scratch database on this server")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    async with sqlite_database() as url:
        await run("SQLite", url, args.contacts, args.seed)
    if args.postgres:
        async with postgres_database(args.postgres) as url:
            await run("PostgreSQL", url, args.contacts, args.seed)


if __name__ == "__main__":
    asyncio.run(main())
