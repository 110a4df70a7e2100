"""Batched operations (a JSON array in one POST): off by default, on with MAX_BATCH_OPERATIONS.

A batch's operations run one after another on the request's session, each reading what the ones
before it wrote, and each takes a rate-limit token; a batch that is too large, empty or over the
rate limit is refused whole and nothing in it runs.
"""

import logging

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from api.ids import to_global_id
from domain import models as db
from domain.settings import Settings
from tests.api.action_helpers import rows, snapshot
from tests.api.ingest_helpers import operator_key
from tests.api.test_observability import request_lines, scrape, value
from tests.api.test_rate_limits import serve
from tests.api.test_import import GOOD
from tests.api.test_size_limits import multipart

NAME = "query Name($id: ID!) { contact(id: $id) { name } }"
RENAME = (
    "mutation Rename($id: ID!, $name: String!) {"
    " contactUpdate(id: $id, input: {name: $name}) { contact { name } userErrors { code } } }"
)
PROFILE = "query Profile($id: ID!) { contact(id: $id) { name tags { name } } }"
TAG = "mutation Tag($id: ID!, $tags: [ID!]!) { contactAddTags(contactId: $id, tagIds: $tags) { userErrors { code } } }"
CREATE = ("mutation Create($name: String!, $email: String!) { contactCreate(input: {name: $name, email: $email}) "
          "{ contact { id } userErrors { code } } }")


def batching(max_operations: int, **extra) -> Settings:
    return Settings(redis_url=None, max_batch_operations=max_operations, **extra)


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def contact_names(engine, workspace_id: int) -> list[str]:
    return sorted(name for (name,) in await rows(engine, select(db.Contact.name).where(db.Contact.workspace_id == workspace_id)))


async def test_a_batch_runs_in_order_and_each_operation_sees_the_writes_before_it(engine, clock, models, workspaces):
    # given batching on, a contact and a tag
    ws = await workspaces.create()
    contact = to_global_id("Contact", await workspaces.contact(ws, "Ana Souza"))
    vip = to_global_id("Tag", await workspaces.named(ws, db.Tag, "vip"))
    batch = [
        {"query": PROFILE, "variables": {"id": contact}},
        {"query": RENAME, "variables": {"id": contact, "name": "Ana Lima"}},
        {"query": TAG, "variables": {"id": contact, "tags": [vip]}},
        {"query": PROFILE, "variables": {"id": contact}},
    ]
    async with serve(batching(5), engine, clock, models) as http:
        # when the batch reads the contact, renames and tags it, and reads it again
        response = await http.post("/graphql", json=batch, headers=auth(operator_key(ws)))

    # then one result per operation, in order; the last read sees both writes (no stale loads)
    assert response.status_code == 200, response.text
    first, renamed, tagged, last = response.json()
    assert first["data"]["contact"] == {"name": "Ana Souza", "tags": []}
    assert renamed["data"]["contactUpdate"] == {"contact": {"name": "Ana Lima"}, "userErrors": []}
    assert tagged["data"]["contactAddTags"]["userErrors"] == []
    assert last["data"]["contact"] == {"name": "Ana Lima", "tags": [{"name": "vip"}]}
    assert all("cost" in result["extensions"] for result in (first, renamed, tagged, last))
    assert await contact_names(engine, ws.id) == ["Ana Lima"]


async def test_a_failing_operation_does_not_stop_the_others(engine, clock, models, workspaces):
    # given an AGENT key, which may read but not write
    ws = await workspaces.create()
    contact = to_global_id("Contact", await workspaces.contact(ws, "Bruno Costa"))
    batch = [
        {"query": RENAME, "variables": {"id": contact, "name": "Bruno Dias"}},
        {"query": NAME, "variables": {"id": contact}},
    ]
    async with serve(batching(5), engine, clock, models) as http:
        # when
        response = await http.post("/graphql", json=batch, headers=auth(ws.agent_key))

    # then the write is refused on its own and the read is answered
    refused, read = response.json()
    assert refused["data"]["contactUpdate"] == {"contact": None, "userErrors": [{"code": "FORBIDDEN"}]}
    assert read["data"]["contact"]["name"] == "Bruno Costa"
    assert await contact_names(engine, ws.id) == ["Bruno Costa"]


