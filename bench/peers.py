"""Rapport against its peers on the same database: a hand-written SQL endpoint and PostGraphile v4.

    .venv/bin/python bench/peers.py                                  # PostgreSQL, 1M contacts (seeded once, reused)
    .venv/bin/python bench/peers.py --quick                          # 10k contacts, fewer requests: minutes
    .venv/bin/python bench/peers.py --database-url sqlite+aiosqlite:///bench/out/peers.db --contacts 100000
    .venv/bin/python bench/peers.py --quick --check-only             # compare answers and count statements only

Seeds (or reuses) the database through bench/seed.py's `ensure_seeded`, then starts on loopback ports
`rapport serve` (one process), bench/handwritten.py (one uvicorn process, one hand-written statement per
root field, same `data`) and PostGraphile v4 (`npm install postgraphile@4` into a scratch folder; skipped
on SQLite or with --no-postgraphile). Before timing, every case's hand-written `data` is compared with
Rapport's (for the profile: --check-contacts contacts); a case that differs is not timed and its first
difference is printed. Then, interleaved (round-robin, same case, same variables):

  * p50/p95 latency per case per server with one client (--requests each, at most --case-seconds per case),
    ratios Rapport / hand-written; SQL statements per request of Rapport and the hand-written endpoint,
    counted in process (pg_stat_statements needs shared_preload_libraries, which this server lacks);
  * throughput with `hey` at 1, 8 and 32 clients for the profile and the 25-contacts list, ratios
    Rapport / PostGraphile; again with `rapport serve --workers <cores>` when this version has --workers.

Every process and the scratch folder are removed at the end, on failure and on Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import peers_servers as servers  # noqa: E402
from bench.peers_cases import POSTGRAPHILE_GAPS, Case, build_cases, first_difference  # noqa: E402
from bench.peers_measure import (  # noqa: E402
    Throughput, handwritten_statements, hey_path, interleaved, post, rapport_statements, run_hey,
)
from bench.peers_report import latency_table, machine_line, throughput_table  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/rapport_bench_1m"
LEVELS = [1, 8, 32]
THROUGHPUT_CASES = ("ContactProfile", "25 contacts + tags + company")


async def database_size(url: str) -> str:
    if url.startswith("sqlite"):
        path = Path(url.split(":///", 1)[1])
        return f"{path.stat().st_size / 2**20:,.0f} MiB (SQLite file)"
    import asyncpg

    connection = await asyncpg.connect("postgresql://" + url.split("://", 1)[1])
    try:
        return await connection.fetchval("SELECT pg_size_pretty(pg_database_size(current_database()))")
    finally:
        await connection.close()


async def verify(cases: list[Case], urls: dict[str, str], key: str, check_contacts: int, timeout: float) -> None:
    """Hand-written `data` must equal Rapport's for every timed case; PostGraphile must answer without errors."""
    import httpx

    async with httpx.AsyncClient(timeout=timeout) as http:
        for case in cases:
            checks = check_contacts if case.operation == "ContactProfile" else len(case.variables)
            for i in range(min(checks, len(case.variables))):
                rapport = await post(http, urls["Rapport"], case.body("Rapport", i), key)
                if rapport.get("errors"):  # nothing to compare with: the case is not timed anywhere
                    case.excluded.update({s: f"Rapport answered errors: {str(rapport['errors'][:1])[:300]}"
                                          for s in urls})
                    break
                if "hand-written" in urls and "hand-written" not in case.excluded:
                    hand = await post(http, urls["hand-written"], case.body("hand-written", i), key)
                    found = (f"errors {hand['errors'][:1]}" if hand.get("errors")
                             else first_difference(rapport.get("data"), hand.get("data")))
                    if found:
                        case.excluded["hand-written"] = f"differs from Rapport ({case.variables[i]}): {found}"
                if "PostGraphile" in urls and case.postgraphile and "PostGraphile" not in case.excluded:
                    answer = await post(http, urls["PostGraphile"], case.body("PostGraphile", i), key)
                    if answer.get("errors") or not (answer.get("data") or {}):
                        case.excluded["PostGraphile"] = f"answered errors: {str(answer.get('errors'))[:300]}"
            print(f"  checked {case.name}: " + ("; ".join(f"{s} NOT TIMED" for s in case.excluded) or "same data"))


