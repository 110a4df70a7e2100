"""Request size limits (413 PAYLOAD_TOO_LARGE), batching refused (400 BATCHING_DISABLED), import row limit.

Oversized bodies are refused from their Content-Length, or, when streamed without one, as soon as the
bytes read pass the limit: the tests count how much of a streamed body the server pulled.
"""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from sqlalchemy import select

from api.app import create_app
from domain import models as db
from domain.imports import csv_file
from domain.settings import Settings
from tests.api.action_helpers import rows, snapshot
from tests.api.test_import import GOOD, IMPORT
from tests.contract.documents import example_variables

CREATE = (
    "mutation Create($input: ContactCreateInput!) { contactCreate(input: $input) { contact { id } userErrors { code } } }"
)
KIB = 1024


@asynccontextmanager
async def serve(settings: Settings, engine, clock, models) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings=settings, engine=engine, clock=clock, models=models)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://rapport.test") as http:
        yield http


def limits(**values) -> Settings:
    return Settings(redis_url=None, **values)


def create_body(name: str) -> bytes:
    return json.dumps({"query": CREATE, "variables": {"input": {"name": name, "email": "big@example.com"}}}).encode()


class Chunks:
    """A streamed request body (no Content-Length) that records how many chunks the server pulled."""

    def __init__(self, data: bytes, size: int) -> None:
        self.parts = [data[i:i + size] for i in range(0, len(data), size)]
        self.pulled = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for part in self.parts:
            self.pulled += 1
            yield part


def assert_too_large(response: httpx.Response, max_bytes: int) -> None:
    assert response.status_code == 413
    ((error,),) = [response.json()["errors"]]
    assert error["extensions"] == {"code": "PAYLOAD_TOO_LARGE", "maxBytes": max_bytes}
    assert "larger than" in error["message"]


async def test_a_json_body_over_the_limit_is_refused_and_nothing_is_stored(engine, clock, models, workspaces):
    # given a limit of 4 KiB and a contactCreate of about 8 KiB
    ws = await workspaces.create()
    before = await snapshot(engine, ws.id)
    async with serve(limits(max_body_bytes=4 * KIB), engine, clock, models) as http:
        # when
        response = await http.post(
            "/graphql", content=create_body("A" * 8 * KIB),
            headers={"Authorization": f"Bearer {ws.admin_key}", "Content-Type": "application/json"},
        )

    # then
    assert_too_large(response, 4 * KIB)
    assert await snapshot(engine, ws.id) == before


async def test_a_streamed_body_is_cut_off_at_the_limit_without_reading_the_rest(engine, clock, models, workspaces):
    # given a 64 KiB body sent in 1 KiB chunks without a Content-Length, and a limit of 4 KiB
    ws = await workspaces.create()
    before = await snapshot(engine, ws.id)
    body = Chunks(create_body("A" * 64 * KIB), KIB)
    async with serve(limits(max_body_bytes=4 * KIB), engine, clock, models) as http:
        # when
        response = await http.post(
            "/graphql", content=body,
            headers={"Authorization": f"Bearer {ws.admin_key}", "Content-Type": "application/json"},
        )

    # then the server stopped after the 5th chunk
    assert_too_large(response, 4 * KIB)
    assert body.pulled == 5 < len(body.parts)
    assert await snapshot(engine, ws.id) == before


async def test_a_body_within_the_limit_is_served(engine, clock, models, workspaces):
    # given
    ws = await workspaces.create()
    async with serve(limits(max_body_bytes=4 * KIB), engine, clock, models) as http:
        # when the same mutation is sent streamed, within the limit
        response = await http.post(
            "/graphql", content=Chunks(create_body("Ana Small"), 64),
            headers={"Authorization": f"Bearer {ws.admin_key}", "Content-Type": "application/json"},
        )

    # then
    assert response.status_code == 200
    assert response.json()["data"]["contactCreate"]["userErrors"] == []


