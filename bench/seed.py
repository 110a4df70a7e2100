"""The benchmark database: a main workspace of N contacts and a second one, realistic in every table
the contract's ContactProfile and ContactsPage read, loaded in minutes.

    .venv/bin/python bench/seed.py --database-url postgresql://postgres@127.0.0.1:5432/rapport_bench_1m
    .venv/bin/python bench/seed.py --database-url sqlite:///bench/out/seed-100k.db --contacts 100000 --other-contacts 10000

Rows come from the demo generator (`domain.demo`): engagement bands, discards with every reason,
companies, departments, assignment, tags (~30 here, of skewed sizes), lists, groups, flows,
segments, subscriptions, message events with their daily rollups and latest event per channel,
conversations with turns and the serving model's verdicts, tickets, NPS answers, notes, items,
custom fields; every derived column is computed by the domain's own functions. They are loaded by
the demo's parallel loader (domain/demo/parallel): on PostgreSQL by COPY from worker processes with
indexes set aside and rebuilt afterwards, on SQLite by executemany; then VACUUM ANALYZE / ANALYZE.

The database is the seed's own: a seed of the same parameters is reused (only fresh API keys are
made); different parameters or --reseed drop it and load again. A database holding any workspace
that is not a bench workspace is never dropped.
"""

import argparse
import asyncio
import os
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.seed_database import Database  # noqa: E402
from bench.seed_profiles import MAIN_PREFIX, OTHER_PREFIX, TAG_SKEW, bench_profiles  # noqa: E402
from domain.demo.parallel.loader import load_parallel  # noqa: E402
from domain.demo.parallel.writers import TableTimes  # noqa: E402
from domain.db import normalize_database_url  # noqa: E402
from domain.demo.keys import renew_role_keys  # noqa: E402
from domain.demo.profiles import WorkspaceProfile  # noqa: E402
from domain.enums import Role  # noqa: E402
from domain.models import Contact, Segment, Tag  # noqa: E402
from domain.settings import DEFAULT_SATISFACTION_MODEL  # noqa: E402

SAMPLE_CONTACT_IDS = 1_000


@dataclass(frozen=True)
class Seeded:
    database_url: str  # the URL to give the app as DATABASE_URL
    workspace_id: int
    other_workspace_id: int
    admin_key: str  # fresh API key (ADMIN) of the main workspace
    agent_key: str  # fresh API key (AGENT) of the main workspace
    other_key: str  # fresh API key (ADMIN) of the second workspace
    contacts: int
    contact_ids: list[int]  # random sample (up to 1,000) of main-workspace contact ids
    tag_ids: list[int]
    segment_ids: list[int]


@dataclass
class Report:
    """What the CLI prints: seconds per phase, rows and write seconds per table."""

    reused: bool = False
    phases: dict[str, float] | None = None
    tables: TableTimes | None = None
    workers: int = 1
    generate_seconds: float = 0.0
    score_seconds: float = 0.0
    cpu_seconds: float = 0.0
    load_average: tuple[float, float] = (0.0, 0.0)
    conversations_scored: int = 0


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def ensure_seeded(
    database_url: str, *, contacts: int = 1_000_000, other_contacts: int = 50_000, seed: int = 7, reseed: bool = False
) -> Seeded:
    """The seeded database behind `database_url` (created, migrated and loaded when needed), with fresh keys."""
    seeded, _ = await seed_database(
        database_url, contacts=contacts, other_contacts=other_contacts, seed=seed, reseed=reseed
    )
    return seeded


