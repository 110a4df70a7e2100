"""The job runner: batches commit one by one, a restarted runner resumes, failures keep what was done.

Jobs are created through the bulk-action service, as the API does. Small batches (2 contacts) make
a five-contact job take three batches, so "after one batch" and "resume" are observable.
"""

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from domain import models
from domain.clock import FixedClock
from domain.db import request_session, session_factory
from domain.enums import BulkAction, DiscardReason, JobKind, JobStatus, Role
from domain.jobs import registry
from domain.jobs.bulk_action import BulkActionHandler
from domain.jobs.runner import JobRunner, run_until_idle
from domain.policies import Principal
from domain.services import bulk
from tests.conftest import NOW


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> BulkActionHandler:
    registry.handler_for(JobKind.BULK_ACTION)  # import the real handlers first, so ours stays
    handler = BulkActionHandler(batch_size=2)
    monkeypatch.setitem(registry._HANDLERS, JobKind.BULK_ACTION, handler)
    return handler


async def _queue(engine, ws, action: BulkAction, contact_ids: list[int], target_id: int | None = None) -> int:
    operator = Principal(workspace_id=ws.id, user_id=ws.users[Role.OPERATOR], role=Role.OPERATOR)
    async with request_session(session_factory(engine)) as session:
        outcome = await bulk.run_bulk_action(
            session=session, principal=operator, selection=bulk.Selection(ids=tuple(contact_ids)), action=action,
            target_id=target_id, dry_run=False, now=NOW,
        )
    assert outcome.job is not None
    return outcome.job.id


async def _job(engine, job_id: int) -> models.Job:
    async with session_factory(engine)() as session:
        job = await session.get(models.Job, job_id)
        assert job is not None
        return job


async def _tagged(engine, tag_id: int) -> list[int]:
    async with session_factory(engine)() as session:
        rows = await session.scalars(select(models.ContactTag.contact_id).where(models.ContactTag.tag_id == tag_id))
        return sorted(rows)


async def _audit_per_contact(engine, contact_ids: list[int]) -> dict[int, int]:
    async with session_factory(engine)() as session:
        rows = await session.execute(
            select(models.AuditEntry.contact_id, func.count())
            .where(models.AuditEntry.contact_id.in_(contact_ids))
            .group_by(models.AuditEntry.contact_id)
        )
        return {c: 0 for c in contact_ids} | {c: n for c, n in rows}


async def _tag_and_contacts(workspaces, n: int):
    ws = await workspaces.create()
    tag = await workspaces.named(ws, models.Tag, "vip")
    contacts = [await workspaces.contact(ws, f"Contact {i}") for i in range(n)]
    return ws, tag, contacts


async def test_a_new_runner_resumes_an_unfinished_job_from_its_cursor(engine, workspaces, clock, small_batches):
    # given a five-contact job of which one batch ran before the server stopped
    ws, tag, contacts = await _tag_and_contacts(workspaces, 5)
    job_id = await _queue(engine, ws, BulkAction.ADD_TAG, contacts, tag)
    sessions = session_factory(engine)
    assert await JobRunner(sessions, clock).run_batch(job_id) is False
    half = await _job(engine, job_id)
    assert (half.status, half.cursor, half.total, half.processed, half.started_at) == (JobStatus.RUNNING, 2, 5, 2, NOW)
    assert await _tagged(engine, tag) == contacts[:2]

    # when a new runner starts (as after a restart), and nobody wakes it
    later = FixedClock(NOW + timedelta(hours=1))
    runner = JobRunner(sessions, later, poll_seconds=0.05)
    runner.start()
    try:
        for _ in range(500):
            if (await _job(engine, job_id)).status == JobStatus.COMPLETED:
                break
            await asyncio.sleep(0.01)
    finally:
        await runner.stop()

    # then it carried on after the cursor: every contact tagged and audited exactly once
    done = await _job(engine, job_id)
    assert (done.status, done.cursor, done.total, done.processed, done.failed) == (JobStatus.COMPLETED, 5, 5, 5, 0)
    assert (done.started_at, done.finished_at) == (NOW, later.instant)
    assert await _tagged(engine, tag) == contacts
    assert await _audit_per_contact(engine, contacts) == {c: 1 for c in contacts}


