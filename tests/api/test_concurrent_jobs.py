"""Jobs (imports, bulk actions) running at the same moment as requests or as each other.

A batch that loses a race for a unique key runs again and matches the row it lost to, as it would
had that row come first; two jobs making the same change make it, and audit it, once.
"""

import asyncio

import pytest
from sqlalchemy import insert, select

from api.ids import parse_global_id, to_global_id
from domain import models
from domain.db import session_factory
from domain.enums import ContactOrigin
from domain.jobs.runner import JobRunner
from domain.text import fold, search_text
from tests.api.action_helpers import act, rows
from tests.api.concurrency_helpers import audit_actions, blocked_on_a_lock, count
from tests.api.test_import import job_of, upload
from tests.conftest import NOW


@pytest.fixture
async def ws(workspaces):
    return await workspaces.create()


def job_pk(payload: dict) -> int:
    return parse_global_id(payload["job"]["id"])[1]


async def run_to_the_end(runner: JobRunner, job_id: int) -> None:
    while not await runner.run_batch(job_id):
        pass


async def test_a_row_a_concurrent_writer_created_first_is_matched_not_a_failed_job(client, engine, clock, ws):
    # given an import of Ana and Bea, and another writer creating Ana in a transaction still open
    payload = await upload(client, ws.admin_key, "name,email\nAna,ana@example.com\nBea,bea@example.com\n")
    runner = JobRunner(session_factory(engine), clock)
    async with engine.connect() as other:
        transaction = await other.begin()
        await other.execute(insert(models.Contact).values(
            workspace_id=ws.id, name="Ana", name_key=fold("Ana"), search_text=search_text("Ana", "ana@example.com", None),
            email="ana@example.com", origin=ContactOrigin.MANUAL, contact_since=NOW, created_at=NOW, updated_at=NOW,
        ))

        # when the import runs into that write (PostgreSQL: its INSERT waits on the e-mail's index), which then commits
        importing = asyncio.create_task(run_to_the_end(runner, job_pk(payload)))
        await blocked_on_a_lock(engine)
        await transaction.commit()
        await importing

    # then the job completes: Ana is the existing contact (updateExisting: nothing to change), Bea is new
    job = await job_of(client, ws.admin_key, payload)
    assert (job["status"], job["created"], job["skipped"], job["failed"]) == ("COMPLETED", 1, 1, 0)
    assert await count(engine, models.Contact, models.Contact.workspace_id == ws.id) == 2


async def test_concurrent_imports_adding_a_tag_to_a_contact_audit_it_once(client, engine, clock, workspaces, ws):
    # given an existing contact, and two imports (updateExisting) that both tag it
    ana = await workspaces.contact(ws, "Ana", email="ana@example.com")
    await workspaces.named(ws, models.Tag, "vip")
    data = "name,email,tags\nAna,ana@example.com,vip\n"
    jobs = [job_pk(await upload(client, ws.admin_key, data)) for _ in range(2)]

    # when both run at once, each in its own runner
    await asyncio.gather(*(run_to_the_end(JobRunner(session_factory(engine), clock), j) for j in jobs))

    # then the tag was added once, and one history entry says so (the row only tagged Ana)
    assert await count(engine, models.ContactTag, models.ContactTag.contact_id == ana) == 1
    assert (await audit_actions(engine, ws.id))["CONTACT_TAGS_ADDED"] == 1


@pytest.mark.parametrize("action", ["ADD_TAG", "SUSPEND", "DELETE"])
async def test_concurrent_bulk_jobs_on_the_same_contacts_change_and_audit_each_once(
    client, engine, clock, workspaces, ws, action
):
    # given contacts and two identical bulk jobs over them
    people = [await workspaces.contact(ws, f"Contact {i}", email=f"c{i}@example.com") for i in range(5)]
    tag = await workspaces.named(ws, models.Tag, "vip")
    variables = {
        "selection": {"ids": [to_global_id("Contact", p) for p in people]}, "action": action,
        "targetId": to_global_id("Tag", tag) if action == "ADD_TAG" else None, "dryRun": False,
    }
    jobs = [job_pk(await act(client, "ContactsBulkAction", variables, key=ws.admin_key)) for _ in range(2)]

    # when both run at once
    await asyncio.gather(*(run_to_the_end(JobRunner(session_factory(engine), clock), j) for j in jobs))

    # then each contact changed once, and the history counts each change once
    trail = await audit_actions(engine, ws.id)
    if action == "ADD_TAG":
        assert await count(engine, models.ContactTag, models.ContactTag.tag_id == tag) == 5
        assert trail["CONTACT_TAGS_ADDED"] == 5
    elif action == "SUSPEND":
        assert trail["CONTACT_SUSPENDED"] == 5
    else:
        assert await count(engine, models.Contact, models.Contact.workspace_id == ws.id) == 0
        entry = models.AuditEntry
        deleted = await rows(engine, select(entry.changes).where(entry.workspace_id == ws.id, entry.action == "CONTACTS_DELETED"))
        assert sum(changes[0]["old"] for (changes,) in deleted) == 5
