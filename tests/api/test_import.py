"""CSV import through the contract's ContactsImport (a GraphQL multipart upload) and Job query, run unchanged.

The upload is sent as a client sends it (`operations`, `map`, then the file part). Jobs are then
worked off by the runner's own `run_batch`, one batch per transaction, as in the server.
"""

import asyncio
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from api.ids import parse_global_id, to_global_id
from domain import models
from domain.contact_rules import tombstone_hash
from domain.db import session_factory
from domain.enums import ContactOrigin, CustomFieldType, DiscardReason, JobKind, Role
from domain.imports import parallel as helpers
from domain.imports.handler import ImportHandler
from domain.jobs import registry
from domain.jobs.runner import JobRunner
from tests.api.action_helpers import operation_text, rows, snapshot
from tests.contract.documents import example_variables
from tests.graphql_client import data_of, gql

IMPORT, JOB = operation_text("ContactsImport"), operation_text("Job")
GOOD = (
    "Nombre,E-mail,Teléfono,Idioma,Empresa,Tags,cf.city,Plan\n"
    "María José Pérez,Maria.Perez@Example.com,+54 9 11 5555-0101,es,Acme SA,vip;newsletter,Rosario,gold\n"
    "João Souza,joao@example.com,+55 11 98888-7777,pt,Acme SA,vip,São Paulo,free\n"
    "Emily Clarke,,+44 7700 900123,en,,,London,\n"
)


async def upload(client, key: str, data: str | bytes, filename: str = "contacts.csv", **options: Any) -> dict[str, Any]:
    """The contract's ContactsImport, sent per the GraphQL multipart request spec."""
    variables = example_variables("ContactsImport")
    variables["options"].update(options)
    operations = {"query": IMPORT, "operationName": "ContactsImport", "variables": variables}
    body = data.encode("utf-8") if isinstance(data, str) else data
    response = await client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (filename, body, "text/csv")},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200, response.text
    return data_of(response.json())["contactsImport"]


async def finish(engine, clock, payload: dict[str, Any]) -> None:
    """Work the job off with the runner, batch by batch."""
    runner = JobRunner(session_factory(engine), clock)
    job_id = parse_global_id(payload["job"]["id"])[1]
    while not await runner.run_batch(job_id):
        pass


async def job_of(client, key: str, payload: dict[str, Any]) -> dict[str, Any]:
    return data_of(await gql(client, JOB, {"id": payload["job"]["id"]}, key=key, operation_name="Job"))["node"]


async def imported(client, engine, clock, key: str, data: str | bytes, **options: Any) -> dict[str, Any]:
    payload = await upload(client, key, data, **options)
    assert payload["userErrors"] == [] and payload["job"]["status"] == "PENDING", payload
    await finish(engine, clock, payload)
    return await job_of(client, key, payload)


async def contacts(engine, ws) -> dict[str, models.Contact]:
    """The workspace's contacts by name."""
    found = await rows(engine, select(models.Contact).where(models.Contact.workspace_id == ws.id))
    return {c.name: c for (c,) in found}


def without_jobs(state: dict[str, list[str]]) -> dict[str, list[str]]:
    return {t: r for t, r in state.items() if not t.startswith("job")}


@pytest.fixture
async def ws(workspaces):
    handle = await workspaces.create()
    await workspaces.custom_field(handle, "city", CustomFieldType.TEXT)
    await workspaces.custom_field(handle, "plan", CustomFieldType.CHOICE, choices=["free", "gold"])
    return handle