async def seed_database(
    database_url: str, *, contacts: int, other_contacts: int, seed: int, reseed: bool, workers: int | None = None
) -> tuple[Seeded, Report]:
    if contacts < 1 or other_contacts < 1:
        raise ValueError("both workspaces need at least one contact")
    url = normalize_database_url(database_url)
    plan = bench_profiles(contacts, other_contacts, seed)
    slugs = [profile.slug for profile, _ in plan]
    database = Database(url)
    report = Report(phases={})
    load_at_start = os.getloadavg()[0]
    now = datetime.now(UTC)
    started = time.perf_counter()
    found = await database.published_workspaces(slugs)
    if reseed or len(found) < len(slugs):
        await database.recreate(allowed_prefixes=(MAIN_PREFIX, OTHER_PREFIX))
        report.phases["create + migrate"] = await database.migrate()
        await _load(database, plan, seed=seed, now=now, report=report, workers=workers)
        found = await database.published_workspaces(slugs)
    else:
        report.reused = True
        _say("The seed is already loaded; making fresh API keys (--reseed loads it again).")
        # A newer checkout may have added migrations since the seed was loaded.
        report.phases["migrate"] = await database.migrate()
    keys_started = time.perf_counter()
    engine = database.engine()
    try:
        main_id, other_id = found[slugs[0]], found[slugs[1]]
        main_keys, _ = await renew_role_keys(engine, main_id, now)
        other_keys, _ = await renew_role_keys(engine, other_id, now)
        async with engine.connect() as connection:
            ids = (
                await connection.execute(select(Contact.id).where(Contact.workspace_id == main_id).order_by(Contact.id))
            ).scalars().all()
            tags = (await connection.execute(select(Tag.id).where(Tag.workspace_id == main_id).order_by(Tag.id))).scalars()
            segments = (
                await connection.execute(select(Segment.id).where(Segment.workspace_id == main_id).order_by(Segment.id))
            ).scalars()
            tag_ids, segment_ids = list(tags), list(segments)
    finally:
        await engine.dispose()
    report.phases["keys + sample"] = time.perf_counter() - keys_started
    report.phases["total"] = time.perf_counter() - started
    report.load_average = (load_at_start, os.getloadavg()[0])
    sample = sorted(random.Random(seed).sample(list(ids), min(SAMPLE_CONTACT_IDS, len(ids))))
    seeded = Seeded(
        database_url=database_url, workspace_id=main_id, other_workspace_id=other_id, admin_key=main_keys[Role.ADMIN],
        agent_key=main_keys[Role.AGENT], other_key=other_keys[Role.ADMIN], contacts=len(ids), contact_ids=sample,
        tag_ids=tag_ids, segment_ids=segment_ids,
    )
    return seeded, report


async def _load(
    database: Database, plan: list[tuple[WorkspaceProfile, int]], *, seed: int, now: datetime, report: Report,
    workers: int | None,
) -> None:
    """The demo's parallel loader (domain.demo.parallel), with the bench's skewed tags."""
    loaded = await load_parallel(
        database.url, plan, seed=seed, now=now, workers=workers or min(os.cpu_count() or 1, 4),
        model_spec=DEFAULT_SATISFACTION_MODEL, tag_skew=TAG_SKEW, say=_say,
    )
    assert report.phases is not None
    report.phases.update(loaded.phases)
    report.workers = loaded.workers
    report.tables = loaded.tables
    for result in loaded.results:
        report.generate_seconds += result.generate_seconds
        report.score_seconds += result.score_seconds
        report.cpu_seconds += result.cpu_seconds
        report.conversations_scored += result.conversations_scored


def print_report(seeded: Seeded, report: Report) -> None:
    print(f"database       {make_url(seeded.database_url).render_as_string(hide_password=True)}")
    print(f"main workspace {seeded.workspace_id} ({seeded.contacts:,} contacts), second workspace {seeded.other_workspace_id}")
    if report.reused:
        print("seed reused (already loaded with these parameters)")
    if report.tables is not None:
        print(f"\n{'table':<26}{'rows':>12}{'write s':>10}{'rows/s':>12}   (write seconds summed over {report.workers} worker(s))")
        for table, rows in sorted(report.tables.rows.items(), key=lambda item: -item[1]):
            seconds = report.tables.seconds[table]
            print(f"{table:<26}{rows:>12,}{seconds:>10.1f}{rows / seconds if seconds else 0:>12,.0f}")
        total_rows = sum(report.tables.rows.values())
        print(f"{'all tables':<26}{total_rows:>12,}{sum(report.tables.seconds.values()):>10.1f}")
        print(f"\ngenerating rows {report.generate_seconds:.1f} s, scoring {report.conversations_scored:,} conversations "
              f"{report.score_seconds:.1f} s (summed over workers); worker CPU {report.cpu_seconds:.0f} s")
        print(f"load average (1 min) at start {report.load_average[0]:.1f}, at the end {report.load_average[1]:.1f} "
              f"on {os.cpu_count()} cores: other users' work shares the cores")
    print()
    for phase, seconds in (report.phases or {}).items():
        print(f"{phase:<36}{seconds:>9.1f} s")
    print(f"\nADMIN key  {seeded.admin_key}\nAGENT key  {seeded.agent_key}\nsecond workspace ADMIN key  {seeded.other_key}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="PostgreSQL database or SQLite file (created if missing)")
    parser.add_argument("--contacts", type=int, default=1_000_000, help="contacts of the main workspace")
    parser.add_argument("--other-contacts", type=int, default=50_000, help="contacts of the second workspace")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, help="PostgreSQL loader processes (default: cores, at most 4)")
    parser.add_argument("--reseed", action="store_true", help="drop and load again even if the seed matches")
    args = parser.parse_args()
    seeded, report = await seed_database(
        args.database_url, contacts=args.contacts, other_contacts=args.other_contacts, seed=args.seed,
        reseed=args.reseed, workers=args.workers,
    )
    print_report(seeded, report)


if __name__ == "__main__":
    asyncio.run(main())