def multipart(data: bytes, boundary: str = "rapport-test-boundary") -> tuple[bytes, str]:
    """A contactsImport request per the GraphQL multipart request spec: the body and its Content-Type."""
    variables = example_variables("ContactsImport")
    operations = json.dumps({"query": IMPORT, "operationName": "ContactsImport", "variables": variables})
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{operations}\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{{"0": ["variables.file"]}}\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="0"; filename="contacts.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n".encode() + data + b"\r\n",
        f"--{boundary}--\r\n".encode(),
    ]
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def big_csv(size: int) -> bytes:
    lines = [b"name,email"] + [f"Person {i},p{i}@example.com".encode() for i in range(size // 20 + 1)]
    return b"\n".join(lines)[:size]


@pytest.mark.parametrize("streamed", [False, True], ids=["content-length", "streamed"])
async def test_an_upload_over_the_limit_is_refused_and_no_job_is_queued(engine, clock, models, workspaces, streamed):
    # given uploads of 16 KiB allowed (plus 4 KiB for the other parts), and a 64 KiB file
    ws = await workspaces.create()
    body, content_type = multipart(big_csv(64 * KIB))
    content = Chunks(body, KIB) if streamed else body
    async with serve(limits(max_body_bytes=4 * KIB, max_upload_bytes=16 * KIB), engine, clock, models) as http:
        # when
        response = await http.post(
            "/graphql", content=content,
            headers={"Authorization": f"Bearer {ws.admin_key}", "Content-Type": content_type},
        )

    # then
    assert_too_large(response, 20 * KIB)
    assert await rows(engine, select(db.Job.id).where(db.Job.workspace_id == ws.id)) == []
    if streamed:
        assert content.pulled == 21 < len(content.parts)


async def test_an_upload_within_the_limit_is_queued(engine, clock, models, workspaces):
    # given a small upload limit that the file fits in
    ws = await workspaces.create()
    body, content_type = multipart(GOOD.encode())
    async with serve(limits(max_body_bytes=4 * KIB, max_upload_bytes=KIB), engine, clock, models) as http:
        # when
        response = await http.post(
            "/graphql", content=Chunks(body, 256),
            headers={"Authorization": f"Bearer {ws.admin_key}", "Content-Type": content_type},
        )

    # then
    assert response.status_code == 200, response.text
    payload = response.json()["data"]["contactsImport"]
    assert payload["userErrors"] == [] and payload["job"]["status"] in ("PENDING", "RUNNING", "COMPLETED")


async def test_a_batch_of_operations_is_refused_and_none_runs(engine, clock, models, workspaces):
    # given
    ws = await workspaces.create()
    before = await snapshot(engine, ws.id)
    batch = [
        {"query": CREATE, "variables": {"input": {"name": "Ana", "email": "ana@example.com"}}},
        {"query": "{ viewer { user { role } } }"},
    ]
    async with serve(limits(), engine, clock, models) as http:
        # when
        response = await http.post("/graphql", json=batch, headers={"Authorization": f"Bearer {ws.admin_key}"})
        single = await http.post("/graphql", json=batch[1], headers={"Authorization": f"Bearer {ws.admin_key}"})

    # then
    assert response.status_code == 400
    ((error,),) = [response.json()["errors"]]
    assert error["extensions"] == {"code": "BATCHING_DISABLED"}
    assert "one operation per request" in error["message"]
    assert await snapshot(engine, ws.id) == before
    assert single.status_code == 200 and single.json()["data"]["viewer"]["user"]["role"] == "ADMIN"


async def test_an_import_with_too_many_rows_is_refused_and_nothing_is_stored(engine, clock, models, workspaces):
    from tests.api.test_import import upload

    # given a limit of 2 rows and a file of 3
    ws = await workspaces.create()
    before = await snapshot(engine, ws.id)
    async with serve(limits(max_import_rows=2), engine, clock, models) as http:
        # when
        payload = await upload(http, ws.admin_key, GOOD)

    # then
    assert payload["job"] is None
    assert payload["userErrors"] == [
        {"field": "file", "message": "the file has more than 2 rows: split it into files of at most 2 rows",
         "code": "BAD_USER_INPUT"}
    ]
    assert await snapshot(engine, ws.id) == before


async def test_an_import_at_the_row_limit_is_queued(engine, clock, models, workspaces):
    from tests.api.test_import import upload

    # given a limit of 3 rows and a file of 3 (and a blank line, which is no row)
    ws = await workspaces.create()
    async with serve(limits(max_import_rows=3), engine, clock, models) as http:
        # when
        payload = await upload(http, ws.admin_key, GOOD + "\n")

    # then
    assert payload["userErrors"] == [] and payload["job"]["total"] == 3


def test_the_row_count_stops_at_the_first_row_over_the_limit():
    # given
    data = b"name,email\n" + b"".join(f"P{i},p{i}@example.com\n".encode() for i in range(10))

    # when / then
    assert csv_file.summarize(data, max_rows=10).data_rows == 10
    with pytest.raises(csv_file.ImportFileError, match="more than 9 rows"):
        csv_file.summarize(data, max_rows=9)


def test_default_limits():
    # given / when
    settings = Settings(_env_file=None)

    # then
    assert (settings.max_body_bytes, settings.max_upload_bytes, settings.max_import_rows) == (
        1024 * 1024, 50 * 1024 * 1024, 1_000_000
    )
