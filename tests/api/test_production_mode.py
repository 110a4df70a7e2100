"""RAPPORT_ENV=production: no introspection, no suggestions, no GraphiQL, masked internal errors; CORS allow-list."""

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from domain.db import create_engine
from domain.migrate import upgrade
from domain.settings import Settings
from tests.conftest import NOW
from tests.factories import WorkspaceFactory

INTROSPECTION = "{ __schema { queryType { name } } }"
TYPE_INTROSPECTION = '{ __type(name: "Contact") { fields { name } } }'
TYPO = "{ viewr { user { id } } }"


@asynccontextmanager
async def app_client(engine: AsyncEngine, clock, models, **settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings=Settings(**settings), engine=engine, clock=clock, models=models, run_jobs=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://rapport.test") as http:
        yield http


async def ask(http: httpx.AsyncClient, query: str, key: str | None, **headers: str) -> httpx.Response:
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return await http.post("/graphql", json={"query": query}, headers=headers)


def codes(body) -> list[str]:
    return [e["extensions"]["code"] for e in body["errors"]]


# --- Introspection and suggestions -----------------------------------------------------------------


@pytest.mark.parametrize("query", [INTROSPECTION, TYPE_INTROSPECTION])
async def test_introspection_is_refused_in_production(engine, clock, models, workspaces, query):
    ws = await workspaces.create()
    async with app_client(engine, clock, models, rapport_env="production") as http:
        response = await ask(http, query, ws.admin_key, Accept="application/graphql-response+json")

    assert response.status_code == 400
    body = response.json()
    assert "data" not in body
    assert set(codes(body)) == {"GRAPHQL_VALIDATION_FAILED"}  # one per introspection field selected
    assert "introspection" in body["errors"][0]["message"].lower()


async def test_typename_still_answers_in_production(engine, clock, models, workspaces):
    ws = await workspaces.create()
    async with app_client(engine, clock, models, rapport_env="production") as http:
        response = await ask(http, "{ __typename }", ws.admin_key)

    assert response.json()["data"] == {"__typename": "Query"}


@pytest.mark.parametrize("query", [INTROSPECTION, TYPE_INTROSPECTION])
async def test_introspection_is_allowed_in_development(engine, clock, models, workspaces, query):
    ws = await workspaces.create()
    async with app_client(engine, clock, models, rapport_env="development") as http:
        response = await ask(http, query, ws.admin_key)

    assert response.status_code == 200
    assert not response.json().get("errors")
    assert response.json()["data"]


async def test_no_field_suggestions_in_production_but_validation_is_still_explained(engine, clock, models, workspaces):
    ws = await workspaces.create()
    async with app_client(engine, clock, models, rapport_env="development") as http:
        development = (await ask(http, TYPO, ws.admin_key)).json()
    async with app_client(engine, clock, models, rapport_env="production") as http:
        production = (await ask(http, TYPO, ws.admin_key)).json()

    assert "Did you mean 'viewer'?" in development["errors"][0]["message"]
    assert production["errors"][0]["message"] == "Cannot query field 'viewr' on type 'Query'."
    assert codes(production) == ["GRAPHQL_VALIDATION_FAILED"]
    assert production["errors"][0]["locations"] == [{"line": 1, "column": 3}]


async def test_no_enum_or_argument_suggestions_in_production(engine, clock, models, workspaces):
    ws = await workspaces.create()
    query = '{ satisfactionPredict(turns: [{role: CUSTOMR, text: "Hola"}]) { label } }'
    async with app_client(engine, clock, models, rapport_env="production") as http:
        body = (await ask(http, query, ws.agent_key)).json()

    assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    message = body["errors"][0]["message"]
    assert "CUSTOMR" in message and "Did you mean" not in message and "CUSTOMER" not in message


# --- GraphiQL --------------------------------------------------------------------------------------

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


async def test_no_graphiql_in_production(engine, clock, models):
    async with app_client(engine, clock, models, rapport_env="production") as http:
        response = await http.get("/graphql", headers=BROWSER)

    assert response.status_code == 404
    assert "text/html" not in response.headers["content-type"]
    assert "graphiql" not in response.text.lower()


async def test_graphiql_in_development(engine, clock, models):
    async with app_client(engine, clock, models, rapport_env="development") as http:
        response = await http.get("/graphql", headers=BROWSER)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")


# --- Unexpected errors -----------------------------------------------------------------------------


@pytest.fixture
async def broken_database(tmp_path, request) -> AsyncIterator[tuple[AsyncEngine, str]]:
    """A database of its own with a workspace whose tag row holds what the code cannot read.

    (Not an outage: a database that does not answer is SERVICE_UNAVAILABLE, see test_database_down.)
    """
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'broken.db'}")
    await upgrade(engine)
    ws = await WorkspaceFactory(engine, now=NOW).create()
    async with engine.begin() as connection:
        await connection.execute(
            text("INSERT INTO tag (workspace_id, name, name_key, created_at) VALUES (:ws, 'vip', 'vip', 'not a date')"), {"ws": ws.id}
        )
    yield engine, ws.admin_key
    await engine.dispose()