async def count_statements(cases: list[Case], url: str, key: str) -> dict[str, dict[str, float]]:
    counts: dict[str, dict[str, float]] = {}
    for case in cases:
        bodies = [case.body("Rapport", i) for i in range(min(5, len(case.variables)))]
        r = await rapport_statements(url, bodies, key)
        h = await handwritten_statements(url, bodies, key)
        counts[case.name] = {"Rapport": sum(r) / len(r), "hand-written": sum(h) / len(h)}
    return counts


def throughput(cases: list[Case], urls: dict[str, str], key: str, seconds: float, scratch: Path,
               levels: list[int]) -> dict[tuple[str, int], dict[str, Throughput]]:
    """Per operation and client count, each server in turn (the first one rotates), `seconds` each."""
    results: dict[tuple[str, int], dict[str, Throughput]] = {}
    chosen = [c for c in cases if c.name in THROUGHPUT_CASES]
    for case in chosen:
        for n, clients in enumerate(levels):
            names = [s for s in urls if case.body(s, 0) is not None and s not in case.excluded]
            names = names[n % len(names):] + names[:n % len(names)]
            results[(case.name, clients)] = {
                s: run_hey(urls[s], case.body(s, 0), key, clients=clients, seconds=seconds, scratch=scratch)
                for s in names
            }
            line = "  ".join(f"{s} {t.requests_per_second:.1f}" for s, t in results[(case.name, clients)].items())
            print(f"  {case.name}, {clients} clients: {line} req/s")
    return results


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--contacts", type=int, default=None, help="main workspace (default 1,000,000; --quick 10,000)")
    parser.add_argument("--other-contacts", type=int, default=None, help="second workspace (default 50,000)")
    parser.add_argument("--reseed", action="store_true", help="drop and load the bench database again")
    parser.add_argument("--quick", action="store_true", help="a small database and fewer requests")
    parser.add_argument("--requests", type=int, default=None, help="requests per case per server (default 200)")
    parser.add_argument("--case-seconds", type=float, default=None, help="time limit per latency case (default 20)")
    parser.add_argument("--throughput-seconds", type=float, default=None, help="per hey run (default 5)")
    parser.add_argument("--profiles", type=int, default=50, help="distinct contacts the profile case cycles through")
    parser.add_argument("--check-contacts", type=int, default=25, help="profiles compared before timing")
    parser.add_argument("--timeout", type=float, default=120, help="seconds a request may take before it counts as failed")
    parser.add_argument("--cases", nargs="+", help="only the cases whose name contains one of these words")
    parser.add_argument("--no-postgraphile", action="store_true")
    parser.add_argument("--check-only", action="store_true", help="compare the answers and count statements, time nothing")
    args = parser.parse_args()
    quick = args.quick
    args.contacts = args.contacts or (10_000 if quick else 1_000_000)
    args.other_contacts = args.other_contacts if args.other_contacts is not None else (2_000 if quick else 50_000)
    args.requests = args.requests or (40 if quick else 200)
    args.case_seconds = args.case_seconds or (4 if quick else 20)
    args.throughput_seconds = args.throughput_seconds or (2 if quick else 5)
    if quick and args.database_url == DEFAULT_URL:
        args.database_url = "postgresql://postgres@127.0.0.1:5432/rapport_bench_quick"
    return args


