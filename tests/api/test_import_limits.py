"""What bounds an import: columns per file, stored errors per job, rows per batch; and errors as a connection.

A 689 KB file with 100,000 header columns once made 100,000 errors, a 30 s job that stalled other
workspaces, and a 6.4 MB `errors` answer that cost nothing under the query-cost limit.
"""

import pytest
from sqlalchemy import select

from api.ids import parse_global_id
from domain import models
from domain.db import session_factory
from domain.errors import InvalidInput
from domain.imports.csv_file import MAX_COLUMNS
from domain.imports.handler import BATCH_CELLS, BATCH_ROWS, MAX_STORED_ERRORS
from domain.imports.local import import_file
from domain.imports.options import ImportOptions
from domain.jobs.runner import JobRunner
from tests.api.action_helpers import rows
from tests.api.test_import import finish, job_of, upload
from tests.graphql_client import data_of, gql

ROW_ERRORS = """query($id: ID!, $first: Int!, $after: String) {
  node(id: $id) { ... on ImportJob { failed omittedErrors
    rowErrors(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { row column message } } }
  } }
}"""


def wide(columns: int, rows: int = 1) -> str:
    header = ["name", "email", *(f"extra {i}" for i in range(columns - 2))]
    lines = [",".join(header)] + [",".join([f"P{r}", f"p{r}@example.com", *("x" * (columns - 2))]) for r in range(rows)]
    return "\n".join(lines) + "\n"


def bad_rows(n: int) -> str:
    return "name,email\n" + "".join(f"Bad {i},not-an-email-{i}\n" for i in range(n))


@pytest.fixture
async def ws(workspaces):
    return await workspaces.create()


async def jobs_of(engine, ws) -> list:
    return await rows(engine, select(models.Job.id).where(models.Job.workspace_id == ws.id))


@pytest.mark.parametrize("columns", [MAX_COLUMNS + 1, 100_000])
async def test_a_file_wider_than_the_column_limit_is_refused_and_queues_nothing(client, engine, ws, columns):
    # when
    payload = await upload(client, ws.admin_key, wide(columns))

    # then the answer names the limit, at once, and no job exists
    assert payload["job"] is None
    ((error,),) = [payload["userErrors"]]
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "file")
    assert f"{columns:,} columns" in error["message"] and f"at most {MAX_COLUMNS}" in error["message"]
    assert await jobs_of(engine, ws) == []


async def test_a_file_at_the_column_limit_imports(client, engine, clock, ws):
    # when
    payload = await upload(client, ws.admin_key, wide(MAX_COLUMNS, rows=2))
    await finish(engine, clock, payload)

    # then the columns it cannot place are reported once each, and the rows land
    job = await job_of(client, ws.admin_key, payload)
    assert (job["status"], job["created"]) == ("COMPLETED", 2)


async def test_the_command_line_path_refuses_a_wide_file_too(engine, clock, workspaces, ws):
    # when the import `rapport import` runs is given the file
    with pytest.raises(InvalidInput) as refused:
        await import_file(
            session_factory(engine), clock, slug=ws.slug, filename="wide.csv", data=wide(MAX_COLUMNS + 1).encode(),
            options=ImportOptions(),
        )

    # then
    assert f"at most {MAX_COLUMNS}" in refused.value.message
    assert await jobs_of(engine, ws) == []


async def test_a_job_keeps_the_first_errors_and_counts_the_rest(client, engine, clock, ws):
    # given a file with more bad rows than a job stores errors
    payload = await upload(client, ws.admin_key, bad_rows(MAX_STORED_ERRORS + 7))
    await finish(engine, clock, payload)

    # when
    result = data_of(await gql(client, ROW_ERRORS, {"id": payload["job"]["id"], "first": 3}, key=ws.admin_key))["node"]

    # then `failed` is the true number; the stored errors stop at the limit and the rest are counted
    assert result["failed"] == MAX_STORED_ERRORS + 7
    assert (result["rowErrors"]["totalCount"], result["omittedErrors"]) == (MAX_STORED_ERRORS, 7)
    assert [e["node"]["row"] for e in result["rowErrors"]["edges"]] == [2, 3, 4]
    stored = await rows(engine, select(models.JobRowError.id).where(models.JobRowError.job_id == parse_global_id(payload["job"]["id"])[1]))
    assert len(stored) == MAX_STORED_ERRORS


async def test_row_errors_page_through_as_a_connection(client, engine, clock, ws):
    # given a job with five rejected rows
    payload = await upload(client, ws.admin_key, bad_rows(5))
    await finish(engine, clock, payload)

    # when the errors are read two at a time
    seen, after = [], None
    while True:
        page = data_of(await gql(client, ROW_ERRORS, {"id": payload["job"]["id"], "first": 2, "after": after}, key=ws.admin_key))
        connection = page["node"]["rowErrors"]
        seen += [(e["node"]["row"], e["node"]["column"]) for e in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]

    # then every error comes once, in row order, and the total is known on every page
    assert seen == [(row, "email") for row in range(2, 7)]
    assert connection["totalCount"] == 5 and page["node"]["omittedErrors"] == 0


async def test_row_errors_count_towards_the_query_cost(client, engine, clock, ws):
    # given
    payload = await upload(client, ws.admin_key, bad_rows(3))
    await finish(engine, clock, payload)

    # when the connection and the contract's plain list are asked for
    paged = await gql(client, ROW_ERRORS, {"id": payload["job"]["id"], "first": 50}, key=ws.admin_key)
    listed = await gql(client, "query($id: ID!) { node(id: $id) { ... on ImportJob { errors { row } } } }",
                       {"id": payload["job"]["id"]}, key=ws.admin_key)
    too_many = await gql(client, "query($id: ID!) { node(id: $id) { ... on ImportJob { errors(first: 101) { row } } } }",
                         {"id": payload["job"]["id"]}, key=ws.admin_key)

    # then each is priced by the nodes it may return, and the list is bounded like a page
    assert paged["extensions"]["cost"]["requestedNodes"] == 50
    assert listed["extensions"]["cost"]["requestedNodes"] == 100
    assert len(data_of(listed)["node"]["errors"]) == 3
    assert [e["extensions"]["code"] for e in too_many["errors"]] == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(("columns", "data_rows"), [(2, BATCH_ROWS + 10), (150, 1_000)])
async def test_a_job_works_in_batches_of_bounded_rows_and_cells(client, engine, clock, ws, columns, data_rows):
    # given a file with more rows, or more cells, than one batch takes
    payload = await upload(client, ws.admin_key, wide(columns, rows=data_rows))
    job_id = parse_global_id(payload["job"]["id"])[1]
    runner = JobRunner(session_factory(engine), clock)

    # when the runner works it off, batch by batch (one transaction each)
    steps, done = [], False
    while not done:
        done = await runner.run_batch(job_id)
        ((processed,),) = await rows(engine, select(models.Job.processed).where(models.Job.id == job_id))
        steps.append(processed)

    # then each batch took at most the rows, and the cells, a batch may hold; all rows were imported
    sizes = [b - a for a, b in zip([0, *steps], steps)]
    assert max(sizes) <= min(BATCH_ROWS, BATCH_CELLS // columns) and len(sizes) >= 2
    assert steps[-1] == data_rows
    assert (await job_of(client, ws.admin_key, payload))["created"] == data_rows
