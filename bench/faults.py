"""Fault injection against a real `rapport serve` on PostgreSQL: the database going away, and kill -9.

    python bench/faults.py                       # every scenario
    python bench/faults.py --only database-down  # or: --only kill, --only kill-bulk, --only kill-demo
    python bench/faults.py --postgres postgresql://postgres@127.0.0.1:5432/postgres --rows 30000

(a) database-down: the server reaches PostgreSQL through a TCP proxy run by this script (asyncio,
    loopback port -> 127.0.0.1:5432), so "stopping the database" closes the proxy's listener and
    cuts its connections without touching the real server. While it is down, requests must fail
    within FAIL_FAST_SECONDS with `extensions.code` SERVICE_UNAVAILABLE (never INTERNAL_SERVER_ERROR)
    and GET /health/ready must answer 503; requests in flight when it goes down must not 500 either.
    Once the proxy listens again the same server process must answer normally, /health/ready 200,
    an import job (--rows rows) running at the cut must resume to COMPLETED with every row once,
    and an import job queued afterwards must complete (the job runner survived the outage).
(b) kill: an import of --rows rows (unique e-mails, every row with name, e-mail, language and a tag)
    is queued; when its job is RUNNING with processed > 0 the server gets SIGKILL. The rows in the
    database must then equal the job's committed `created` (no half-written batch); after a restart
    the job must resume to COMPLETED (or be FAILED), with contacts == created and every contact row
    complete (name, e-mail, language, search text, exactly one tag).
(c) kill-bulk: an import of --rows rows is run to COMPLETED first; then a contactsBulkAction ADD_TAG of a
    new tag on every contact of the workspace (empty filter: the --rows rows and the demo's contacts) is
    queued, and when its job is RUNNING with processed > 0 the server gets SIGKILL. Each contact's effect
    is two rows (its contact_tag row and its CONTACT_TAGS_ADDED audit entry): right after the kill, every snapshotted
    contact at a position <= the job's committed cursor must have both, every later one neither, and
    cursor == processed == tagged contacts. After a restart the job must resume to COMPLETED (or be
    FAILED); at the end every contact of the snapshot has exactly one tag row and one audit entry for it,
    and processed == total, failed == 0.

(d) kill-demo: `rapport demo --contacts --demo-contacts` (large enough for the parallel loader, which
    sets the bulk tables' indexes, keys and count triggers aside) runs in an empty database; once it has
    written contacts with indexes set aside, its whole process group gets SIGKILL. What was set aside
    must be on record (deferred_ddl) and the demo marked as loading; running `rapport demo` again must
    then finish with nothing owed, every index, constraint and trigger as a freshly migrated
    database has them, every contact loaded and the maintained counts equal to a recount.

Each check prints PASS or FAIL; exit status 0 when all pass. Scratch databases are dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import (  # noqa: E402
    ACTIONS, CONTACTS, DEFAULT_POSTGRES, INGEST, PROFILE, Server, free_port, prepare, scratch_database,
    server_environment,
)

from domain.db import create_engine  # noqa: E402
from tests.contract.documents import example_variables  # noqa: E402
from tests.tcp_proxy import Proxy  # noqa: E402

FAIL_FAST_SECONDS = 5.0
# A read that needs the database (`viewer` alone is answered from the cached credential check).
TAGS = "query Tags { tags(first: 1) { totalCount } }"
RESULTS: list[tuple[str, bool]] = []


def check(label: str, passed: bool, detail: str = "") -> bool:
    RESULTS.append((label, passed))
    print(f"{'PASS' if passed else 'FAIL'}  {label}{f'  [{detail}]' if detail else ''}", flush=True)
    return passed


async def post(http: httpx.AsyncClient, key: str, query: str, variables: dict | None = None,
               operation: str | None = None) -> tuple[int, dict, float]:
    started = time.monotonic()
    response = await http.post("/graphql", json={"query": query, "variables": variables or {}, "operationName": operation},
                               headers={"Authorization": f"Bearer {key}"})
    elapsed = time.monotonic() - started
    try:
        body = response.json()
    except ValueError:
        body = {"raw": response.text[:200]}
    return response.status_code, body, elapsed


def codes(body: dict) -> list[str]:
    return [(error.get("extensions") or {}).get("code", "NO_CODE") for error in body.get("errors") or []]


def csv_bytes(stem: str, rows: int, domain: str) -> bytes:
    lines = ["name,email,language,tags"]
    lines += [f"Fault {stem} {i},{stem}-{i}@{domain},es,{stem}" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


async def upload(http: httpx.AsyncClient, key: str, body: bytes) -> dict:
    variables = example_variables("ContactsImport")
    variables["options"]["updateExisting"] = False
    operations = {"query": ACTIONS, "operationName": "ContactsImport", "variables": variables}
    response = await http.post(
        "/graphql", headers={"Authorization": f"Bearer {key}"},
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": ("faults.csv", body, "text/csv")}, timeout=120,
    )
    payload = response.json()
    if "errors" in payload or payload["data"]["contactsImport"]["userErrors"]:
        raise SystemExit(f"import not queued: {payload}")
    return payload["data"]["contactsImport"]["job"]


async def job_row(url: str, job_id: str) -> dict:
    """The import job's row, read directly (the id is the job's global id, decoded by the API's helper)."""
    from api.ids import parse_global_id  # noqa: PLC0415

    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            row = (await connection.execute(
                text("SELECT status, total, processed, created, updated, skipped, failed, cursor, error FROM job WHERE id = :id"),
                {"id": parse_global_id(job_id)[1]},
            )).mappings().one()
    finally:
        await engine.dispose()
    return dict(row)


