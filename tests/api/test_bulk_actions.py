"""contactsBulkAction and the Job query, run from the shared contract as a client would.

The app runs with its lifespan, so its JobRunner works in the background exactly as in production;
tests wait for a job by polling `node(id:)` (bounded), never by sleeping a fixed time.
"""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from graphql import OperationDefinitionNode, parse
from sqlalchemy import func, select

from api.app import create_app
from api.ids import parse_global_id, to_global_id
from domain import models
from domain.contact_rules import tombstone_hash
from domain.db import session_factory
from domain.enums import DiscardReason, FlowEnrolmentStatus, Role
from tests.conftest import NOW
from tests.contract.documents import document, example_variables
from tests.graphql_client import data_of, gql

DORMANT_AT = NOW.replace(month=8)  # 100+ days before NOW: DORMANT
RECENT_AT = NOW.replace(day=10)  # 10 days before NOW: NEW


def contract_operation(name: str) -> str:
    """One operation of actions.graphql, cut verbatim from the file.

    A GraphQL document is validated whole, and the other areas' operations there (imports, lists)
    may name types this build does not have yet; the text of this operation is unchanged.
    """
    source = document("actions")
    for definition in parse(source).definitions:
        if isinstance(definition, OperationDefinitionNode) and definition.name and definition.name.value == name:
            assert definition.loc is not None
            return source[definition.loc.start : definition.loc.end]
    raise KeyError(name)


BULK = contract_operation("ContactsBulkAction")
JOB = contract_operation("Job")


@pytest_asyncio.fixture
async def running(engine, clock) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app whose lifespan (and so its job runner) is running."""
    app = create_app(engine=engine, clock=clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://rapport.test") as http:
            yield http


async def bulk_action(client, key: str, **variables: Any) -> dict[str, Any]:
    result = await gql(client, BULK, variables, key=key, operation_name="ContactsBulkAction")
    return data_of(result)["contactsBulkAction"]


async def wait_for_job(client, key: str, job_id: str) -> dict[str, Any]:
    for _ in range(1000):
        job = data_of(await gql(client, JOB, {"id": job_id}, key=key, operation_name="Job"))["node"]
        if job["status"] in ("COMPLETED", "FAILED"):
            return job
        await asyncio.sleep(0.01)
    raise AssertionError(f"job {job_id} did not finish: {job}")


@pytest.fixture
async def crm(workspaces):
    """Three DORMANT contacts (two named María), two NEW ones, and a tag, group and flow."""
    f = workspaces
    ws = await f.create()
    ids = {
        "maria": await f.contact(
            ws, "María Pérez", email="maria@example.com", phone="+5491155550101", last_activity_at=DORMANT_AT
        ),
        "mario": await f.contact(ws, "Mario Maria", last_activity_at=DORMANT_AT),
        "jose": await f.contact(ws, "José Gómez", last_activity_at=DORMANT_AT),
        "ana": await f.contact(ws, "Ana Silva", last_activity_at=RECENT_AT),
        "beto": await f.contact(ws, "Beto Souza", last_activity_at=RECENT_AT),
    }
    targets = {
        "tag": to_global_id("Tag", await f.named(ws, models.Tag, "vip")),
        "group": to_global_id("Group", await f.named(ws, models.Group, "Soporte")),
        "flow": to_global_id("Flow", await f.named(ws, models.Flow, "Bienvenida")),
    }
    return ws, ids, targets


async def _count(engine, model, *where) -> int:
    async with session_factory(engine)() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)))


async def _members(engine, model, column: str, target_gid: str) -> set[int]:
    pk = parse_global_id(target_gid)[1]
    async with session_factory(engine)() as session:
        return set(await session.scalars(select(model.contact_id).where(getattr(model, column) == pk)))


def _dormant_by_filter(target: str | None, dry_run: bool) -> dict[str, Any]:
    """variables.json's example (DORMANT contacts by filter, ADD_TAG) with a real target."""
    variables = example_variables("ContactsBulkAction")
    return {**variables, "targetId": target, "dryRun": dry_run}


async def test_a_dry_run_counts_the_selection_and_changes_nothing(running, engine, crm):
    # given
    ws, ids, t = crm

    # when
    payload = await bulk_action(running, ws.keys[Role.OPERATOR], **_dormant_by_filter(t["tag"], True))

    # then
    assert payload == {"matched": 3, "job": None, "userErrors": []}
    assert await _count(engine, models.Job, models.Job.workspace_id == ws.id) == 0
    assert await _members(engine, models.ContactTag, "tag_id", t["tag"]) == set()


