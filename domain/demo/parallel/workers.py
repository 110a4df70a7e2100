"""One seeding worker: generates its share of a workspace's contacts in chunks, scores their
conversations, and writes each chunk in one transaction.

On PostgreSQL several workers run as separate processes (generation is pure Python and the
machine's cores are the limit), each with its own connection and COPY. Workers never produce the
same e-mail, phone, message id or external id: each has its own prefix for ids, and e-mails and
phones are split between workers by a hash (a worker treats the others' share as taken).
"""

import asyncio
import random
import sys
import time
import zlib
from collections import defaultdict
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import asyncpg

from domain.db import create_engine
from domain.demo.ahead import write_while_generating
from domain.demo.catalog import Catalog
from domain.demo.contact_rows import Batch, ContactGenerator
from domain.demo.parallel.copies import Copier, Template, split_templates
from domain.demo.parallel.writers import PostgresWriter, SqliteWriter, TableTimes, asyncpg_dsn
from domain.demo.profiles import WorkspaceProfile
from domain.demo.traits import random_traits, showcase_traits
from domain.services.satisfaction_models import verdict_values
from ml.serving import ModelServer, Turn

CHUNK = 4_000
# Contacts per worker generated from scratch; the rest copy their histories (copies.py).
TEMPLATES = 10_000
# A progress line on stderr every this many chunks.
PROGRESS_EVERY = 25