async def wait_job(url: str, job_id: str, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = await job_row(url, job_id)
        if job["status"] in ("COMPLETED", "FAILED") or time.monotonic() > deadline:
            return job
        await asyncio.sleep(0.5)


# --- (a) the database stops and comes back ----------------------------------------------------------


async def database_down(postgres: str, contacts: int, rows: int) -> None:
    print("\n== (a) database stops and comes back (TCP proxy in front of PostgreSQL)", flush=True)
    async with scratch_database(postgres, "bench_faults") as url:
        env, notes = server_environment(url)
        keys = prepare(env, contacts)  # migrate and demo straight to the database
        parsed = make_url(url)
        proxy = Proxy(parsed.host or "127.0.0.1", parsed.port or 5432)
        await proxy.start()
        proxied = parsed.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        env, _ = server_environment(proxied)
        log_path = Path(tempfile.gettempdir()) / f"bench_faults_down_{uuid.uuid4().hex[:6]}.log"
        server = Server(env, free_port(), log_path)
        await server.start()
        print(f"server {server.base_url} -> proxy 127.0.0.1:{proxy.port} -> {parsed.host}:{parsed.port} (log {log_path})")
        for note in notes:
            print("note:", note)
        key = keys["OPERATOR"]
        try:
            async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
                status, body, _ = await post(http, key, CONTACTS, {"first": 50}, "ContactsPage")
                ids = [edge["node"]["id"] for edge in body["data"]["contacts"]["edges"]]
                check("up: ContactsPage answers", status == 200 and not body.get("errors"), f"HTTP {status}")
                check("up: /health/ready is 200", (await http.get("/health/ready")).status_code == 200)

                # An import job running when the database goes away must resume, not fail.
                outage_stem = f"outage-{uuid.uuid4().hex[:6]}"
                outage_job = await upload(http, keys["ADMIN"], csv_bytes(outage_stem, rows, "outage.faults.example"))
                deadline = time.monotonic() + 120
                state = await job_row(url, outage_job["id"])
                while not (state["status"] == "RUNNING" and state["processed"] > 0) and time.monotonic() < deadline:
                    if state["status"] in ("COMPLETED", "FAILED"):
                        break
                    await asyncio.sleep(0.02)
                    state = await job_row(url, outage_job["id"])
                print(f"import job of {rows} rows at the cut: {state['status']} processed {state['processed']}", flush=True)

                # Requests in flight when the database goes away.
                async def reader(n: int) -> tuple[int, dict, float]:
                    await asyncio.sleep(n * 0.01)
                    return await post(http, key, PROFILE, {"id": ids[n % len(ids)]}, "ContactProfile")

                inflight = [asyncio.create_task(reader(n)) for n in range(40)]
                await asyncio.sleep(0.15)
                await proxy.stop()
                down_at = time.monotonic()
                print("proxy stopped: listener closed, connections cut", flush=True)
                results = await asyncio.gather(*inflight)
                seen = Counter((status, ",".join(codes(body)) or "ok") for status, body, _ in results)
                print("requests in flight at the cut:", dict(seen))
                check("in flight: no 500 / INTERNAL_SERVER_ERROR",
                      all(status != 500 and "INTERNAL_SERVER_ERROR" not in codes(body) for status, body, _ in results))
                check("in flight: every failure is SERVICE_UNAVAILABLE",
                      all(set(codes(body)) <= {"SERVICE_UNAVAILABLE"} for _, body, _ in results))

                samples = [
                    ("Tags", TAGS, {}, None),
                    ("ContactProfile", PROFILE, {"id": ids[0]}, "ContactProfile"),
                    ("ContactsPage", CONTACTS, {"first": 25}, "ContactsPage"),
                    ("MessageEventsRecord", INGEST, {"events": [{"messageId": f"down-{uuid.uuid4().hex}", "contactId": ids[0],
                     "address": None, "channel": "SMS", "type": "SENT", "occurredAt": "2026-11-20T10:00:00Z"}]},
                     "MessageEventsRecord"),
                ]
                for name, query, variables, operation in samples:
                    status, body, elapsed = await post(http, key, query, variables, operation)
                    message = (body.get("errors") or [{}])[0].get("message")
                    check(f"down: {name} fails fast with SERVICE_UNAVAILABLE",
                          elapsed < FAIL_FAST_SECONDS and codes(body) == ["SERVICE_UNAVAILABLE"],
                          f"HTTP {status} in {elapsed * 1000:.0f} ms: {message!r} {codes(body)}")
                started = time.monotonic()
                ready = await http.get("/health/ready")
                check("down: /health/ready is 503", ready.status_code == 503,
                      f"{ready.status_code} in {(time.monotonic() - started) * 1000:.0f} ms: {ready.text[:160]}")
                await asyncio.sleep(max(0.0, 3 - (time.monotonic() - down_at)))

                await proxy.start()
                print("proxy listening again (same port); server not restarted", flush=True)
                recovered = None
                started = time.monotonic()
                while time.monotonic() - started < 15:
                    status, body, _ = await post(http, key, TAGS)
                    if status == 200 and not body.get("errors"):
                        recovered = time.monotonic() - started
                        break
                    await asyncio.sleep(0.25)
                check("back: requests succeed again without a restart", recovered is not None,
                      f"first success after {recovered:.2f} s" if recovered is not None else "no success in 15 s")
                status, body, _ = await post(http, key, PROFILE, {"id": ids[1]}, "ContactProfile")
                check("back: ContactProfile answers", status == 200 and not body.get("errors"), f"HTTP {status} {codes(body)}")
                check("back: /health/ready is 200", (await http.get("/health/ready")).status_code == 200)
                job = await upload(http, keys["ADMIN"], csv_bytes(f"after-{uuid.uuid4().hex[:6]}", 200, "faults.example"))
                final = await wait_job(url, job["id"], 60)
                check("back: an import queued after the outage completes (job runner alive)",
                      final["status"] == "COMPLETED" and final["created"] == 200, f"{final['status']} created {final['created']}")
                final = await wait_job(url, outage_job["id"], 300)
                stored = await contact_stats(url, "outage.faults.example", outage_stem)
                check("back: the import running at the cut resumed to COMPLETED, every row once",
                      final["status"] == "COMPLETED" and final["created"] == rows == stored["contacts"]
                      and stored["duplicates"] == 0 and stored["incomplete"] == 0,
                      f"{final['status']} created {final['created']}, {stored['contacts']} contacts, error {final['error']!r}")
                check("server process still the same one", server.process is not None and server.process.poll() is None)
        finally:
            server.stop()
            await proxy.stop()


# --- (b) kill -9 in the middle of an import ----------------------------------------------------------


async def kill_mid_import(postgres: str, contacts: int, rows: int) -> None:
    print(f"\n== (b) SIGKILL during a {rows}-row import", flush=True)
    async with scratch_database(postgres, "bench_faults") as url:
        env, _ = server_environment(url)
        keys = prepare(env, contacts)
        log_path = Path(tempfile.gettempdir()) / f"bench_faults_kill_{uuid.uuid4().hex[:6]}.log"
        server = Server(env, free_port(), log_path)
        await server.start()
        stem = f"kill-{uuid.uuid4().hex[:6]}"
        domain = "kill.faults.example"
        try:
            async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
                job = await upload(http, keys["ADMIN"], csv_bytes(stem, rows, domain))
            print(f"queued job {job['id']} (total {job['total']})", flush=True)
            deadline = time.monotonic() + 300
            state = await job_row(url, job["id"])
            while not (state["status"] == "RUNNING" and state["processed"] > 0):
                if state["status"] in ("COMPLETED", "FAILED") or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.02)
                state = await job_row(url, job["id"])
            killed = state["status"] == "RUNNING" and state["processed"] > 0
            if killed:
                server.kill()
            check("server killed (SIGKILL) while the job was RUNNING with processed > 0", killed,
                  f"state seen: {state['status']} processed {state['processed']}/{state['total']}")
            after_kill = await job_row(url, job["id"])
            stored = await contact_stats(url, domain, stem)
            print(f"after the kill: job {after_kill['status']} processed {after_kill['processed']} "
                  f"created {after_kill['created']} cursor {after_kill['cursor']}; contacts in database {stored['contacts']}")
            check("after the kill: contacts in database == job's committed created",
                  stored["contacts"] == after_kill["created"], f"{stored['contacts']} vs {after_kill['created']}")

            server = Server(env, free_port(), log_path)
            started = time.monotonic()
            await server.start()
            final = await wait_job(url, job["id"], 300)
            print(f"after the restart: job {final['status']} in {time.monotonic() - started:.1f} s: processed "
                  f"{final['processed']}/{final['total']} created {final['created']} skipped {final['skipped']} "
                  f"failed {final['failed']} error {final['error']!r}")
            stored = await contact_stats(url, domain, stem)
            check("job resumed to COMPLETED (or was marked FAILED)", final["status"] in ("COMPLETED", "FAILED"), final["status"])
            if final["status"] == "COMPLETED":
                check(f"completed job created every row ({rows})", final["created"] == rows, str(final["created"]))
            check("contacts in database == job's created", stored["contacts"] == final["created"],
                  f"{stored['contacts']} vs {final['created']}")
            check("every imported contact row is complete (name, e-mail, language, search text)",
                  stored["incomplete"] == 0, f"{stored['incomplete']} incomplete")
            check("every imported contact has exactly one tag row", stored["tag_rows_wrong"] == 0,
                  f"{stored['tag_rows_wrong']} without exactly one")
            check("no e-mail imported twice", stored["duplicates"] == 0, str(stored["duplicates"]))
        finally:
            server.stop()