async def test_contract_upload_then_job_query_lands_every_good_row(client, engine, clock, ws):
    # when the contract's operation uploads the file and the job runs
    payload = await upload(client, ws.admin_key, GOOD)
    assert payload["job"]["status"] == "PENDING" and payload["job"]["total"] == 3
    await finish(engine, clock, payload)
    job = await job_of(client, ws.admin_key, payload)

    # then the contract's Job query shows the finished import
    assert job == {"id": payload["job"]["id"], "status": "COMPLETED", "total": 3, "created": 3, "updated": 0,
                   "skipped": 0, "failed": 0, "errors": []}
    people = await contacts(engine, ws)
    maria = people["María José Pérez"]
    assert (maria.email, maria.phone, maria.language, maria.origin) == (
        "maria.perez@example.com", "+5491155550101", "es", ContactOrigin.IMPORT)
    assert maria.company_id == people["João Souza"].company_id is not None  # "Acme SA" created once
    tags = await rows(engine, select(models.Tag.name).join(models.ContactTag).where(models.ContactTag.contact_id == maria.id))
    assert sorted(t for (t,) in tags) == ["newsletter", "vip"]
    value = models.CustomFieldValue
    values = await rows(engine, select(value.value_text).where(value.contact_id == maria.id))
    assert sorted(v for (v,) in values) == ["Rosario", "gold"]
    audit = await rows(engine, select(models.AuditEntry).where(models.AuditEntry.contact_id == maria.id))
    ((entry,),) = audit
    assert (entry.action, entry.actor_user_id) == ("CONTACT_CREATED", ws.users[Role.ADMIN])
    created = {c["field"]: c.get("new", c.get("added")) for c in entry.changes}
    assert created["customFields.city"] == "Rosario" and len(created["tag_ids"]) == 2


async def test_bad_rows_are_reported_by_row_and_column_and_good_rows_land(client, engine, clock, ws):
    # given a file where rows 3 to 6 are wrong in one way each
    data = (
        "name,email,phone,plan,Notes\n"
        "Ana,ana@example.com,,gold,hi\n"
        "Bad Mail,bad@,,,\n"
        "Bad Phone,,12345,,\n"
        "Bad Plan,plan@example.com,,platinum,\n"
        ",noname@example.com,,,\n"
        "Bea,bea@example.com,,free,\n"
    )

    # when
    job = await imported(client, engine, clock, ws.admin_key, data)

    # then
    assert (job["created"], job["failed"], job["skipped"]) == (2, 4, 0)
    assert [(e["row"], e["column"]) for e in job["errors"]] == [
        (1, "Notes"), (3, "email"), (4, "phone"), (5, "plan"), (6, "name")]
    assert job["errors"][0]["message"] == "unknown column: ignored"
    assert "'platinum'" in job["errors"][3]["message"]
    assert sorted(await contacts(engine, ws)) == ["Ana", "Bea"]


async def test_duplicates_in_the_file_are_skipped_and_the_base_decides_update_or_skip(
    client, engine, clock, workspaces, ws
):
    # given a contact already in the base
    await workspaces.contact(ws, "Old Name", email="ana@example.com")
    data = (
        "name,email,phone\nAna New,ANA@example.com,\nBea,bea@example.com,+5491155550102\n"
        "Bea Again,,+54 9 11 5555-0102\n"
    )

    # when updateExisting is off
    kept = await imported(client, engine, clock, ws.admin_key, data, updateExisting=False)

    # then the base contact stays as it was, and the in-file duplicate is skipped and said so
    assert (kept["created"], kept["updated"], kept["skipped"]) == (1, 0, 2)
    assert kept["errors"] == [{"row": 4, "column": "phone", "message": "same phone as row 3: skipped"}]
    assert "Old Name" in await contacts(engine, ws)

    # when updateExisting is on
    updated = await imported(client, engine, clock, ws.admin_key, data, updateExisting=True)

    # then the base contact takes the file's values; Bea (imported just before) is unchanged
    assert (updated["created"], updated["updated"], updated["skipped"]) == (0, 1, 2)
    assert sorted(await contacts(engine, ws)) == ["Ana New", "Bea"]


async def test_running_the_same_file_again_changes_nothing(client, engine, clock, ws):
    # given
    await imported(client, engine, clock, ws.admin_key, GOOD)
    before = without_jobs(await snapshot(engine, ws.id))

    # when
    again = await imported(client, engine, clock, ws.admin_key, GOOD, updateExisting=True)

    # then every row is unchanged: no update, no audit entry, nothing written
    assert (again["created"], again["updated"], again["skipped"], again["failed"]) == (0, 0, 3, 0)
    assert without_jobs(await snapshot(engine, ws.id)) == before


