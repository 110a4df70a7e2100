"""Speed of message-event ingestion against COPY (PostgreSQL) or executemany (SQLite) of the same rows.

    python bench/ingest.py                                    # PostgreSQL scratch database on 127.0.0.1
    python bench/ingest.py --sqlite                           # a SQLite file in a temp dir
    python bench/ingest.py --contacts 50000 --events 60000 --batch 1000 --batch 100

A scratch database gets a workspace of --contacts contacts, each with its EMAIL and SMS channels
(a third also WHATSAPP). A pipeline's traffic is generated: messages on those channels, each SENT
then DELIVERED (most), READ, CLICKED, REPLIED or a SOFT BOUNCE, 80% naming the contact by id and
20% by its address, all within the last 30 days. Each batch goes through the contract's
MessageEventsRecord over HTTP into the real app (httpx + ASGI, no network; every derived fact is
kept current in the request's transaction: daily counters, each channel's last event and bounces,
the contact's last activity, duplicate checks). Interleaved with it, batch by batch, the baseline
writes the same rows into a table shaped like message_event with the same indexes (`LIKE ...
INCLUDING ALL`): COPY on PostgreSQL, one executemany INSERT on SQLite. Both sides are timed per
batch; the figures are total rows over total time, with the median batch, and the ratio.
"""

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.app import create_app  # noqa: E402
from api.ids import parse_global_id, to_global_id  # noqa: E402
from domain import models  # noqa: E402
from domain.clock import SystemClock  # noqa: E402
from domain.db import create_engine, create_postgres_database, drop_postgres_database, session_factory  # noqa: E402
from domain.enums import Channel, ContactOrigin, MessageEventType, Role, SubscriptionStatus  # noqa: E402
from domain.migrate import upgrade  # noqa: E402
from domain.services.auth import mint_key  # noqa: E402

DOCUMENT = (ROOT / "tests" / "contract" / "ingest.graphql").read_text(encoding="utf-8")
SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
COLUMNS = ("workspace_id", "contact_id", "channel", "type", "message_id", "occurred_at", "recorded_at", "detail")


async def seed(engine, contacts: int):  # type: ignore[no-untyped-def]
    """A workspace with an OPERATOR key and `contacts` contacts with their channels; (key, ws id, people)."""
    now = SystemClock().now()
    async with session_factory(engine)() as session, session.begin():
        ws = models.Workspace(name="Bench", slug=f"bench-{uuid.uuid4().hex[:6]}", created_at=now)
        session.add(ws)
        await session.flush()
        user = models.User(workspace_id=ws.id, name="Pipeline", email="pipe@bench.example", role=Role.OPERATOR,
                           created_at=now)
        session.add(user)
        await session.flush()
        key = await mint_key(session=session, user=user, now=now)
        for start in range(0, contacts, 10_000):
            rows = []
            for i in range(start, min(start + 10_000, contacts)):
                name = f"Contact {i:06d}"
                rows.append({
                    "workspace_id": ws.id, "name": name, "name_key": name.lower(), "search_text": name.lower(),
                    "email": f"c{i}@bench.example", "phone": f"+54911{i:08d}", "origin": ContactOrigin.IMPORT,
                    "contact_since": now - timedelta(days=400), "created_at": now, "updated_at": now,
                })
            await session.execute(insert(models.Contact), rows)
        first_id = (await session.execute(text("SELECT min(id) FROM contact WHERE workspace_id = :w"),
                                          {"w": ws.id})).scalar_one()
        people = []
        subs = []
        for i in range(contacts):
            channels = [(Channel.EMAIL, f"c{i}@bench.example"), (Channel.SMS, f"+54911{i:08d}")]
            if i % 3 == 0:
                channels.append((Channel.WHATSAPP, f"+54911{i:08d}"))
            people.append((first_id + i, channels))
            subs += [{"workspace_id": ws.id, "contact_id": first_id + i, "channel": ch, "address": address,
                      "status": SubscriptionStatus.SUBSCRIBED, "changed_at": now} for ch, address in channels]
        for start in range(0, len(subs), 20_000):
            await session.execute(insert(models.ChannelSubscription), subs[start:start + 20_000])
    return key, ws.id, people


def traffic(rng: random.Random, people, events: int, prefix: str) -> list[dict]:
    """About `events` message events, as a pipeline sends them (the contract's MessageEventInput)."""
    now = SystemClock().now()
    out: list[dict] = []
    serial = 0
    while len(out) < events:
        serial += 1
        contact_id, channels = rng.choice(people)
        channel, address = rng.choice(channels)
        sent = now - timedelta(seconds=rng.randint(3600, 30 * 86400))
        stages = [MessageEventType.SENT]
        roll = rng.random()
        if roll < 0.03:
            stages.append(MessageEventType.BOUNCED)
        elif roll < 0.93:
            stages.append(MessageEventType.DELIVERED)
            if channel != Channel.SMS and rng.random() < 0.4:
                stages.append(MessageEventType.READ)
                if rng.random() < 0.25:
                    stages.append(MessageEventType.CLICKED)
            if channel != Channel.EMAIL and rng.random() < 0.08:
                stages.append(MessageEventType.REPLIED)
        by_id = rng.random() < 0.8
        for n, kind in enumerate(stages):
            event = {
                "messageId": f"{prefix}-{serial}", "channel": channel.value, "type": kind.value,
                "occurredAt": (sent + timedelta(seconds=30 * n)).isoformat(),
                "contactId": to_global_id("Contact", contact_id) if by_id else None,
                "address": None if by_id else address,
            }
            if kind == MessageEventType.BOUNCED:
                event["bounce"] = "SOFT"
            out.append(event)
    return out[:events]