# --- (c) kill -9 in the middle of a bulk job ---------------------------------------------------------


TAG_CREATE = "mutation TagCreate($input: TagInput!) { tagCreate(input: $input) { tag { id name } userErrors { field message code } } }"


async def kill_mid_bulk(postgres: str, contacts: int, rows: int) -> None:
    from api.ids import parse_global_id  # noqa: PLC0415

    print(f"\n== (c) SIGKILL during a bulk ADD_TAG over the {rows} imported rows and the demo's contacts", flush=True)
    async with scratch_database(postgres, "bench_faults") as url:
        env, _ = server_environment(url)
        keys = prepare(env, contacts)
        log_path = Path(tempfile.gettempdir()) / f"bench_faults_bulk_{uuid.uuid4().hex[:6]}.log"
        server = Server(env, free_port(), log_path)
        await server.start()
        stem = f"bulk-{uuid.uuid4().hex[:6]}"
        try:
            async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
                seed = await upload(http, keys["ADMIN"], csv_bytes(stem, rows, "bulk.faults.example"))
                seeded = await wait_job(url, seed["id"], 300)
                if not check(f"seed import of {rows} rows COMPLETED", seeded["status"] == "COMPLETED"
                             and seeded["created"] == rows, f"{seeded['status']} created {seeded['created']}"):
                    return
                status, body, _ = await post(http, keys["OPERATOR"], TAG_CREATE, {"input": {"name": f"{stem}-bulk"}},
                                             "TagCreate")
                tag = ((body.get("data") or {}).get("tagCreate") or {}).get("tag")
                if not check("TagCreate answers a new tag", status == 200 and tag is not None,
                             f"{tag['id']} {tag['name']}" if tag else f"HTTP {status} {body}"[:300]):
                    return
                variables = example_variables("ContactsBulkAction")
                variables.update(selection={"ids": None, "filter": {}, "search": None}, action="ADD_TAG",
                                 targetId=tag["id"], dryRun=False)
                status, body, _ = await post(http, keys["OPERATOR"], ACTIONS, variables, "ContactsBulkAction")
            payload = (body.get("data") or {}).get("contactsBulkAction") or {}
            job = payload.get("job")
            queued = status == 200 and job is not None and not payload.get("userErrors")
            if not check("ContactsBulkAction ADD_TAG (empty filter) queued a job", queued,
                         f"matched {payload['matched']}, job {job['status']} total {job['total']}" if queued
                         else f"HTTP {status} {body}"[:300]):
                return
            tag_id = parse_global_id(tag["id"])[1]
            job_id = parse_global_id(job["id"])[1]
            print(f"queued bulk job {job['id']} (job {job_id}, tag {tag_id}; log {log_path})", flush=True)
            deadline = time.monotonic() + 300
            state = await job_row(url, job["id"])
            while not (state["status"] == "RUNNING" and state["processed"] > 0):
                if state["status"] in ("COMPLETED", "FAILED") or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.01)
                state = await job_row(url, job["id"])
            killed = state["status"] == "RUNNING" and 0 < state["processed"] < state["total"]
            if killed:
                server.kill()
            check("server killed (SIGKILL) while the bulk job was RUNNING with 0 < processed < total", killed,
                  f"state seen: {state['status']} processed {state['processed']}/{state['total']}")
            after_kill = await job_row(url, job["id"])
            stored = await bulk_stats(url, job_id, tag_id, after_kill["cursor"])
            print(f"after the kill: job {after_kill['status']} processed {after_kill['processed']}/{after_kill['total']} "
                  f"failed {after_kill['failed']} cursor {after_kill['cursor']}; {stored}", flush=True)
            check("after the kill: job's cursor == processed (items 1..N, no deleted contacts)",
                  after_kill["cursor"] == after_kill["processed"] and after_kill["failed"] == 0,
                  f"cursor {after_kill['cursor']} processed {after_kill['processed']} failed {after_kill['failed']}")
            check("after the kill: no half-applied contact (tag row without its audit entry or the reverse)",
                  stored["half"] == 0, f"{stored['half']} half-applied")
            check("after the kill: every contact up to the committed cursor is done, none after it",
                  stored["missing_before"] == 0 and stored["done_after"] == 0,
                  f"{stored['missing_before']} missing at or before the cursor, {stored['done_after']} done after it")
            check("after the kill: tagged contacts == job's committed processed",
                  stored["tagged"] == stored["audited"] == after_kill["processed"],
                  f"{stored['tagged']} tagged, {stored['audited']} audited vs processed {after_kill['processed']}")

            server = Server(env, free_port(), log_path)
            started = time.monotonic()
            await server.start()
            final = await wait_job(url, job["id"], 300)
            print(f"after the restart: job {final['status']} in {time.monotonic() - started:.1f} s: processed "
                  f"{final['processed']}/{final['total']} failed {final['failed']} cursor {final['cursor']} "
                  f"error {final['error']!r}", flush=True)
            stored = await bulk_stats(url, job_id, tag_id, final["cursor"])
            print(f"at the end: {stored}", flush=True)
            check("bulk job resumed to COMPLETED (or was marked FAILED)", final["status"] in ("COMPLETED", "FAILED"),
                  final["status"])
            if final["status"] == "COMPLETED":
                check("completed job counters: processed == cursor == total == snapshot, failed == 0",
                      final["processed"] == final["cursor"] == final["total"] == stored["items"] and final["failed"] == 0,
                      f"processed {final['processed']} cursor {final['cursor']} total {final['total']} "
                      f"items {stored['items']} failed {final['failed']}")
                check("every contact of the snapshot has the tag", stored["tagged"] == stored["items"],
                      f"{stored['tagged']} of {stored['items']}")
            check("no half-applied contact at the end", stored["half"] == 0 and stored["missing_before"] == 0
                  and stored["done_after"] == 0,
                  f"half {stored['half']}, missing {stored['missing_before']}, beyond cursor {stored['done_after']}")
            check("each contact has the effect exactly once (one tag row, one CONTACT_TAGS_ADDED audit entry)",
                  stored["audit_duplicates"] == 0 and stored["tag_rows_outside"] == 0 and stored["tagged"] == stored["audited"],
                  f"{stored['audit_duplicates']} contacts with more than one audit entry, {stored['tag_rows_outside']} tag "
                  f"rows outside the snapshot, {stored['tagged']} tagged vs {stored['audited']} audited")
        finally:
            server.stop()


