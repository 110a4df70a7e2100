"""What operators see: readiness naming what is down, Prometheus metrics, request ids and JSON logs."""

import json
import logging
import logging.config
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from api.observability import MAX_OPERATION_LABELS, JsonFormatter, Metrics, logging_config
from domain.db import create_engine, session_factory
from domain.enums import JobKind, JobStatus
from domain.settings import Settings
from domain.models.jobs import Job
from ml.serving import ModelServer
from tests.graphql_client import data_of, gql

VIEWER = "query Viewer { viewer { user { id } workspace { id } } }"


@asynccontextmanager
async def http(app) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://rapport.test") as client:
        yield client


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """Every sample of a Prometheus text exposition: (name, labels) -> value."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(scraped: dict, name: str, **labels: str) -> float | None:
    return scraped.get((name, frozenset(labels.items())))


async def scrape(client: httpx.AsyncClient) -> dict:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return samples(response.text)


def request_lines(caplog: pytest.LogCaptureFixture) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "rapport.request"]


def down_sqlite(tmp_path: Path) -> tuple[AsyncEngine, Path]:
    """A SQLite engine whose directory is gone (create_engine makes it; we take it away again)."""
    directory = tmp_path / "gone"
    engine = create_engine(f"sqlite+aiosqlite:///{directory / 'rapport.db'}")
    directory.rmdir()
    return engine, directory


# --- /metrics --------------------------------------------------------------------------------


async def test_metrics_count_requests_by_operation_and_outcome_with_latency_histograms(engine, clock, models, workspaces):
    # given
    ws = await workspaces.create()
    app = create_app(engine=engine, clock=clock, models=models, run_jobs=False)
    async with http(app) as client:
        data_of(await gql(client, VIEWER, key=ws.admin_key))
        data_of(await gql(client, VIEWER, key=ws.agent_key))
        await gql(client, VIEWER, key=None)  # UNAUTHENTICATED, refused before its document is read
        data_of(await gql(client, "{ viewer { user { id } } }", key=ws.admin_key))

        # when
        scraped = await scrape(client)

    # then
    assert value(scraped, "rapport_graphql_requests_total", operation="Viewer", outcome="ok") == 2
    assert value(scraped, "rapport_graphql_requests_total", operation="unknown", outcome="UNAUTHENTICATED") == 1
    assert value(scraped, "rapport_graphql_requests_total", operation="anonymous", outcome="ok") == 1
    histogram = "rapport_graphql_request_duration_seconds"
    assert value(scraped, f"{histogram}_count", operation="Viewer", outcome="ok") == 2
    assert value(scraped, f"{histogram}_bucket", operation="Viewer", outcome="ok", le="+Inf") == 2
    assert value(scraped, f"{histogram}_sum", operation="Viewer", outcome="ok") > 0


async def test_the_request_bodys_operation_name_picks_the_label(engine, clock, models, workspaces):
    # given a document with two operations, the request choosing one
    ws = await workspaces.create()
    document = VIEWER + " query Other { viewer { user { id } } }"
    app = create_app(engine=engine, clock=clock, models=models, run_jobs=False)
    async with http(app) as client:
        data_of(await gql(client, document, key=ws.admin_key, operation_name="Other"))

        # when
        scraped = await scrape(client)

    # then
    assert value(scraped, "rapport_graphql_requests_total", operation="Other", outcome="ok") == 1
    assert value(scraped, "rapport_graphql_requests_total", operation="Viewer", outcome="ok") is None


async def test_each_app_counts_in_its_own_registry(engine, clock, models, workspaces):
    # given two apps in one process
    ws = await workspaces.create()
    first = create_app(engine=engine, clock=clock, models=models, run_jobs=False)
    second = create_app(engine=engine, clock=clock, models=models, run_jobs=False)
    async with http(first) as client:
        data_of(await gql(client, VIEWER, key=ws.admin_key))

    # when
    async with http(second) as client:
        scraped = await scrape(client)

    # then
    assert value(scraped, "rapport_graphql_requests_total", operation="Viewer", outcome="ok") is None


def test_operation_labels_are_bounded():
    # given a client inventing operation names
    metrics = Metrics()
    for n in range(MAX_OPERATION_LABELS):
        assert metrics.operation_label(f"Op{n}") == f"Op{n}"

    # when / then
    assert metrics.operation_label("OneTooMany") == "other"
    assert metrics.operation_label("Op0") == "Op0"
    assert metrics.operation_label("not a name!") == "unknown"


async def test_job_gauges_count_queued_and_running_jobs_with_their_progress(engine, clock, models, workspaces):
    # given (the database is shared with other tests: compare with a scrape before)
    ws = await workspaces.create()
    app = create_app(engine=engine, clock=clock, models=models, run_jobs=False)
    sessions = session_factory(engine)
    async with http(app) as client:
        before = await scrape(client)
        async with sessions() as session, session.begin():
            session.add_all([
                Job(workspace_id=ws.id, kind=JobKind.BULK_ACTION, status=JobStatus.PENDING, created_at=workspaces.now, total=5),
                Job(
                    workspace_id=ws.id, kind=JobKind.IMPORT, status=JobStatus.RUNNING, created_at=workspaces.now,
                    started_at=workspaces.now, total=10, processed=3,
                ),
                Job(workspace_id=ws.id, kind=JobKind.IMPORT, status=JobStatus.COMPLETED, created_at=workspaces.now, total=7, processed=7),
            ])
        try:
            # when
            after = await scrape(client)
        finally:
            async with sessions() as session, session.begin():
                await session.execute(delete(Job).where(Job.workspace_id == ws.id))

    # then
    def delta(name: str, kind: JobKind) -> float:
        return value(after, name, kind=kind.value) - value(before, name, kind=kind.value)

    assert value(after, "rapport_database_up") == 1
    assert delta("rapport_jobs_pending", JobKind.BULK_ACTION) == 1
    assert delta("rapport_jobs_pending", JobKind.IMPORT) == 0
    assert delta("rapport_jobs_running", JobKind.IMPORT) == 1
    assert delta("rapport_jobs_running_items_processed", JobKind.IMPORT) == 3
    assert delta("rapport_jobs_running_items", JobKind.IMPORT) == 10
    assert value(after, "rapport_jobs_pending", kind=JobKind.SATISFACTION_RESCORE.value) is not None


async def test_metrics_name_the_default_satisfaction_models_version(engine, clock, models):
    # given
    app = create_app(engine=engine, clock=clock, models=models, run_jobs=False)

    # when
    async with http(app) as client:
        scraped = await scrape(client)

    # then
    version = models.model(models.default_spec).version
    assert value(scraped, "rapport_satisfaction_model_info", version=version) == 1
    assert value(scraped, "rapport_satisfaction_model_up") == 1


async def test_metrics_still_answer_when_the_database_is_down(clock, models, tmp_path):
    # given
    down, _ = down_sqlite(tmp_path)
    app = create_app(engine=down, clock=clock, models=models, run_jobs=False)

    # when
    async with http(app) as client:
        scraped = await scrape(client)

    # then
    assert value(scraped, "rapport_database_up") == 0
    assert value(scraped, "rapport_jobs_pending", kind=JobKind.IMPORT.value) is None


# --- request ids and logs ----------------------------------------------------------------------


async def test_a_sane_request_id_is_echoed(client):
    # when
    response = await client.get("/health/live", headers={"X-Request-ID": "edge-42.a_b"})

    # then
    assert response.headers["x-request-id"] == "edge-42.a_b"


@pytest.mark.parametrize("header", [None, "", "x" * 65, "has space", "semi;colon", "ünïcode"])
async def test_a_missing_or_odd_request_id_is_replaced_by_a_fresh_one(client, header):
    # given
    headers = {"X-Request-ID": header.encode("utf-8")} if header is not None else {}

    # when
    first = await client.post("/graphql", json={"query": VIEWER}, headers=headers)
    second = await client.post("/graphql", json={"query": VIEWER}, headers=headers)

    # then
    assert re.fullmatch(r"[0-9a-f]{32}", first.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


async def test_each_graphql_request_logs_one_json_line(client, workspaces, caplog):
    # given
    ws = await workspaces.create()
    caplog.set_level(logging.INFO, logger="rapport.request")

    # when
    await client.post(
        "/graphql", json={"query": VIEWER}, headers={"Authorization": f"Bearer {ws.admin_key}", "X-Request-ID": "req-1"}
    )
    await client.post("/graphql", json={"query": VIEWER}, headers={"X-Request-ID": "req-2"})

    # then
    ok, refused = request_lines(caplog)
    assert ok["request_id"] == "req-1"
    assert ok["operation"] == "Viewer"
    assert ok["workspace_id"] == ws.id
    assert ok["status"] == 200
    assert ok["outcome"] == "ok"
    assert ok["error_codes"] == []
    assert isinstance(ok["duration_ms"], float) and ok["duration_ms"] >= 0
    assert ok["level"] == "INFO" and ok["message"] == "graphql request"
    assert refused["request_id"] == "req-2"
    assert refused["workspace_id"] is None
    assert refused["error_codes"] == ["UNAUTHENTICATED"]
    assert refused["outcome"] == "UNAUTHENTICATED"


async def test_requests_refused_before_graphql_are_logged_and_counted_by_their_code(engine, clock, models, workspaces, caplog):
    # given a burst of 1 and a body limit of 1 KiB
    ws = await workspaces.create()
    caplog.set_level(logging.INFO, logger="rapport.request")
    settings = Settings(redis_url=None, rate_limit_burst=1, rate_limit_per_second=1, max_body_bytes=1024)
    app = create_app(settings=settings, engine=engine, clock=clock, models=models)
    headers = {"Authorization": f"Bearer {ws.admin_key}"}
    async with http(app) as client:
        # when a batch (batching is off) and an oversized body are refused by the body step (before the
        # rate limit: they spend no token), then two requests share the burst of one
        await client.post("/graphql", json=[{"query": VIEWER}], headers=headers)
        await client.post("/graphql", json={"query": VIEWER, "variables": {"pad": "x" * 2048}}, headers=headers)
        await client.post("/graphql", json={"query": VIEWER}, headers=headers)
        await client.post("/graphql", json={"query": VIEWER}, headers=headers)
        scraped = await scrape(client)

    # then each refusal's code is its outcome, in the log line and in the request counter
    lines = request_lines(caplog)
    assert [(line["status"], line["outcome"]) for line in lines] == [
        (400, "BATCHING_DISABLED"), (413, "PAYLOAD_TOO_LARGE"), (200, "ok"), (429, "RATE_LIMITED")
    ]
    for outcome in ("BATCHING_DISABLED", "PAYLOAD_TOO_LARGE", "RATE_LIMITED"):
        assert value(scraped, "rapport_graphql_requests_total", operation="unknown", outcome=outcome) == 1


async def test_health_checks_are_not_logged_as_graphql_requests(client, caplog):
    # given
    caplog.set_level(logging.INFO, logger="rapport.request")

    # when
    await client.get("/health/live")

    # then
    assert request_lines(caplog) == []


async def test_other_log_lines_of_a_request_carry_its_id(clock, models, tmp_path, caplog):
    # given a database that is down: the readiness check logs a warning while serving the request
    down, _ = down_sqlite(tmp_path)
    app = create_app(engine=down, clock=clock, models=models, run_jobs=False)
    caplog.set_level(logging.WARNING, logger="api.observability")

    # when
    async with http(app) as client:
        await client.get("/health/ready", headers={"X-Request-ID": "probe-7"})

    # then
    [line] = [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "api.observability"]
    assert line["request_id"] == "probe-7"
    assert "database" in line["message"]


def test_the_logging_config_writes_uvicorns_lines_as_json(capsys):
    # given
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    names = ("uvicorn", "uvicorn.error", "uvicorn.access")
    saved_loggers = {n: (logging.getLogger(n).handlers[:], logging.getLogger(n).level, logging.getLogger(n).propagate) for n in names}
    logging.config.dictConfig(logging_config("info"))
    try:
        # when
        logging.getLogger("uvicorn.error").info("Started server process [%d]", 42)
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
        for n, (handlers, level, propagate) in saved_loggers.items():
            logger = logging.getLogger(n)
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.propagate = propagate

    # then
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["logger"] == "uvicorn.error"
    assert line["message"] == "Started server process [42]"
    assert line["level"] == "INFO"


def test_serve_configures_json_logging_for_uvicorn(monkeypatch):
    import uvicorn
    from typer.testing import CliRunner

    import api.observability
    from api.cli import app as cli

    # given
    calls: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.update(kwargs))
    monkeypatch.setattr(api.observability, "configure_logging", lambda level: logging_config(level))

    # when
    result = CliRunner().invoke(cli, ["serve", "--log-level", "warning"])

    # then
    assert result.exit_code == 0, result.output
    assert calls["log_config"] == logging_config("warning")


# --- /health/ready -----------------------------------------------------------------------------


async def test_ready_when_the_database_and_the_model_answer(client, models):
    # when
    response = await client.get("/health/ready")

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["satisfactionModel"] == "ok"
    assert body["satisfactionModelVersion"] == models.model(models.default_spec).version
    assert body["down"] == []


@pytest.mark.parametrize("url", ["postgresql://postgres@127.0.0.1:1/none", "sqlite-missing-dir"])
async def test_not_ready_while_the_database_is_down(clock, models, tmp_path, url):
    # given
    down = down_sqlite(tmp_path)[0] if url == "sqlite-missing-dir" else create_engine(url)
    app = create_app(engine=down, clock=clock, models=models, run_jobs=False)

    # when
    async with http(app) as client:
        response = await client.get("/health/ready")

    # then
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["down"] == ["database"]
    assert body["database"] == "down"
    assert body["errors"]["database"]
    assert body["satisfactionModel"] == "ok"


async def test_ready_again_once_the_database_is_back(clock, models, tmp_path):
    # given a SQLite database whose directory is gone
    down, directory = down_sqlite(tmp_path)
    app = create_app(engine=down, clock=clock, models=models, run_jobs=False)
    async with http(app) as client:
        assert (await client.get("/health/ready")).status_code == 503

        # when the directory is back
        directory.mkdir()
        response = await client.get("/health/ready")

    # then
    assert response.status_code == 200
    assert response.json()["down"] == []


async def test_not_ready_while_the_satisfaction_model_cannot_load(engine, clock, tmp_path):
    # given a models directory without the configured model
    missing = ModelServer(models_dir=tmp_path, default_spec="no-such-model")
    app = create_app(engine=engine, clock=clock, models=missing, run_jobs=False)

    # when
    async with http(app) as client:
        response = await client.get("/health/ready")
        scraped = await scrape(client)

    # then
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["satisfactionModel"]
    assert body["database"] == "ok"
    assert body["satisfactionModel"] == "down"
    assert body["errors"]["satisfactionModel"]
    assert value(scraped, "rapport_satisfaction_model_up") == 0