async def test_add_tag_by_filter_runs_as_a_job_polled_through_node(running, engine, crm):
    # given
    ws, ids, t = crm
    key = ws.keys[Role.OPERATOR]

    # when
    payload = await bulk_action(running, key, **_dormant_by_filter(t["tag"], False))
    job = await wait_for_job(running, key, payload["job"]["id"])

    # then
    assert payload["matched"] == 3 and payload["userErrors"] == []
    assert payload["job"]["total"] == 3
    assert job == {"id": payload["job"]["id"], "status": "COMPLETED", "total": 3, "processed": 3, "failed": 0}
    dormant = {ids["maria"], ids["mario"], ids["jose"]}
    assert await _members(engine, models.ContactTag, "tag_id", t["tag"]) == dormant
    audited = models.AuditEntry.contact_id.in_(dormant), models.AuditEntry.actor_user_id == ws.users[Role.OPERATOR]
    assert await _count(engine, models.AuditEntry, models.AuditEntry.action == "CONTACT_TAGS_ADDED", *audited) == 3


async def test_search_selects_what_the_contacts_module_would_show(running, engine, crm):
    ws, ids, t = crm
    selection = {"ids": None, "filter": None, "search": "maria"}
    payload = await bulk_action(running, ws.admin_key, selection=selection, action="ADD_TO_GROUP", targetId=t["group"])
    job = await wait_for_job(running, ws.admin_key, payload["job"]["id"])
    assert (job["status"], job["total"]) == ("COMPLETED", 2)
    assert await _members(engine, models.GroupMember, "group_id", t["group"]) == {ids["maria"], ids["mario"]}


async def test_connect_flow_by_ids_enrols_and_reactivates(running, engine, crm):
    # given ana already left the flow once
    ws, ids, t = crm
    flow_pk = parse_global_id(t["flow"])[1]
    async with session_factory(engine)() as session, session.begin():
        session.add(models.FlowEnrolment(
            workspace_id=ws.id, contact_id=ids["ana"], flow_id=flow_pk, status=FlowEnrolmentStatus.EXITED,
            enrolled_at=DORMANT_AT,
        ))

    # when
    chosen = [to_global_id("Contact", ids[n]) for n in ("ana", "beto")]
    payload = await bulk_action(
        running, ws.admin_key, selection={"ids": chosen}, action="CONNECT_FLOW", targetId=t["flow"]
    )
    job = await wait_for_job(running, ws.admin_key, payload["job"]["id"])

    # then both are ACTIVE in the flow
    assert (job["status"], job["processed"], job["failed"]) == ("COMPLETED", 2, 0)
    async with session_factory(engine)() as session:
        rows = (await session.execute(
            select(models.FlowEnrolment.contact_id, models.FlowEnrolment.status, models.FlowEnrolment.enrolled_at)
            .where(models.FlowEnrolment.flow_id == flow_pk)
        )).all()
    active = FlowEnrolmentStatus.ACTIVE
    assert sorted(rows) == sorted([(ids["ana"], active, NOW), (ids["beto"], active, NOW)])


async def test_suspend_and_delete_by_ids(running, engine, crm):
    # given
    ws, ids, t = crm
    key = ws.keys[Role.OPERATOR]

    # when
    def only(name: str) -> dict[str, Any]:
        return {"ids": [to_global_id("Contact", ids[name])]}

    suspend = await bulk_action(running, key, selection=only("ana"), action="SUSPEND")
    delete = await bulk_action(running, key, selection=only("maria"), action="DELETE")
    assert (await wait_for_job(running, key, suspend["job"]["id"]))["status"] == "COMPLETED"
    assert (await wait_for_job(running, key, delete["job"]["id"]))["status"] == "COMPLETED"

    # then ana is suspended (and says so in her history); only a tombstone is left of maría
    suspended = models.AuditEntry.contact_id == ids["ana"], models.AuditEntry.action == "CONTACT_SUSPENDED"
    assert await _count(engine, models.AuditEntry, *suspended) == 1
    async with session_factory(engine)() as session:
        ana = await session.get(models.Contact, ids["ana"])
        assert ana is not None and (ana.discard_reason, ana.discarded_at) == (DiscardReason.SUSPENDED, NOW)
        assert await session.get(models.Contact, ids["maria"]) is None
        hashes = set(await session.scalars(
            select(models.ContactTombstone.value_hash).where(models.ContactTombstone.workspace_id == ws.id)
        ))
    assert hashes == {tombstone_hash("email", "maria@example.com"), tombstone_hash("phone", "+5491155550101")}