def template_count(contacts: int) -> int:
    """Contacts generated from scratch: a tenth of a worker's share (every code path runs even in a
    small seed), at most TEMPLATES (beyond that, more templates only cost time)."""
    return min(contacts, TEMPLATES, max(50, contacts // 10))


@dataclass
class WorkerPlan:
    database_url: str
    postgres: bool
    profile: WorkspaceProfile
    catalog: Catalog  # without its rows (they are already written)
    contacts: int  # this worker's share
    worker: int
    workers: int
    seed: int
    now: datetime
    model_spec: str
    models_dir: str | None = None  # the serving model's directory (None: the shipped models)
    # Zipf exponent of tag popularity (the benchmark's skewed tags); None keeps the demo's even spread.
    tag_skew: float | None = None
    # Contact ids reserved for this worker in advance (ascending); None: reserved chunk by chunk.
    contact_ids: list[int] | None = None
    progress: bool = True  # a line on stderr now and then


@dataclass
class WorkerResult:
    contacts: int
    conversations_scored: int
    generate_seconds: float
    score_seconds: float
    cpu_seconds: float = 0.0  # of the whole worker process: what the load costs without other users
    times: TableTimes = field(default_factory=TableTimes)


class _Partition(set):
    """A worker's set of used e-mails or phones that also counts every other worker's share as used."""

    def __init__(self, worker: int, workers: int) -> None:
        super().__init__()
        self._worker, self._workers = worker, workers

    def __contains__(self, value: object) -> bool:
        mine = zlib.crc32(str(value).encode()) % self._workers == self._worker
        return not mine or super().__contains__(value)


def skew_tags(rng, rows: list[dict], tag_ids: list[int], exponent: float) -> None:
    """Redraw each contact's tags (same number per contact, still distinct) by Zipf popularity.

    The demo spreads its dozen tags evenly; real workspaces have a few huge tags and a long tail.
    """
    weights = [1 / (rank**exponent) for rank in range(1, len(tag_ids) + 1)]
    by_contact: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_contact[row["contact_id"]].append(row)
    for contact_rows in by_contact.values():
        chosen: list[int] = []
        while len(chosen) < len(contact_rows):
            tag = rng.choices(tag_ids, weights=weights)[0]
            if tag not in chosen:
                chosen.append(tag)
        for row, tag in zip(contact_rows, chosen, strict=True):
            row["tag_id"] = tag


def _generator(plan: WorkerPlan, rng: random.Random) -> ContactGenerator:
    # Message ids and external ids are numbered per generator: a per-worker prefix keeps them unique.
    profile = replace(plan.profile, message_prefix=f"{plan.profile.message_prefix}{plan.worker}")
    generator = ContactGenerator(rng, profile, plan.catalog, plan.now)
    if plan.workers > 1:
        identities = generator._identities  # the demo keeps uniqueness in these two sets
        identities._emails = _Partition(plan.worker, plan.workers)
        identities._phones = _Partition(plan.worker, plan.workers)
    return generator


def _score(model, batch: Batch, now: datetime) -> int:
    """Store the serving model's verdicts on the batch's conversations and turns, as scoring on record does."""
    pending = batch.conversations
    scored = ModelServer.score(model, [[Turn(t["role"].value, t["text"]) for t in turns] for _, turns in pending])
    for (conversation, turns), result in zip(pending, scored, strict=True):
        values, judged = verdict_values(result, len(turns), now=now)
        conversation.update(
            satisfaction_label=values["label"], p_satisfied=values["p_satisfied"], p_neutral=values["p_neutral"],
            p_dissatisfied=values["p_dissatisfied"], model_version=values["version"],
            satisfaction_explanation=values["explanation"], analyzed_at=values["at"],
        )
        for turn, (label, confidence) in zip(turns, judged, strict=True):
            turn["satisfaction_label"], turn["satisfaction_confidence"] = label, confidence
    return sum(1 for r in scored if r is not None)


async def run_worker(plan: WorkerPlan) -> WorkerResult:
    """Generate, score and write this worker's contacts; the next chunk is generated while one is written."""
    rng = random.Random(f"{plan.seed}:{plan.profile.slug}:{plan.worker}/{plan.workers}")
    generator = _generator(plan, rng)
    server = ModelServer(default_spec=plan.model_spec, **({"models_dir": Path(plan.models_dir)} if plan.models_dir else {}))
    model = server.model(plan.model_spec)
    cpu_started = time.process_time()
    result = WorkerResult(0, 0, 0.0, 0.0)
    tag_ids = plan.catalog.tags

    templates: list[Template] = []
    copier = Copier(rng, generator._identities, plan.catalog, plan.now)
    wanted = template_count(plan.contacts)

    def generate(first: int, size: int) -> Batch:
        """Contacts `first`.. of this worker: generated while the template pool fills, then copies."""
        started = time.perf_counter()
        batch = Batch()
        if first >= wanted:
            # Worker 0's first template is the showcase contact: it is not copied.
            pool = templates[1:] if plan.worker == 0 and len(templates) > 1 else templates
            for _ in range(size):
                copier.add(batch, rng.choice(pool))
            result.generate_seconds += time.perf_counter() - started
            return batch
        for index in range(first, first + size):
            # Worker 0's first contact is the demo's showcase: every fact of the profile filled in.
            showcase = index == 0 and plan.worker == 0
            generator.add(batch, showcase_traits() if showcase else random_traits(rng))
        if plan.tag_skew is not None:
            skew_tags(rng, batch.rows["contact_tag"], tag_ids, plan.tag_skew)
        generated = time.perf_counter()
        result.conversations_scored += _score(model, batch, plan.now)
        result.generate_seconds += generated - started
        result.score_seconds += time.perf_counter() - generated
        templates.extend(split_templates(batch))
        return batch

    # Chunks never straddle the end of the template pool.
    bounds = sorted({*range(0, plan.contacts, CHUNK), *range(wanted, plan.contacts, CHUNK), plan.contacts})
    chunks = [(first, end - first) for first, end in zip(bounds, bounds[1:])]
    async with _writers(plan, result.times) as begin:

        async def write(position: int, batch: Batch, size: int) -> None:
            async with begin() as writer:
                if plan.contact_ids is None:
                    contact_ids = await writer.reserve("contact", size)
                else:
                    contact_ids = plan.contact_ids[result.contacts : result.contacts + size]
                conversation_ids = await writer.reserve("conversation", len(batch.conversations))
                batch.bind_ids(contact_ids, conversation_ids)
                await writer.write(batch.rows)
            result.contacts += size
            last = position == len(chunks) - 1
            if plan.progress and (position % PROGRESS_EVERY == PROGRESS_EVERY - 1 or last):
                print(f"  {plan.profile.name}, worker {plan.worker + 1}/{plan.workers}: "
                      f"{result.contacts:,} of {plan.contacts:,} contacts", file=sys.stderr, flush=True)

        await write_while_generating(chunks, generate, write)
    result.cpu_seconds = time.process_time() - cpu_started
    return result


@asynccontextmanager
async def _writers(plan: WorkerPlan, times: TableTimes):
    """Yields `begin`: `async with begin() as writer:` is one transaction with a writer in it."""
    if plan.postgres:
        connection = await asyncpg.connect(asyncpg_dsn(plan.database_url))

        @asynccontextmanager
        async def begin():
            async with connection.transaction():
                yield PostgresWriter(connection, times)

        try:
            yield begin
        finally:
            await connection.close()
        return
    engine = create_engine(plan.database_url)

    @asynccontextmanager
    async def begin_sqlite():
        async with engine.begin() as sqlite_connection:
            yield SqliteWriter(sqlite_connection, times)

    try:
        yield begin_sqlite
    finally:
        await engine.dispose()


def run_worker_process(plan: WorkerPlan) -> WorkerResult:
    """Entry point of a worker process."""
    return asyncio.run(run_worker(plan))