async def run(args: argparse.Namespace, scratch: Path, started: list[servers.Server]) -> None:
    try:
        from bench.seed import ensure_seeded
    except ModuleNotFoundError as exc:  # bench/seed.py comes from the seeding branch
        raise SystemExit(f"bench/peers.py seeds through bench/seed.py's ensure_seeded, which is missing ({exc})")

    began = time.monotonic()
    seeded = await ensure_seeded(args.database_url, contacts=args.contacts, other_contacts=args.other_contacts,
                                 reseed=args.reseed)
    url, key = seeded.database_url, seeded.agent_key
    sqlite = url.startswith("sqlite")
    print(f"database: {'SQLite' if sqlite else 'PostgreSQL'}, {seeded.contacts:,} contacts in the main workspace, "
          f"{await database_size(url)}; ready in {time.monotonic() - began:.0f} s")
    print(f"machine before: {machine_line()}")
    cases = build_cases(contact_ids=seeded.contact_ids, tag_ids=seeded.tag_ids, segment_ids=seeded.segment_ids,
                        workspace_id=seeded.workspace_id, profiles=args.profiles)
    if args.cases:
        cases = [c for c in cases if any(part.lower() in c.name.lower() for part in args.cases)]
    has_workers = servers.rapport_has_workers()
    pool = [servers.rapport_server(url, scratch, has_workers=has_workers), servers.handwritten_server(url, scratch)]
    if sqlite or args.no_postgraphile:
        print("PostGraphile skipped" + (" (SQLite)" if sqlite else ""))
    else:
        pool.append(servers.postgraphile_server(servers.install_postgraphile(scratch), url, scratch))
    for server in pool:
        started.append(server)
        await server.start()
    urls = {s.name: s.url for s in pool}
    print("servers: " + ", ".join(f"{s.name} on {s.url}" for s in pool))

    print("\nComparing hand-written data with Rapport's (every float to 1e-9 relative, everything else exact):")
    await verify(cases, urls, key, args.check_contacts, args.timeout)
    statements = await count_statements(cases, url, key)
    if args.check_only:
        for name, counted in statements.items():
            print(f"  statements per request, {name}: Rapport {counted['Rapport']:.0f}, "
                  f"hand-written {counted['hand-written']:.0f}")
        return

    print(f"\nLatency: {args.requests} requests per case per server (at most {args.case_seconds:g} s per case)")
    results = []
    for case in cases:
        lat = await interleaved(case, urls, key, requests=args.requests, seconds=args.case_seconds, timeout=args.timeout)
        results.append((case.name, lat))
        print(f"  {case.name}: " + "  ".join(
            f"{s} {sorted(v)[len(v) // 2] * 1000:.1f} ms" for s, v in lat.seconds.items() if v))
    latency_table(results, statements, {c.name: c.excluded for c in cases if c.excluded})
    if "PostGraphile" in urls:
        print(f"  PostGraphile: {POSTGRAPHILE_GAPS}")

    if not any(c.name in THROUGHPUT_CASES for c in cases):
        return
    if hey_path() is None:
        print("\nthroughput skipped: `hey` is not installed (apt-get install -y hey)")
        return
    print(f"\nThroughput: hey -z {args.throughput_seconds:g}s, same body each request (the profile: one contact)")
    table = throughput(cases, urls, key, args.throughput_seconds, scratch, LEVELS)
    throughput_table("Throughput (requests/s), one process each", table, LEVELS)
    if not has_workers:
        print("\n`rapport serve --workers` skipped: this version of rapport serve has no --workers option")
    else:
        workers = os.cpu_count() or 1
        pool[0].stop()
        multi = servers.rapport_server(url, scratch, workers=workers)
        started.append(multi)
        await multi.start()
        await asyncio.sleep(5)  # the first worker answered; give the others time to import the app too
        urls = {multi.name: multi.url, **{k: v for k, v in urls.items() if k != "Rapport"}}
        table = throughput(cases, urls, key, args.throughput_seconds, scratch, LEVELS)
        throughput_table(f"Throughput (requests/s), rapport serve --workers {workers}", table, LEVELS)
    print(f"\nmachine after: {machine_line()}; whole run {time.monotonic() - began:.0f} s")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    args = options()
    scratch = servers.scratch_folder()
    started: list[servers.Server] = []
    # Ctrl-C and `kill` interrupt at once, even inside a blocking call (asyncio.run's own SIGINT handler would
    # only cancel the task at its next await); the finally below then stops every server.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        asyncio.run(run(args, scratch, started))
        return 0
    except KeyboardInterrupt:
        print("\ninterrupted: stopping the servers")
        return 130
    finally:
        for server in reversed(started):
            server.stop()
        servers.remove_scratch(scratch)


if __name__ == "__main__":
    sys.exit(main())
