"""The worst documents within Rapport's document limits: their validation time, and what another client feels.

    python bench/validation.py                  # SQLite demo of 300 contacts, 10 s per phase
    python bench/validation.py --seconds 20 --attackers 2

Part 1 (in process): graphql-core's validation of adversarial documents that stay just within the
default limits (MAX_SELECTIONS, MAX_REPEATED_SELECTIONS, MAX_TOKENS, MAX_QUERY_DEPTH, MAX_ALIASES):
best of 5 runs each, and the worst of them. The goal is at most ~50 ms on the 2-core machine.

Part 2 (over HTTP, one `uvicorn` process as `rapport serve` runs it, rate limits off): a probe client
sends `{ viewer { user { id } } }` every 20 ms and records its latency, first alone, then while
attacker clients send those documents (and the costliest query within MAX_QUERY_COST) back to back
with a valid key. Prints the probe's p50/p99/max in both phases.

Part 3 (in process, the same app and data): the longest stretch the event loop was kept from
everything else while each document was served five times (a 1 ms ticker measures how late it wakes).
Part 2's latency under attack is also CPU shared with the attacker; part 3 is what a blocked loop costs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.edge import free_port, serve  # noqa: E402

PROFILE_FIELDS = (
    "id name email phone status lastActivityAt contactSince origin language company { id name domain } "
    "department { id name } tags { id name contactCount } lists { id name contactCount } groups { id name } "
    "channels { channel status address } customFields { key label value } happiness { score category } "
    "tickets { open resolved all } assignment { agent { id name email role } group { id name } } "
    "notes(first: 1) { totalCount edges { cursor node { id body createdAt author { id name email role } } } } "
    "history(first: 1) { totalCount edges { node { id at action actor { id name } changes { field oldValue newValue } } } }"
)


def worst_documents() -> dict[str, str]:
    """Adversarial documents just within the default limits (each checked against them below)."""
    sibling = f" contacts(first: 1) {{ totalCount pageInfo {{ hasNextPage endCursor }} edges {{ cursor node {{ {PROFILE_FIELDS} }} }} }}"
    without_notes = PROFILE_FIELDS.split(" notes(first: 1)")[0]
    nested = (" contacts(first: 1) { edges { node { " + without_notes
              + " notes(first: 1) { edges { node { id body author { id name email role createdAt } } } }" * 3 + " } } }")
    fragment = "fragment P on Contact { " + PROFILE_FIELDS + " }"
    return {
        "10 repeated profile subtrees": "{" + sibling * 10 + "}",
        "3 x 3 nested repeats": "{" + nested * 3 + "}",
        "10 spreads of one fragment": "{ contacts(first: 1) { edges { node {" + " ...P" * 10 + " } } } } " + fragment,
        "10 repeats of every leaf": "{ viewer { user {" + " id name email role" * 10 + " } } }",
        "costliest connections": (
            "{ contacts(first: 100) { edges { node { " + PROFILE_FIELDS.replace("notes(first: 1)", "notes(first: 100)")
            .replace("history(first: 1)", "history(first: 100)") + " } } } }"
        ),
    }


def validation_times() -> dict[str, tuple[float, str]]:
    from graphql import parse, validate

    from api.limits import Limits, _selection_errors
    from api.schema import schema
    from domain.settings import Settings

    limits = Limits.from_settings(Settings())
    results = {}
    for name, text in worst_documents().items():
        document = parse(text, max_tokens=limits.max_tokens)
        refused = _selection_errors(document, limits)
        best = float("inf")
        for _ in range(5):
            started = time.perf_counter()
            errors = validate(schema._schema, document)
            best = min(best, time.perf_counter() - started)
        verdict = "refused by the limits" if refused else ("invalid" if errors else "within the limits, valid")
        results[name] = (best * 1000, verdict)
    return results


async def probe(port: int, key: str, seconds: float) -> list[float]:
    latencies = []
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            response = await http.post("/graphql", json={"query": "{ viewer { user { id } } }"},
                                       headers={"Authorization": f"Bearer {key}"})
            response.raise_for_status()
            latencies.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(0.02)
    return latencies


async def attack(port: int, key: str, seconds: float, documents: dict[str, str], slowest: dict[str, float]) -> int:
    sent = 0
    names = list(documents)
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
        while time.monotonic() < deadline:
            name = names[sent % len(names)]
            # A fresh comment each time: the text was never validated before (no cached verdict).
            text = f"{documents[name]}\n# {time.perf_counter_ns()}"
            started = time.perf_counter()
            answer = await http.post("/graphql", json={"query": text}, headers={"Authorization": f"Bearer {key}"})
            slowest[name] = max(slowest.get(name, 0.0), (time.perf_counter() - started) * 1000)
            if answer.status_code >= 500 or answer.json().get("errors"):
                raise SystemExit(f"a worst document failed ({answer.status_code}): {answer.text[:300]}")
            sent += 1
    return sent


def summary(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered):6.1f} ms   p99 {p99:6.1f} ms   max {ordered[-1]:6.1f} ms   ({len(ordered)} requests)"


async def phases(port: int, key: str, seconds: float, attackers: int) -> None:
    documents = worst_documents()
    await attack(port, key, 2.0, documents, {})  # warm-up: first compilations, caches
    alone = await probe(port, key, seconds)
    slowest: dict[str, float] = {}
    attacked, *sent = await asyncio.gather(
        probe(port, key, seconds), *(attack(port, key, seconds, documents, slowest) for _ in range(attackers))
    )
    print(f"probe alone:            {summary(alone)}")
    print(f"probe under {attackers} attacker(s): {summary(attacked)}   attackers sent {sum(sent)} worst documents")
    for name, ms in slowest.items():
        print(f"  slowest answer to {name:32s} {ms:7.1f} ms")


async def loop_stalls(key: str) -> dict[str, float]:
    import gc

    from api.app import create_app

    app = create_app(run_jobs=False)
    gc.collect()
    gc.freeze()  # as the server's startup does (api/app.py)
    stalls: dict[str, float] = {}
    late: list[float] = []
    running = True

    async def ticker() -> None:
        while running:
            started = time.perf_counter()
            await asyncio.sleep(0.001)
            late.append((time.perf_counter() - started) * 1000)

    tick = asyncio.create_task(ticker())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=60) as http:
        for name, text in worst_documents().items():
            late.clear()
            for n in range(5):
                await http.post("/graphql", json={"query": f"{text}\n# {n}"}, headers={"Authorization": f"Bearer {key}"})
            stalls[name] = max(late)
    running = False
    await tick
    return stalls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--attackers", type=int, default=1)
    parser.add_argument("--contacts", type=int, default=300)
    options = parser.parse_args()

    print("Validation of the worst documents within the default limits (best of 5):")
    times = validation_times()
    for name, (ms, verdict) in times.items():
        print(f"  {name:32s} {ms:7.1f} ms   {verdict}")
    within = [ms for ms, verdict in times.values() if verdict != "refused by the limits"]
    print(f"  worst within the limits: {max(within):.1f} ms (goal: about 50 ms at most)")

    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite+aiosqlite:///{Path(scratch) / 'validation.db'}"
        env = {**os.environ, "DATABASE_URL": url, "RATE_LIMIT_BURST": "0", "PYTHONPATH": str(ROOT)}
        demo = subprocess.run([sys.executable, "-m", "api.cli", "demo", "--contacts", str(options.contacts)],
                              cwd=ROOT, env=env, capture_output=True, text=True, check=True)
        key = next(line.split(": ", 1)[1] for line in demo.stdout.splitlines() if line.startswith("AGENT: "))
        port = free_port()
        server = serve("api.app:create_app", port, env)
        try:
            asyncio.run(phases(port, key, options.seconds, options.attackers))
        finally:
            server.terminate()
            server.wait(10)
        os.environ.update(DATABASE_URL=url, RATE_LIMIT_BURST="0")
        print("Longest event-loop stall while each document is served (in process, 5 times each):")
        for name, ms in asyncio.run(loop_stalls(key)).items():
            print(f"  {name:32s} {ms:7.1f} ms")


if __name__ == "__main__":
    main()
