"""Latency of the contract's read operations against a demo database, through the ASGI app.

    python bench/api_reads.py --contacts 100000            # SQLite file under bench/out/
    python bench/api_reads.py --database-url postgresql://postgres@127.0.0.1:5432/rapport_bench

The demo is loaded once per database (reused on later runs). Each operation runs --repeat times
in-process over HTTP (httpx + ASGI transport, no network); the script prints p50/p95/max in ms and
the SQL statements per request.
"""

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table
from sqlalchemy import event, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.app import create_app  # noqa: E402
from api.ids import to_global_id  # noqa: E402
from domain.db import create_engine  # noqa: E402
from domain.demo import load_demo  # noqa: E402
from domain.models import Contact, Segment, Tag, Workspace  # noqa: E402

CONTRACT = ROOT / "tests" / "contract"


def _document(name: str) -> str:
    return (CONTRACT / f"{name}.graphql").read_text(encoding="utf-8")


async def _ids(engine) -> dict[str, int]:  # type: ignore[no-untyped-def]
    async with engine.connect() as connection:
        ws = (await connection.execute(select(Workspace.id).where(Workspace.slug == "demo-main"))).scalar_one()
        contact = (
            await connection.execute(select(Contact.id).where(Contact.workspace_id == ws).order_by(Contact.id).limit(1))
        ).scalar_one()
        tag = (await connection.execute(select(Tag.id).where(Tag.workspace_id == ws).limit(1))).scalar_one()
        segment = (await connection.execute(select(Segment.id).where(Segment.workspace_id == ws).limit(1))).scalar_one()
    return {"contact": contact, "tag": tag, "segment": segment}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    console = Console(stderr=True)

    url = args.database_url or f"sqlite+aiosqlite:///{ROOT / 'bench' / 'out' / f'reads-{args.contacts}.db'}"
    workspaces = await load_demo(database_url=url, contacts=args.contacts, reset=False, seed=7, console=console)
    key = workspaces[0].keys[next(iter(workspaces[0].keys))]

    engine = create_engine(url)
    ids = await _ids(engine)
    statements = 0

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _count(*_: object) -> None:
        nonlocal statements
        statements += 1

    app = create_app(engine=engine)
    contacts_doc, profile_doc = _document("contacts"), _document("profile")
    cases = {
        "ContactProfile": (profile_doc, "ContactProfile", {"id": to_global_id("Contact", ids["contact"])}),
        "ContactsPage (25, default order)": (contacts_doc, "ContactsPage", {"first": 25}),
        "ContactsPage (100, NEW+FREQUENT, by activity)": (
            contacts_doc, "ContactsPage",
            {"first": 100, "filter": {"status": ["NEW", "FREQUENT"]}, "orderBy": {"field": "LAST_ACTIVITY_AT", "direction": "DESC"}},
        ),
        "ContactsPage (search 'maria')": (contacts_doc, "ContactsPage", {"first": 25, "search": "maria"}),
        "ContactsPage (tag + segment)": (
            contacts_doc, "ContactsPage",
            {"first": 25, "filter": {"tagIds": [to_global_id("Tag", ids["tag"])], "segmentId": to_global_id("Segment", ids["segment"])}},
        ),
        "FilterOptions": (contacts_doc, "FilterOptions", {}),
    }
    table = Table(title=f"read latency, {args.contacts} contacts, {engine.dialect.name}, {args.repeat} runs each")
    for column in ("operation", "p50 ms", "p95 ms", "max ms", "SQL statements"):
        table.add_column(column, justify="right" if column != "operation" else "left")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for label, (doc, op, variables) in cases.items():
            timings = []
            for _ in range(args.repeat):
                statements = 0
                started = time.perf_counter()
                response = await client.post(
                    "/graphql",
                    json={"query": doc, "operationName": op, "variables": variables},
                    headers={"Authorization": f"Bearer {key}"},
                )
                timings.append((time.perf_counter() - started) * 1000)
                body = response.json()
                if body.get("errors"):
                    raise SystemExit(f"{label}: {body['errors']}")
            timings.sort()
            p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
            table.add_row(label, f"{statistics.median(timings):.1f}", f"{p95:.1f}", f"{timings[-1]:.1f}", str(statements))
    Console().print(table)
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