async def bulk_stats(url: str, job_id: int, tag_id: int, cursor: int) -> dict[str, int]:
    """Per snapshotted contact of the bulk job: has it the tag row, the CONTACT_TAGS_ADDED audit entry, both, one?"""
    engine = create_engine(url)
    params = {"job": job_id, "tag": tag_id, "cursor": cursor,
              "change": json.dumps([{"field": "tag_ids", "added": [tag_id]}])}
    sql = """
        WITH audits AS (
            SELECT contact_id, count(*) AS n FROM audit_entry
            WHERE action = 'CONTACT_TAGS_ADDED' AND CAST(changes AS jsonb) @> CAST(:change AS jsonb) GROUP BY contact_id
        ), items AS (
            SELECT i.position, t.contact_id IS NOT NULL AS tagged, coalesce(a.n, 0) AS audits
            FROM job_item i
            LEFT JOIN contact_tag t ON t.contact_id = i.contact_id AND t.tag_id = :tag
            LEFT JOIN audits a ON a.contact_id = i.contact_id
            WHERE i.job_id = :job
        )
        SELECT count(*) AS items,
               count(*) FILTER (WHERE tagged) AS tagged,
               count(*) FILTER (WHERE audits > 0) AS audited,
               count(*) FILTER (WHERE tagged <> (audits > 0)) AS half,
               count(*) FILTER (WHERE position <= :cursor AND NOT (tagged AND audits > 0)) AS missing_before,
               count(*) FILTER (WHERE position > :cursor AND (tagged OR audits > 0)) AS done_after,
               count(*) FILTER (WHERE audits > 1) AS audit_duplicates,
               (SELECT count(*) FROM contact_tag t WHERE t.tag_id = :tag AND t.contact_id NOT IN
                   (SELECT contact_id FROM job_item WHERE job_id = :job)) AS tag_rows_outside
        FROM items"""
    try:
        async with engine.connect() as connection:
            row = (await connection.execute(text(sql), params)).mappings().one()
    finally:
        await engine.dispose()
    return {key: int(value) for key, value in row.items()}