def baseline_rows(batch: list[dict], ws_id: int, contact_of: dict[str, int], recorded: datetime) -> list[tuple]:
    """The rows Rapport stores for `batch`, for the baseline to write (ids and addresses resolved up front)."""
    return [
        (ws_id, parse_global_id(e["contactId"])[1] if e["contactId"] else contact_of[e["address"]], e["channel"],
         e["type"], e["messageId"], datetime.fromisoformat(e["occurredAt"]), recorded, e.get("bounce"))
        for e in batch
    ]


class Baseline:
    """The same rows into bench_event, a copy of message_event's shape and indexes."""

    def __init__(self, engine, postgres: bool) -> None:  # type: ignore[no-untyped-def]
        self.engine, self.postgres = engine, postgres

    async def prepare(self) -> None:
        async with self.engine.begin() as c:
            if self.postgres:
                await c.execute(text("CREATE TABLE bench_event (LIKE message_event INCLUDING ALL)"))
            else:
                ddl = (await c.execute(text(
                    "SELECT sql FROM sqlite_master WHERE tbl_name = 'message_event' AND sql IS NOT NULL"))).scalars().all()
                for statement in ddl:
                    await c.execute(text(statement.replace("message_event", "bench_event")
                                         .replace("ix_message_event", "ix_bench_event")
                                         .replace("uq_message_event", "uq_bench_event")))

    async def write(self, rows: list[tuple]) -> float:
        started = time.perf_counter()
        async with self.engine.connect() as c:
            if self.postgres:
                raw = (await c.get_raw_connection()).driver_connection
                async with raw.transaction():
                    await raw.copy_records_to_table("bench_event", records=rows, columns=list(COLUMNS))
            else:
                placeholders = ", ".join("?" for _ in COLUMNS)
                raw = (await c.get_raw_connection()).driver_connection
                converted = [(*r[:5], r[5].isoformat(sep=" "), r[6].isoformat(sep=" "), r[7]) for r in rows]
                await raw.executemany(f"INSERT INTO bench_event ({', '.join(COLUMNS)}) VALUES ({placeholders})", converted)
                await raw.commit()
        return time.perf_counter() - started


async def run(url: str, postgres: bool, args: argparse.Namespace) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
        started = time.perf_counter()
        key, ws_id, people = await seed(engine, args.contacts)
        print(f"seeded {args.contacts:,} contacts with {sum(len(c) for _, c in people):,} channels "
              f"in {time.perf_counter() - started:.1f} s")
        if postgres:  # a live database has statistics; a freshly loaded one needs them for sane plans
            async with engine.connect() as c:
                await (await c.get_raw_connection()).driver_connection.execute("ANALYZE")
        contact_of = {address: pk for pk, channels in people for _, address in channels if "@" in address}
        contact_of.update({address: pk for pk, channels in people for ch, address in channels if ch == Channel.SMS})
        baseline = Baseline(engine, postgres)
        await baseline.prepare()
        app = create_app(engine=engine, clock=SystemClock())
        rng = random.Random(7)
        headers = {"Authorization": f"Bearer {key}"}
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=300) as client:
                for size in args.batch:
                    events = traffic(rng, people, args.events, prefix=f"b{size}")
                    batches = [events[i:i + size] for i in range(0, len(events), size)]
                    ours, theirs, stored = [], [], 0
                    recorded = SystemClock().now()
                    for batch in batches:
                        body = {"query": DOCUMENT, "operationName": "MessageEventsRecord", "variables": {"events": batch}}
                        t0 = time.perf_counter()
                        answer = (await client.post("/graphql", json=body, headers=headers)).json()
                        ours.append(time.perf_counter() - t0)
                        payload = answer["data"]["messageEventsRecord"]
                        assert not payload["userErrors"], payload["userErrors"][:3]
                        stored += payload["accepted"]
                        theirs.append(await baseline.write(baseline_rows(batch, ws_id, contact_of, recorded)))
                    rate, base = len(events) / sum(ours), len(events) / sum(theirs)
                    print(
                        f"batches of {size:>5,}: Rapport {rate:>8,.0f} events/s (median batch {statistics.median(ours) * 1000:,.0f} ms, "
                        f"{stored:,} stored) | {'COPY' if postgres else 'executemany'} {base:>9,.0f} rows/s "
                        f"(median {statistics.median(theirs) * 1000:,.1f} ms) | Rapport at {rate / base:.1%} of the baseline, "
                        f"{base / rate:.0f}x slower"
                    )
    finally:
        await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file instead of PostgreSQL")
    parser.add_argument("--postgres", default=SERVER, help="the PostgreSQL server (a scratch database is made there)")
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=20_000, help="events per batch size")
    parser.add_argument("--batch", type=int, action="append", help="batch size (repeatable; default 100 and 1000)")
    args = parser.parse_args()
    args.batch = args.batch or [100, 1000]
    if args.sqlite:
        with tempfile.TemporaryDirectory() as scratch:
            print(f"SQLite, {args.contacts:,} contacts")
            await run(f"sqlite+aiosqlite:///{Path(scratch) / 'ingest.db'}", False, args)
        return
    name = f"rapport_ingest_{uuid.uuid4().hex[:8]}"
    url = await create_postgres_database(args.postgres, name)
    print(f"PostgreSQL, {args.contacts:,} contacts (scratch database {name}, dropped afterwards)")
    try:
        await run(url, True, args)
    finally:
        await drop_postgres_database(args.postgres, name)


if __name__ == "__main__":
    asyncio.run(main())