async def test_update_keeps_blank_cells_adds_tags_and_audits_the_change(client, engine, clock, workspaces, ws):
    # given
    contact_id = await workspaces.contact(ws, "Ana", email="ana@example.com", phone="+5491155550101", language="es")

    # when the file changes the name and plan, leaves the phone and language blank, and adds a tag
    data = "name,email,phone,language,plan,tags\nAna Lima,ana@example.com,,,gold,vip\n"
    job = await imported(client, engine, clock, ws.admin_key, data, updateExisting=True)

    # then
    assert job["updated"] == 1
    ana = (await contacts(engine, ws))["Ana Lima"]
    assert (ana.id, ana.phone, ana.language, ana.name_key) == (contact_id, "+5491155550101", "es", "ana lima")
    ((entry,),) = await rows(engine, select(models.AuditEntry).where(models.AuditEntry.contact_id == contact_id))
    changed = {c["field"]: (c["old"], c["new"]) if "old" in c else (c["added"], c["removed"]) for c in entry.changes}
    assert entry.action == "CONTACT_UPDATED"
    assert changed["name"] == ("Ana", "Ana Lima") and changed["customFields.plan"] == (None, "gold")
    assert len(changed["tag_ids"][0]) == 1 and changed["tag_ids"][1] == []


async def test_bom_semicolons_and_quoted_multiline_cells_import_with_file_row_numbers(client, engine, clock, ws):
    data = (
        '\ufeffNombre;Correo;Tags\r\n"Pérez; María";maria@example.com;"vip|news"\r\n'
        '"Ana\nLuz";ana@;\r\nBea;bea@example.com;\r\n'
    )
    job = await imported(client, engine, clock, ws.admin_key, data)
    assert (job["created"], job["failed"]) == (2, 1)
    assert [(e["row"], e["column"]) for e in job["errors"]] == [(3, "Correo")]
    assert sorted(await contacts(engine, ws)) == ["Bea", "Pérez; María"]


async def test_a_deleted_contact_imported_again_comes_back_suspended(client, engine, clock, workspaces, ws):
    # given the tombstone a deleted contact leaves
    await workspaces._add(models.ContactTombstone(
        workspace_id=ws.id, kind="phone", value_hash=tombstone_hash("phone", "+5491155550101"), deleted_at=clock.now()))

    data = "name,phone\nMaría,+54 9 11 5555-0101\nAna,+54 9 11 5555-0199\n"
    counted = "query($id: ID!) { node(id: $id) { ... on ImportJob { created previouslyDeleted } } }"
    # when a dry run looks first: it says which rows would come back suspended
    trial = await upload(client, ws.admin_key, data, dryRun=True)
    await finish(engine, clock, trial)
    seen = data_of(await gql(client, counted, {"id": trial["job"]["id"]}, key=ws.agent_key))["node"]
    assert seen == {"created": 2, "previouslyDeleted": 1}

    # when
    payload = await upload(client, ws.admin_key, data)
    await finish(engine, clock, payload)

    # then the job says one created row was a contact deleted before, and that one is suspended
    seen = data_of(await gql(client, counted, {"id": payload["job"]["id"]}, key=ws.agent_key))["node"]
    assert seen == {"created": 2, "previouslyDeleted": 1}
    people = await contacts(engine, ws)
    assert (people["María"].discard_reason, people["Ana"].discard_reason) == (DiscardReason.SUSPENDED, None)
    query = "query($id: ID!) { contact(id: $id) { status discardReason } }"
    shown = data_of(await gql(client, query, {"id": to_global_id("Contact", people["María"].id)}, key=ws.agent_key))
    assert shown["contact"] == {"status": "DISCARDED", "discardReason": "SUSPENDED"}


async def test_dry_run_counts_and_reports_but_writes_nothing(client, engine, clock, ws):
    before = without_jobs(await snapshot(engine, ws.id))
    job = await imported(client, engine, clock, ws.admin_key, GOOD + "Bad,bad@,,,,,,\n", dryRun=True)
    assert (job["created"], job["failed"], job["status"]) == (3, 1, "COMPLETED")
    assert [e["row"] for e in job["errors"]] == [5]
    assert without_jobs(await snapshot(engine, ws.id)) == before