@pytest.mark.parametrize(
    ("selection", "action", "target", "field", "code"),
    [
        ({"filter": {}}, "ADD_TAG", None, "targetId", "BAD_USER_INPUT"),
        ({"filter": {}}, "ADD_TAG", "group", "targetId", "BAD_USER_INPUT"),
        ({"filter": {}}, "ADD_TAG", "foreign tag", "targetId", "NOT_FOUND"),
        ({"filter": {}}, "SUSPEND", "tag", "targetId", "BAD_USER_INPUT"),
        ({"ids": [], "filter": {}}, "SUSPEND", None, "selection", "BAD_USER_INPUT"),
        ({}, "SUSPEND", None, "selection", "BAD_USER_INPUT"),
    ],
)
async def test_bad_requests_are_user_errors_and_queue_nothing(
    running, engine, workspaces, crm, selection, action, target, field, code
):
    ws, ids, t = crm
    other = await workspaces.create()
    targets = {**t, "foreign tag": to_global_id("Tag", await workspaces.named(other, models.Tag, "vip"))}
    payload = await bulk_action(
        running, ws.admin_key, selection=selection, action=action, targetId=targets.get(target) if target else None
    )
    assert payload["matched"] is None and payload["job"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert await _count(engine, models.Job, models.Job.workspace_id == ws.id) == 0


TARGET_OF = {"ADD_TAG": "tag", "ADD_TO_GROUP": "group", "CONNECT_FLOW": "flow", "SUSPEND": None, "DELETE": None}


@pytest.mark.parametrize("action", list(TARGET_OF))
@pytest.mark.parametrize("role", list(Role))
async def test_role_matrix(running, engine, crm, role, action):
    """AGENT may run no bulk action; OPERATOR and ADMIN every one (DELETE included, like contactDelete)."""
    # given
    ws, ids, t = crm
    target = t[TARGET_OF[action]] if TARGET_OF[action] else None

    # when
    payload = await bulk_action(running, ws.keys[role], **{**_dormant_by_filter(target, False), "action": action})

    # then
    if role == Role.AGENT:
        assert payload["job"] is None and [e["code"] for e in payload["userErrors"]] == ["FORBIDDEN"]
        assert await _count(engine, models.Job, models.Job.workspace_id == ws.id) == 0
        assert await _members(engine, models.ContactTag, "tag_id", t["tag"]) == set()
        assert await _members(engine, models.GroupMember, "group_id", t["group"]) == set()
        assert await _members(engine, models.FlowEnrolment, "flow_id", t["flow"]) == set()
        untouched = models.Contact.workspace_id == ws.id, models.Contact.discard_reason.is_(None)
        assert await _count(engine, models.Contact, *untouched) == 5
    else:
        assert payload["userErrors"] == [] and payload["matched"] == 3
        job = await wait_for_job(running, ws.keys[role], payload["job"]["id"])
        assert (job["status"], job["processed"]) == ("COMPLETED", 3)


async def test_a_job_is_visible_only_in_its_workspace_and_as_its_own_kind(running, engine, workspaces, crm):
    # given a bulk job of this workspace and a finished import job
    ws, ids, t = crm
    payload = await bulk_action(running, ws.admin_key, selection={"ids": []}, action="SUSPEND")
    bulk_id = payload["job"]["id"]
    assert (await wait_for_job(running, ws.admin_key, bulk_id))["total"] == 0
    async with session_factory(engine)() as session, session.begin():
        imported = models.Job(workspace_id=ws.id, kind="IMPORT", status="COMPLETED", created_at=NOW)
        session.add(imported)
    other = await workspaces.create()

    async def node(key: str, gid: str) -> Any:
        return data_of(await gql(running, JOB, {"id": gid}, key=key, operation_name="Job"))["node"]

    # then
    assert await node(other.admin_key, bulk_id) is None
    assert await node(ws.agent_key, bulk_id) is not None  # reading is every role's right
    assert await node(ws.admin_key, to_global_id("BulkJob", imported.id)) is None
    assert await node(ws.admin_key, to_global_id("ImportJob", parse_global_id(bulk_id)[1])) is None