async def test_two_runners_at_once_apply_each_batch_once(engine, workspaces, clock, small_batches):
    # given a nine-contact job (five batches)
    ws, tag, contacts = await _tag_and_contacts(workspaces, 9)
    job_id = await _queue(engine, ws, BulkAction.ADD_TAG, contacts, tag)

    # when two runners (two server processes) work at the same time
    sessions = session_factory(engine)
    await asyncio.gather(run_until_idle(sessions, clock), run_until_idle(sessions, clock))

    # then each contact was handled once
    job = await _job(engine, job_id)
    assert (job.status, job.total, job.processed, job.failed) == (JobStatus.COMPLETED, 9, 9, 0)
    assert await _tagged(engine, tag) == contacts
    assert await _audit_per_contact(engine, contacts) == {c: 1 for c in contacts}


class _FailsOnSecondBatch:
    """The real handler, except that the second batch raises after writing (so it must roll back)."""

    def __init__(self, inner: BulkActionHandler) -> None:
        self.inner = inner
        self.calls = 0

    async def run_batch(self, session, job, *, now, services):  # noqa: ANN001
        self.calls += 1
        done = await self.inner.run_batch(session, job, now=now, services=services)
        if self.calls == 2:
            raise RuntimeError("disk on fire")
        return done


async def test_a_failing_batch_fails_the_job_and_keeps_the_batches_before_it(
    engine, workspaces, clock, small_batches, monkeypatch
):
    # given a five-contact job whose second batch fails
    ws, tag, contacts = await _tag_and_contacts(workspaces, 5)
    job_id = await _queue(engine, ws, BulkAction.ADD_TAG, contacts, tag)
    monkeypatch.setitem(registry._HANDLERS, JobKind.BULK_ACTION, _FailsOnSecondBatch(small_batches))

    # when the runner processes it
    await run_until_idle(session_factory(engine), clock)

    # then the job is FAILED with a message, the first batch stays and the second rolled back
    job = await _job(engine, job_id)
    assert (job.status, job.cursor, job.processed, job.finished_at) == (JobStatus.FAILED, 2, 2, NOW)
    assert job.error == "unexpected RuntimeError; the server log has the details"
    assert await _tagged(engine, tag) == contacts[:2]
    assert await _audit_per_contact(engine, contacts) == {c: int(c in contacts[:2]) for c in contacts}


async def test_a_target_deleted_while_the_job_runs_fails_it_with_a_reason(engine, workspaces, clock, small_batches):
    # given a group job with one batch done, then the group is deleted
    ws = await workspaces.create()
    group = await workspaces.named(ws, models.Group, "Soporte")
    contacts = [await workspaces.contact(ws, f"Contact {i}") for i in range(4)]
    job_id = await _queue(engine, ws, BulkAction.ADD_TO_GROUP, contacts, group)
    sessions = session_factory(engine)
    await JobRunner(sessions, clock).run_batch(job_id)
    async with sessions() as session, session.begin():
        await session.execute(delete(models.Group).where(models.Group.id == group))

    # when the job resumes
    await run_until_idle(sessions, clock)

    # then it stops there and says why
    job = await _job(engine, job_id)
    assert (job.status, job.processed) == (JobStatus.FAILED, 2)
    assert job.error == "the group of this job was deleted while it ran"


async def test_contacts_deleted_before_their_batch_count_as_failed(engine, workspaces, clock):
    # given a SUSPEND job over three contacts, one of which is deleted before the job runs
    ws = await workspaces.create()
    contacts = [await workspaces.contact(ws, f"Contact {i}") for i in range(3)]
    job_id = await _queue(engine, ws, BulkAction.SUSPEND, contacts)
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        await session.execute(delete(models.Contact).where(models.Contact.id == contacts[1]))

    # when it runs
    await run_until_idle(sessions, clock)

    # then all three are processed, the deleted one failed, the others suspended
    job = await _job(engine, job_id)
    assert (job.status, job.total, job.processed, job.failed) == (JobStatus.COMPLETED, 3, 3, 1)
    async with sessions() as session:
        reasons = dict((await session.execute(
            select(models.Contact.id, models.Contact.discard_reason).where(models.Contact.id.in_(contacts))
        )).all())
    assert reasons == {contacts[0]: DiscardReason.SUSPENDED, contacts[2]: DiscardReason.SUSPENDED}
