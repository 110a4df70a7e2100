"""Bulk actions on 100k contacts selected by filter, end to end, on a scratch SQLite database.

    python bench/bulk_action.py                      # 100k DORMANT contacts (+10k others)
    python bench/bulk_action.py --contacts 20000 --delete

Each action goes through the real app: the contract's ContactsBulkAction over HTTP (httpx + ASGI,
no network), then the app's own background JobRunner until `node(id:)` says COMPLETED. The figure
is from sending the mutation to seeing the job completed.
"""

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx
from graphql import OperationDefinitionNode, parse
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.app import create_app  # noqa: E402
from api.ids import to_global_id  # noqa: E402
from domain import models  # noqa: E402
from domain.clock import SystemClock  # noqa: E402
from domain.db import create_engine, session_factory  # noqa: E402
from domain.enums import ContactOrigin, Role  # noqa: E402
from domain.migrate import upgrade  # noqa: E402
from domain.services.auth import mint_key  # noqa: E402

CONTRACT = (ROOT / "tests" / "contract" / "actions.graphql").read_text(encoding="utf-8")


def _operation(name: str) -> str:
    """One operation of the contract, cut verbatim (a document is validated whole)."""
    (op,) = [d for d in parse(CONTRACT).definitions if isinstance(d, OperationDefinitionNode) and d.name.value == name]
    return CONTRACT[op.loc.start : op.loc.end]


BULK, JOB = _operation("ContactsBulkAction"), _operation("Job")


async def seed(engine, contacts: int, others: int) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    """A workspace with an OPERATOR key, a tag, `contacts` DORMANT and `others` NEW contacts."""
    now = SystemClock().now()
    async with session_factory(engine)() as session, session.begin():
        ws = models.Workspace(name="Bench", slug="bench", created_at=now)
        session.add(ws)
        await session.flush()
        user = models.User(workspace_id=ws.id, name="Operator", email="op@bench.example", role=Role.OPERATOR, created_at=now)
        tag = models.Tag(workspace_id=ws.id, name="vip", created_at=now)
        session.add_all([user, tag])
        await session.flush()
        key = await mint_key(session=session, user=user, now=now)
        for start in range(0, contacts + others, 10_000):
            rows = []
            for i in range(start, min(start + 10_000, contacts + others)):
                name = f"Contact {i:06d}"
                rows.append({
                    "workspace_id": ws.id, "name": name, "name_key": name.lower(), "search_text": name.lower(),
                    "email": f"c{i}@bench.example", "origin": ContactOrigin.IMPORT, "contact_since": now,
                    "last_activity_at": now - timedelta(days=90 if i < contacts else 3),
                    "created_at": now, "updated_at": now,
                })
            await session.execute(insert(models.Contact), rows)
    return key, tag.id


async def run(client: httpx.AsyncClient, key: str, variables: dict) -> tuple[int, int, float]:
    headers = {"Authorization": f"Bearer {key}"}
    started = time.perf_counter()
    body = {"query": BULK, "variables": variables, "operationName": "ContactsBulkAction"}
    payload = (await client.post("/graphql", json=body, headers=headers)).json()["data"]["contactsBulkAction"]
    assert not payload["userErrors"], payload["userErrors"]
    while True:
        body = {"query": JOB, "variables": {"id": payload["job"]["id"]}, "operationName": "Job"}
        job = (await client.post("/graphql", json=body, headers=headers)).json()["data"]["node"]
        if job["status"] in ("COMPLETED", "FAILED"):
            break
        await asyncio.sleep(0.05)
    assert job["status"] == "COMPLETED", job
    return payload["matched"], job["processed"], time.perf_counter() - started


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=100_000, help="contacts the filter selects")
    parser.add_argument("--others", type=int, default=10_000, help="contacts it does not select")
    parser.add_argument("--delete", action="store_true", help="also DELETE the selection at the end")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(scratch) / 'bench.db'}")
        await upgrade(engine)
        started = time.perf_counter()
        key, tag = await seed(engine, args.contacts, args.others)
        print(f"seeded {args.contacts + args.others:,} contacts in {time.perf_counter() - started:.1f} s")

        app = create_app(engine=engine, clock=SystemClock())
        dormant = {"ids": None, "filter": {"status": ["DORMANT"]}, "search": None}
        runs = [("ADD_TAG", dormant, to_global_id("Tag", tag)), ("SUSPEND", dormant, None)]
        if args.delete:
            runs.append(("DELETE", {"filter": {"tagIds": [to_global_id("Tag", tag)]}}, None))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=120) as client:
                for action, selection, target in runs:
                    variables = {"selection": selection, "action": action, "targetId": target, "dryRun": False}
                    matched, processed, seconds = await run(client, key, variables)
                    print(
                        f"{action:<8} by filter: {matched:,} matched, {processed:,} processed in {seconds:.2f} s "
                        f"({processed / seconds:,.0f} contacts/s)"
                    )
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