async def contact_stats(url: str, domain: str, stem: str) -> dict[str, int]:
    engine = create_engine(url)
    pattern = f"%@{domain}"
    try:
        async with engine.connect() as connection:
            async def scalar(sql: str) -> int:
                return (await connection.execute(text(sql), {"p": pattern, "stem": stem})).scalar_one()

            return {
                "contacts": await scalar("SELECT count(*) FROM contact WHERE email LIKE :p"),
                "incomplete": await scalar(
                    "SELECT count(*) FROM contact WHERE email LIKE :p AND (name NOT LIKE 'Fault %' OR language IS DISTINCT "
                    "FROM 'es' OR coalesce(search_text, '') = '' OR coalesce(name_key, '') = '' OR created_at IS NULL)"),
                "tag_rows_wrong": await scalar(
                    "SELECT count(*) FROM contact c WHERE c.email LIKE :p AND (SELECT count(*) FROM contact_tag t "
                    "WHERE t.contact_id = c.id) <> 1"),
                "duplicates": await scalar(
                    "SELECT count(*) - count(DISTINCT lower(email)) FROM contact WHERE email LIKE :p"),
            }
    finally:
        await engine.dispose()


# --- (d) kill -9 in the middle of a parallel demo load ----------------------------------------------

SHAPE = {
    "indexes": "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
    "constraints": "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                   "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2",
    "triggers": "SELECT tgrelid::regclass::text, tgname, tgenabled::text FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2",
}