async def test_unexpected_error_is_masked_with_a_request_id_that_is_logged(broken_database, clock, models, caplog):
    engine, key = broken_database
    caplog.set_level(logging.ERROR)
    async with app_client(engine, clock, models, rapport_env="production") as http:
        response = await ask(http, "{ tags { edges { node { name } } } }", key, **{"X-Request-ID": "req-42.abc"})

    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["message"] == "Internal server error"
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-42.abc"}
    assert error["path"] == ["tags"]
    assert "not a date" not in response.text and "parse" not in response.text  # nothing of the cause leaks
    logged = [r for r in caplog.records if r.name == "api.errors" and "req-42.abc" in r.getMessage()]
    assert logged, [r.getMessage() for r in caplog.records]
    assert "exception=ValueError" in logged[0].getMessage() and "path=tags" in logged[0].getMessage()
    assert "not a date" not in logged[0].getMessage()  # an exception's text may hold data: never logged
    assert logged[0].exc_info  # the JSON formatter renders its frames (api/observability.safe_traceback)


async def test_an_insane_request_id_is_replaced_by_a_fresh_one(broken_database, clock, models, caplog):
    engine, key = broken_database
    caplog.set_level(logging.ERROR)
    async with app_client(engine, clock, models, rapport_env="production") as http:
        response = await ask(http, "{ tags { edges { node { name } } } }", key, **{"X-Request-ID": "bad id <script>"})

    request_id = response.json()["errors"][0]["extensions"]["requestId"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert response.headers.get("x-request-id", request_id) == request_id
    assert any(request_id in r.getMessage() for r in caplog.records if r.name == "api.errors")


@pytest.mark.parametrize("env", ["production", "development"])
async def test_a_failure_before_execution_is_a_json_500_with_a_request_id(tmp_path, clock, models, caplog, env):
    # given a user row the code cannot read (authentication fails at the edge, before execution)
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'bad-keys.db'}")
    await upgrade(engine)
    ws = await WorkspaceFactory(engine, now=NOW).create()
    async with engine.begin() as connection:
        await connection.execute(text("UPDATE app_user SET role = 'EMPEROR'"))
    caplog.set_level(logging.ERROR)
    try:
        async with app_client(engine, clock, models, rapport_env=env) as http:
            response = await ask(http, "{ __typename }", ws.admin_key, **{"X-Request-ID": "req-500"})
    finally:
        await engine.dispose()

    assert response.status_code == 500
    body = response.json()
    assert "data" not in body
    assert body["errors"] == [
        {"message": "Internal server error", "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-500"}}
    ]
    assert any("req-500" in r.getMessage() and r.exc_info for r in caplog.records if r.name == "api.errors")


async def test_unexpected_errors_are_masked_in_development_too_naming_only_the_exception_class(broken_database, clock, models):
    engine, key = broken_database
    async with app_client(engine, clock, models, rapport_env="development") as http:
        response = await ask(http, "{ tags { edges { node { name } } } }", key, **{"X-Request-ID": "dev-1"})

    error = response.json()["errors"][0]
    assert error["message"] == "Internal server error"
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "dev-1", "exception": "ValueError"}
    assert "not a date" not in response.text


async def test_domain_errors_are_not_masked_in_production(engine, clock, models, workspaces):
    ws = await workspaces.create()
    async with app_client(engine, clock, models, rapport_env="production") as http:
        body = (await ask(http, '{ contact(id: "not-an-id") { id } }', ws.agent_key)).json()

    assert codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] != "Internal server error"


# --- CORS ------------------------------------------------------------------------------------------

ALLOWED = "https://app.rapport.example"


async def test_cors_headers_only_for_allowed_origins(engine, clock, models, workspaces):
    ws = await workspaces.create()
    async with app_client(engine, clock, models, rapport_env="production", cors_origins=[ALLOWED]) as http:
        allowed = await ask(http, "{ __typename }", ws.admin_key, Origin=ALLOWED)
        other = await ask(http, "{ __typename }", ws.admin_key, Origin="https://evil.example")

    assert allowed.headers["access-control-allow-origin"] == ALLOWED
    assert "access-control-allow-origin" not in other.headers
    assert "access-control-allow-credentials" not in allowed.headers


async def test_cors_preflight(engine, clock, models):
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    }
    async with app_client(engine, clock, models, cors_origins=[ALLOWED]) as http:
        allowed = await http.options("/graphql", headers={"Origin": ALLOWED, **preflight})
        other = await http.options("/graphql", headers={"Origin": "https://evil.example", **preflight})

    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == ALLOWED
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    assert other.status_code == 400
    assert "access-control-allow-origin" not in other.headers


async def test_no_cors_headers_without_an_allow_list(engine, clock, models, workspaces):
    ws = await workspaces.create()
    async with app_client(engine, clock, models, cors_origins=[]) as http:
        response = await ask(http, "{ __typename }", ws.admin_key, Origin=ALLOWED)

    assert not [name for name in response.headers if name.lower().startswith("access-control-")]


def test_cors_origins_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("CORS_ORIGINS", f"{ALLOWED}, https://admin.rapport.example/")
    monkeypatch.setenv("RAPPORT_ENV", "production")

    settings = Settings()

    assert settings.cors_origins == [ALLOWED, "https://admin.rapport.example"]
    assert settings.production


@pytest.mark.parametrize("env", ["production", "development"])
@pytest.mark.parametrize("query", ["{ contac { id } }", "{ __schema { types { name } } }", "{ viewer { user { id } "])
async def test_without_a_key_nothing_of_the_schema_is_told(engine, clock, models, env, query):
    # given no key: a probe of the schema (a misspelt field, introspection, a broken document)
    async with app_client(engine, clock, models, rapport_env=env) as http:
        response = await ask(http, query, None)

    # then only UNAUTHENTICATED: no validation answer, no suggestion, no parse position
    body = response.json()
    assert codes(body) == ["UNAUTHENTICATED"]
    assert "contact" not in response.text and "Did you mean" not in response.text and "Syntax" not in response.text