async def test_options_add_tags_and_lists_to_every_imported_contact(client, engine, clock, workspaces, ws):
    tag = await workspaces.named(ws, models.Tag, "import-2026")
    listed = await workspaces.named(ws, models.ContactList, "Newsletter")
    await imported(client, engine, clock, ws.admin_key, GOOD,
                   tagIds=[to_global_id("Tag", tag)], listIds=[to_global_id("ContactList", listed)])
    member, tagging = models.ContactListMember, models.ContactTag
    members = await rows(engine, select(func.count()).select_from(member).where(member.list_id == listed))
    tagged = await rows(engine, select(func.count()).select_from(tagging).where(tagging.tag_id == tag))
    assert (members, tagged) == ([(3,)], [(3,)])


@pytest.mark.parametrize(
    ("data", "options", "field", "message"),
    [
        (b"PK\x03\x04xlsx", {}, "file", "Excel"),
        (b"", {}, "file", "empty"),
        (b"email,phone\na@example.com,\n", {}, "file", "name column"),
        (b"name,company\nAna,Acme\n", {}, "file", "email or a phone"),
        (GOOD.encode(), {"tagIds": [to_global_id("Tag", 999_999)]}, "options.tagIds", "no tag"),
    ],
)
async def test_unusable_files_and_options_answer_user_errors_and_queue_nothing(
    client, engine, ws, data, options, field, message
):
    payload = await upload(client, ws.admin_key, data, **options)
    assert payload["job"] is None
    ((error,),) = [payload["userErrors"]]
    assert error["field"] == field and message in error["message"]
    assert await rows(engine, select(models.Job.id).where(models.Job.workspace_id == ws.id)) == []


async def test_a_file_over_the_size_limit_is_refused(client, engine, ws, monkeypatch):
    monkeypatch.setattr("domain.services.imports.MAX_FILE_BYTES", 64)
    payload = await upload(client, ws.admin_key, GOOD)
    assert payload["userErrors"][0]["message"].startswith("the file is larger than") and payload["job"] is None


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
async def test_role_matrix(client, engine, ws, role):
    """AGENT may not import (FORBIDDEN, nothing stored); OPERATOR and ADMIN queue a job."""
    before = await snapshot(engine, ws.id)
    payload = await upload(client, ws.keys[role], GOOD)
    if role == Role.AGENT:
        assert payload["job"] is None and [e["code"] for e in payload["userErrors"]] == ["FORBIDDEN"]
        assert await snapshot(engine, ws.id) == before
    else:
        assert payload["userErrors"] == [] and payload["job"]["status"] in ("PENDING", "RUNNING", "COMPLETED")
        assert await rows(engine, select(models.Job.id).where(models.Job.workspace_id == ws.id)) != []


@pytest.mark.parametrize("parallel", [False, True], ids=["inline", "helper-process"])
async def test_small_batches_resume_after_a_restart_and_still_see_earlier_duplicates(
    client, engine, clock, ws, monkeypatch, parallel
):
    # given batches of two rows (validated in a helper process, or inline)
    registry.handler_for(JobKind.IMPORT)
    handler = ImportHandler(batch_rows=2, parallel_min_rows=1 if parallel else 10**9)
    monkeypatch.setitem(registry._HANDLERS, JobKind.IMPORT, handler)
    if parallel:
        await asyncio.to_thread(helpers.warm_up)  # up before the first batch, so the helpers validate rows
    data = "name,email\nA,a@example.com\nB,b@example.com\nC,c@example.com\nA again,A@example.com\nD,d@\n"
    payload = await upload(client, ws.admin_key, data)
    job_id = parse_global_id(payload["job"]["id"])[1]

    # when one batch runs, the server "restarts" (a new handler knows nothing), and the job resumes
    assert await JobRunner(session_factory(engine), clock).run_batch(job_id) is False
    monkeypatch.setitem(registry._HANDLERS, JobKind.IMPORT, ImportHandler(batch_rows=2, parallel_min_rows=10**9))
    await finish(engine, clock, payload)

    # then
    job = await job_of(client, ws.admin_key, payload)
    assert (job["created"], job["skipped"], job["failed"]) == (3, 1, 1)
    assert [(e["row"], e["message"]) for e in job["errors"]][0] == (5, "same e-mail as row 2: skipped")
    assert sorted(await contacts(engine, ws)) == ["A", "B", "C"]