async def schema_shape(url: str) -> dict[str, list[tuple]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return {name: [tuple(r) for r in await connection.execute(text(sql))] for name, sql in SHAPE.items()}
    finally:
        await engine.dispose()


async def scalar_of(url: str, sql: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return int((await connection.execute(text(sql))).scalar_one())
    finally:
        await engine.dispose()


async def kill_mid_demo(postgres: str, contacts: int) -> None:
    import os
    import signal
    import subprocess
    from datetime import UTC, datetime

    from load import rapport_command
    from tests.count_checks import maintained, truth

    print(f"\n== (d) SIGKILL during a parallel `rapport demo --contacts {contacts}`", flush=True)
    async with scratch_database(postgres, "bench_faults_demo") as url, scratch_database(postgres, "bench_faults_fresh") as fresh:
        env, _ = server_environment(url)
        subprocess.run([*rapport_command(), "migrate"], env=dict(env, DATABASE_URL=fresh), check=True, capture_output=True)
        expected = await schema_shape(fresh)
        demo = subprocess.Popen([*rapport_command(), "demo", "--contacts", str(contacts)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline, owed, written = time.monotonic() + 300, 0, 0
        while demo.poll() is None and time.monotonic() < deadline and not (owed and written > contacts // 10):
            await asyncio.sleep(0.5)
            try:
                owed = await scalar_of(url, "SELECT count(*) FROM deferred_ddl")
                written = await scalar_of(url, "SELECT count(*) FROM contact")
            except Exception:  # noqa: BLE001 - tables not migrated yet
                continue
        killed = demo.poll() is None
        if killed:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait()
        check("demo killed (SIGKILL, every process) while loading with indexes set aside", killed and owed > 0,
              f"owed {owed}, contacts written {written}")
        owed = await scalar_of(url, "SELECT count(*) FROM deferred_ddl")
        loading = await scalar_of(url, "SELECT count(*) FROM workspace WHERE slug LIKE '%~loading'")
        check("after the kill: what was set aside is on record, the demo marked as loading", owed > 0 and loading == 2,
              f"{owed} statements owed, {loading} workspaces loading")

        started = time.monotonic()
        again = subprocess.run([*rapport_command(), "demo", "--contacts", str(contacts)], env=env, capture_output=True,
                               text=True, timeout=1800)
        print(f"`rapport demo` again: exit {again.returncode} in {time.monotonic() - started:.0f} s", flush=True)
        check("`rapport demo` again finishes", again.returncode == 0, again.stderr[-500:])
        check("nothing is owed afterwards", await scalar_of(url, "SELECT count(*) FROM deferred_ddl") == 0)
        shape = await schema_shape(url)
        for name in SHAPE:
            check(f"{name} as in a freshly migrated database", shape[name] == expected[name],
                  f"{len(shape[name])} vs {len(expected[name])}")
        total = await scalar_of(url, "SELECT count(*) FROM contact")
        check("every contact loaded (both workspaces)", total == contacts + max(50, contacts // 10), str(total))
        engine = create_engine(url)
        try:
            now = datetime.now(UTC)
            async with engine.connect() as connection:
                workspaces = (await connection.execute(text("SELECT id FROM workspace"))).scalars().all()
            for workspace_id in workspaces:
                truth_now = await truth(engine, workspace_id, now)
                check(f"workspace {workspace_id}: maintained counts equal a recount",
                      await maintained(engine, workspace_id, now, list(truth_now[1])) == truth_now)
        finally:
            await engine.dispose()


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--rows", type=int, default=30_000,
                        help="rows of the import killed in (b), and of the import whose contacts (c) bulk-tags")
    parser.add_argument("--contacts", type=int, default=200, help="demo contacts in each scratch database")
    parser.add_argument("--demo-contacts", type=int, default=60_000, help="contacts of the demo killed in (d)")
    parser.add_argument("--only", choices=["database-down", "kill", "kill-bulk", "kill-demo"])
    args = parser.parse_args()
    if args.only in (None, "database-down"):
        await database_down(args.postgres, args.contacts, args.rows)
    if args.only in (None, "kill"):
        await kill_mid_import(args.postgres, args.contacts, args.rows)
    if args.only in (None, "kill-bulk"):
        await kill_mid_bulk(args.postgres, args.contacts, args.rows)
    if args.only in (None, "kill-demo"):
        await kill_mid_demo(args.postgres, args.demo_contacts)
    failed = [label for label, passed in RESULTS if not passed]
    print(f"\n{len(RESULTS) - len(failed)}/{len(RESULTS)} checks passed")
    print("RESULT:", "PASS" if not failed else "FAIL")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
