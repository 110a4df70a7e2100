"""No answer and no log line carries SQL, its parameters, file paths, keys or personal data, in any mode.

A database made to fail under a query (a renamed column) produces the richest exception text there
is: SQLAlchemy's, with the statement and its parameters. Answers must show none of it; logs, as
Rapport writes them (JSON lines, api/observability.py), neither. A real uvicorn server's access log
must not show query strings either.
"""

import asyncio
import io
import logging
import logging.config
import os
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
from sqlalchemy import text

from api.app import create_app
from api.observability import QUIET_LOGGERS, JsonFormatter, WithoutQueryStrings, install_request_id_on_log_records, logging_config
from domain.db import create_engine
from domain.migrate import upgrade
from domain.settings import Settings
from tests.conftest import NOW
from tests.factories import WorkspaceFactory
from tests.scratch import scratch_database

SECRET_EMAIL = "maria.secreta@example.com"
SEARCH = f'{{ contacts(first: 5, search: "{SECRET_EMAIL}") {{ edges {{ node {{ id }} }} }} }}'
SQL_WORDS = ("SELECT", "FROM contact", "WHERE", "[SQL", "parameters", "search_text")


@pytest.fixture(params=["sqlite", "postgresql"])
async def failing_database(request, tmp_path) -> AsyncIterator[tuple[object, object]]:
    """A database of its own whose contact search column is gone: every search fails inside the database."""
    async with scratch_database(request.param, tmp_path) as url:
        engine = create_engine(url)
        await upgrade(engine)
        ws = await WorkspaceFactory(engine, now=NOW).create()
        async with engine.begin() as connection:
            await connection.execute(text("ALTER TABLE contact RENAME COLUMN search_text TO search_gone"))
        yield engine, ws
        await engine.dispose()


def saved_logging() -> dict[str, tuple[int, list[logging.Handler]]]:
    """The levels and handlers of the loggers a logging configuration changes, to put them back after."""
    names = ["", "uvicorn", "uvicorn.error", "uvicorn.access", *QUIET_LOGGERS]
    return {name: (logging.getLogger(name).level, logging.getLogger(name).handlers[:]) for name in names}


def restore_logging(saved: dict[str, tuple[int, list[logging.Handler]]]) -> None:
    for name, (level, handlers) in saved.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.handlers[:] = handlers


def capture_logs() -> tuple[io.StringIO, logging.Handler]:
    """Rapport's log output (its JSON formatter and filters, as `rapport serve` configures them) into a buffer."""
    install_request_id_on_log_records()
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(WithoutQueryStrings())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name, level in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(level)
    return buffer, handler


@pytest.mark.parametrize("env", ["development", "production"])
async def test_a_database_failure_shows_no_sql_parameters_or_paths_in_answers_or_logs(failing_database, clock, models, env):
    # given
    engine, ws = failing_database
    saved = saved_logging()
    logs, handler = capture_logs()
    app = create_app(Settings(redis_url=None, rapport_env=env), engine=engine, clock=clock, models=models, run_jobs=False)

    # when a search fails inside the database, in this mode
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://rapport.test") as http:
            response = await http.post("/graphql", json={"query": SEARCH}, headers={"Authorization": f"Bearer {ws.admin_key}"})
    finally:
        restore_logging(saved)

    # then the client gets a masked error with a request id (and, in development, the exception's class)
    error = response.json()["errors"][0]
    assert error["message"] == "Internal server error"
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR" and error["extensions"]["requestId"]
    assert ("exception" in error["extensions"]) == (env == "development")
    written = logs.getvalue()
    assert error["extensions"]["requestId"] in written  # the fault is logged, findable by its id
    for leaked in (SECRET_EMAIL, ws.admin_key, *SQL_WORDS, "/work/", "/tmp/", str(os.getcwd())):
        assert leaked not in response.text, leaked
        assert leaked not in written, leaked


async def test_a_model_version_that_cannot_serve_is_refused_without_the_models_directory(alt_client, workspaces, models_dir):
    ws = await workspaces.create()

    response = await alt_client.post("/graphql", json={
        "query": 'mutation { satisfactionModelActivate(version: "broken-1") { userErrors { code message } } }'
    }, headers={"Authorization": f"Bearer {ws.admin_key}"})

    error = response.json()["data"]["satisfactionModelActivate"]["userErrors"][0]
    assert error["code"] == "MODEL_INVALID" and "broken-1" in error["message"]
    assert str(models_dir) not in response.text and "/tmp" not in response.text and not error["message"].startswith("/")


async def test_the_servers_logs_hold_no_query_strings_keys_or_e_mails(engine, clock, models, workspaces, capfd):
    # given a real uvicorn server logging as `rapport serve` configures it (JSON lines, access log on)
    ws = await workspaces.create()
    app = create_app(Settings(redis_url=None), engine=engine, clock=clock, models=models, run_jobs=False)
    saved = saved_logging()
    config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_config=logging_config("INFO"), access_log=True)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            # when clients put personal data and keys where they should not: a GET's variables, `?key=`
            variables = f'{{"s": "{SECRET_EMAIL}"}}'
            await http.get("/graphql", params={"query": "query Q($s: String) { contacts(search: $s) { totalCount } }",
                                                "variables": variables}, headers={"Authorization": f"Bearer {ws.agent_key}"})
            await http.get("/graphql", params={"query": "{ viewer { role } }", "key": ws.admin_key})
            await http.post("/graphql", json={"query": f'{{ contacts(search: "{SECRET_EMAIL}") {{ totalCount }} }}'},
                            headers={"Authorization": f"Bearer {ws.agent_key}"})
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
        restore_logging(saved)

    # then the access log names the path and the request log the operation, and nothing else leaks
    # (the test's own HTTP client logs through the same root logger: its lines are not the server's)
    written = "\n".join(line for line in capfd.readouterr().err.splitlines() if '"logger": "httpx"' not in line)
    assert '\\"GET /graphql HTTP/1.1\\" 200' in written and "graphql request" in written
    for leaked in (SECRET_EMAIL, SECRET_EMAIL.replace("@", "%40"), ws.admin_key, ws.agent_key, "variables="):
        assert leaked not in written, leaked