async def test_a_batch_over_the_maximum_is_refused_and_none_of_it_runs(engine, clock, models, workspaces):
    # given a maximum of 2 operations per batch
    ws = await workspaces.create()
    before = await snapshot(engine, ws.id)
    batch = [{"query": CREATE, "variables": {"name": f"Person {i}", "email": f"person{i}@example.com"}} for i in range(3)]
    async with serve(batching(2), engine, clock, models) as http:
        # when
        response = await http.post("/graphql", json=batch, headers=auth(ws.admin_key))
        empty = await http.post("/graphql", json=[], headers=auth(ws.admin_key))

    # then
    assert response.status_code == 400
    ((error,),) = [response.json()["errors"]]
    assert error["extensions"] == {"code": "BATCH_TOO_LARGE", "maxOperations": 2}
    assert empty.status_code == 400 and empty.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert await snapshot(engine, ws.id) == before


async def test_each_operation_of_a_batch_takes_a_rate_limit_token(engine, clock, models, workspaces):
    # given a burst of 5 (refilled slowly) and batches of up to 3
    ws = await workspaces.create()
    settings = batching(3, rate_limit_burst=5, rate_limit_per_second=0.5)
    async with serve(settings, engine, clock, models) as http:
        # when a batch of 3 reads runs (2 tokens left), then a batch of 3 creates, then a single request
        three = await http.post("/graphql", json=[{"query": "{ viewer { user { role } } }"}] * 3, headers=auth(ws.admin_key))
        creates = [{"query": CREATE, "variables": {"name": f"Person {i}", "email": f"person{i}@example.com"}}
                   for i in range(3)]
        refused = await http.post("/graphql", json=creates, headers=auth(ws.admin_key))
        single = await http.post("/graphql", json={"query": "{ viewer { user { role } } }"}, headers=auth(ws.admin_key))

    # then the reads are served. The creates' request takes a token like any request, but their other
    # two operations need 2 tokens where 1 is left: the batch is refused, none of it runs, and the
    # last token is still there for the single request
    assert three.status_code == 200 and len(three.json()) == 3
    assert refused.status_code == 429
    assert refused.json()["errors"][0]["extensions"] == {"code": "RATE_LIMITED", "retryAfter": 2}
    assert refused.headers["Retry-After"] == "2"
    assert single.status_code == 200
    assert await contact_names(engine, ws.id) == []


async def test_an_upload_cannot_be_batched(engine, clock, models, workspaces):
    # given batching on, and an upload whose `operations` is an array
    ws = await workspaces.create()
    body, content_type = multipart(GOOD.encode())
    operations_part = body.split(b"\r\n\r\n", 1)[1].split(b"\r\n", 1)[0]
    body = body.replace(operations_part, b"[" + operations_part + b"]", 1).replace(
        b'["variables.file"]', b'["0.variables.file"]'
    )
    async with serve(batching(5), engine, clock, models) as http:
        # when
        response = await http.post("/graphql", content=body, headers={**auth(ws.admin_key), "Content-Type": content_type})

    # then nothing is queued
    assert response.status_code == 400
    assert "one operation" in response.json()["errors"][0]["message"]
    assert await rows(engine, select(func.count()).select_from(db.Job).where(db.Job.workspace_id == ws.id)) == [(0,)]


def test_batching_is_off_by_default_and_a_batch_must_fit_the_rate_limit_burst():
    # given / when / then
    assert Settings(_env_file=None).max_batch_operations == 0
    with pytest.raises(ValidationError, match="RATE_LIMIT_BURST"):
        Settings(_env_file=None, max_batch_operations=10, rate_limit_burst=5)
    assert Settings(_env_file=None, max_batch_operations=10, rate_limit_burst=0).max_batch_operations == 10


async def test_a_batch_request_is_logged_with_its_operations_and_counted_as_a_batch(
    engine, clock, models, workspaces, caplog
):
    # given
    ws = await workspaces.create()
    caplog.set_level(logging.INFO, logger="rapport.request")
    batch = [{"query": "query A { viewer { user { role } } }"}, {"query": "query B { viewer { user { role } } }"}]
    async with serve(batching(5), engine, clock, models) as http:
        # when
        await http.post("/graphql", json=batch, headers=auth(ws.admin_key))
        scraped = await scrape(http)

    # then
    [line] = request_lines(caplog)
    assert (line["operation"], line["outcome"], line["status"]) == ("A,B", "ok", 200)
    assert value(scraped, "rapport_graphql_requests_total", operation="batch", outcome="ok") == 1
