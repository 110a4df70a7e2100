"""What operators see of a running Rapport: readiness, Prometheus metrics and JSON logs.

- `/health/ready` answers 503 with the names of what is down (the database, the satisfaction model).
- `/metrics` serves the Prometheus text format from a registry owned by the app (not the process-wide
  default registry: tests build many apps in one process). It is unauthenticated, like the health
  checks: operators must keep it off the public internet (scrape it on an internal port or path).
- Every GraphQL request gets a request id (the client's `X-Request-ID` when it is a sane token, else
  a fresh one), echoed in the `X-Request-ID` response header, kept in a ContextVar so that every log
  line written while serving the request carries it, and ends with one JSON log line.
"""

import asyncio
import functools
import json
import logging
import logging.config
import re
import time
import traceback
import uuid
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, parse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.enums import JobKind, JobStatus
from domain.models.jobs import Job
from ml.serving import ModelError, ModelServer

log = logging.getLogger(__name__)
request_log = logging.getLogger("rapport.request")

# How long a readiness check or a scrape waits for the database before calling it down.
CHECK_TIMEOUT_SECONDS = 3.0

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

request_id_var: ContextVar[str | None] = ContextVar("rapport_request_id", default=None)
"""The id of the request being served (None outside a request): every log line carries it."""


def current_request_id() -> str | None:
    return request_id_var.get()


_record_factory_installed = False
# Not "request_id": callers may pass that with `extra=`, which may not overwrite a record attribute.
_REQUEST_ID_ATTR = "rapport_request_id"


def install_request_id_on_log_records() -> None:
    """Stamp every LogRecord with the current request id when it is created (once per process).

    Done at creation, not when formatting: a handler may format later, elsewhere (a queue, a test's
    capture), where the ContextVar no longer holds the request's id.
    """
    global _record_factory_installed
    if _record_factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        setattr(record, _REQUEST_ID_ATTR, request_id_var.get())
        return record

    logging.setLogRecordFactory(factory)
    _record_factory_installed = True


def request_id_from(header: str | None) -> str:
    """The client's request id when it is a sane token (<= 64 of [A-Za-z0-9._-]), else a new one."""
    if header is not None and _SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


# ---------------------------------------------------------------------------------------------
# JSON logs
# ---------------------------------------------------------------------------------------------

# Attributes every LogRecord has (and uvicorn's ANSI-coloured copy of its message); anything else
# was passed with `extra=` and is logged as a field.
_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName", "request_id", _REQUEST_ID_ATTR, "color_message"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, pid, message, request_id, and any `extra` fields.

    `pid` tells the processes of `rapport serve --workers N` apart (and a restarted process from its predecessor).
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "pid": record.process,
            "message": record.getMessage(),
        }
        request_id = vars(record).get("request_id")  # passed explicitly with extra=
        if request_id is None:
            request_id = getattr(record, _REQUEST_ID_ATTR) if hasattr(record, _REQUEST_ID_ATTR) else request_id_var.get()
        if request_id is not None:
            entry["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and key not in entry:
                entry[key] = value
        if record.exc_info and record.exc_info[1] is not None:
            entry["exception"] = safe_traceback(record.exc_info[1])
        return json.dumps(entry, default=str, ensure_ascii=False)


def safe_traceback(exc: BaseException) -> str:
    """An exception for the log: its classes (with causes) and where they were raised, never their messages.

    Messages may hold SQL and its parameters (SQLAlchemy's), personal data or file paths; the class,
    the frames (paths relative to the project or site-packages) and the request id locate a fault.
    """
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(parts) < 5:
        seen.add(id(current))
        frames = traceback.extract_tb(current.__traceback__)[-8:]
        where = " < ".join(f"{_short_path(f.filename)}:{f.lineno} in {f.name}" for f in reversed(frames))
        parts.append(f"{type(current).__module__}.{type(current).__qualname__}" + (f" at {where}" if where else ""))
        current = current.__cause__ or current.__context__
    return " | caused by ".join(parts)


def _short_path(filename: str) -> str:
    for marker in ("site-packages/", "/api/", "/domain/", "/ml/", "/lib/python3"):
        if marker in filename:
            head = marker.strip("/") + "/" if marker in ("/api/", "/domain/", "/ml/") else ""
            return head + filename.split(marker, 1)[1]
    return filename.rsplit("/", 1)[-1]


class WithoutQueryStrings(logging.Filter):
    """uvicorn's access log names the request's full target: keep its path, drop the query string
    (a GET's variables may hold e-mails, a careless client's `?key=` an API key)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, target, version, status = record.args
            record.args = (client, method, str(target).split("?", 1)[0], version, status)
        return True


# Libraries that log statements with their parameters at DEBUG: never below WARNING, whatever LOG_LEVEL says.
QUIET_LOGGERS = {"aiosqlite": "WARNING", "asyncpg": "WARNING", "python_multipart": "WARNING", "multipart": "WARNING"}


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """A `logging.config.dictConfig` dict: every logger, uvicorn's included, writes JSON to stderr.

    `rapport serve` hands it to uvicorn as `log_config`, so each (reloaded) worker applies it too.
    """
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "filters": {"without_query_strings": {"()": f"{__name__}.WithoutQueryStrings"}},
        "handlers": {"stderr": {
            "class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr",
            "filters": ["without_query_strings"],
        }},
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            **{name: {"level": level, "handlers": [], "propagate": True} for name in ("uvicorn", "uvicorn.error", "uvicorn.access")},
            **{name: {"level": quiet, "handlers": [], "propagate": True} for name, quiet in QUIET_LOGGERS.items()},
        },
    }


def configure_logging(level: str = "INFO") -> dict[str, Any]:
    """Send all logs to stderr as JSON lines; returns the config (for uvicorn's `log_config`)."""
    install_request_id_on_log_records()
    config = logging_config(level)
    logging.config.dictConfig(config)
    return config


# ---------------------------------------------------------------------------------------------
# What one GraphQL request did (filled in by the GraphQL app, read by the middleware)
# ---------------------------------------------------------------------------------------------

_OBSERVATION_KEY = "rapport.observation"
ANONYMOUS = "anonymous"  # an operation without a name
UNKNOWN = "unknown"  # no operation ran, or its name is not known (bad request, unparsable query)
OTHER = "other"  # metrics label once too many distinct operation names were seen
BATCH = "batch"  # metrics label of a batched request (its log line lists the operations)
_GRAPHQL_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,99}")
_ERROR_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,63}")
_PARSE_CACHE_MAX_QUERY = 20_000


@dataclass
class Observation:
    operation: str | None = None
    workspace_id: int | None = None
    error_codes: list[str] = field(default_factory=list)

    def note_request(self, request_data: Any, context: Any) -> None:
        principal = getattr(context, "principal", None)
        if principal is not None:
            self.workspace_id = principal.workspace_id
        if isinstance(request_data, list):  # a batch: name it after its operations
            names = [operation_name(getattr(item, "operation_name", None), getattr(item, "query", None)) for item in request_data]
            self.operation = ",".join(names) if names else UNKNOWN
        else:
            self.operation = operation_name(getattr(request_data, "operation_name", None), getattr(request_data, "query", None))

    def note_result(self, result: Any) -> None:
        for one in result if isinstance(result, list) else [result]:
            for error in getattr(one, "errors", None) or []:
                code = (error.extensions or {}).get("code") if isinstance(error, GraphQLError) else None
                self.error_codes.append(str(code) if code else "ERROR")


def note_refusal(scope: Scope, code: str) -> None:
    """A request refused before GraphQL ran (rate limit, size, batching): its code is the outcome."""
    noted = observation(scope)
    if noted is not None:
        noted.error_codes.append(code)


def observation(scope: Scope) -> Observation | None:
    state = scope.get("state")
    return state.get(_OBSERVATION_KEY) if isinstance(state, dict) else None


def operation_name(provided: Any, query: Any) -> str:
    """The operation's name: the request's `operationName`, else the name in a one-operation query."""
    if isinstance(provided, str) and provided:
        return provided[:100]
    if not isinstance(query, str) or not query:
        return UNKNOWN
    if len(query) > _PARSE_CACHE_MAX_QUERY:
        return _document_operation.__wrapped__(query)
    return _document_operation(query)


@functools.lru_cache(maxsize=512)
def _document_operation(query: str) -> str:
    try:
        document = parse(query, no_location=True)
    except Exception:  # noqa: BLE001 - GraphQLError, or RecursionError on absurd nesting: not ours to report
        return UNKNOWN
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        return UNKNOWN
    return operations[0].name.value if operations[0].name else ANONYMOUS


class ObservedGraphQL:
    """Mixed into the strawberry GraphQL app: tells the middleware the operation, workspace and errors."""

    async def execute_operation(self, **kwargs: Any) -> Any:
        noted = observation(kwargs["request"].scope)
        if noted is not None:
            try:
                noted.note_request(kwargs.get("request_data"), kwargs.get("context"))
            except Exception:  # noqa: BLE001 - observing never fails a request
                log.debug("cannot note the GraphQL request", exc_info=True)
        result = await super().execute_operation(**kwargs)  # type: ignore[misc]
        if noted is not None:
            try:
                noted.note_result(result)
            except Exception:  # noqa: BLE001
                log.debug("cannot note the GraphQL result", exc_info=True)
        return result


# ---------------------------------------------------------------------------------------------
# Metrics
# ---------------------------------------------------------------------------------------------

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# Operation names come from clients: past this many distinct ones, new names count as "other".
MAX_OPERATION_LABELS = 200


@dataclass
class _JobSnapshot:
    up: bool = False
    # (kind, status) -> (jobs, processed, total)
    rows: dict[tuple[str, str], tuple[int, int, int]] = field(default_factory=dict)


@dataclass
class _ModelSnapshot:
    up: bool = False
    version: str | None = None


class _ScrapeCollector(Collector):
    """Values read at scrape time: job progress from the job table, the default model's version."""

    def __init__(self) -> None:
        self.jobs = _JobSnapshot()
        self.model = _ModelSnapshot()

    def describe(self) -> Iterable[Metric]:
        return list(self._families(_JobSnapshot(), _ModelSnapshot()))

    def collect(self) -> Iterable[Metric]:
        return list(self._families(self.jobs, self.model))

    @staticmethod
    def _families(jobs: _JobSnapshot, model: _ModelSnapshot) -> Iterator[Metric]:
        database = GaugeMetricFamily("rapport_database_up", "1 when the last scrape could read the database.")
        database.add_metric([], 1 if jobs.up else 0)
        yield database
        families = {
            JobStatus.PENDING: GaugeMetricFamily("rapport_jobs_pending", "Jobs waiting to run, by kind.", labels=["kind"]),
            JobStatus.RUNNING: GaugeMetricFamily("rapport_jobs_running", "Jobs running now, by kind.", labels=["kind"]),
        }
        processed = GaugeMetricFamily(
            "rapport_jobs_running_items_processed", "Items processed so far by the running jobs, by kind.", labels=["kind"]
        )
        total = GaugeMetricFamily("rapport_jobs_running_items", "Items to process by the running jobs, by kind.", labels=["kind"])
        if jobs.up:
            for kind in JobKind:
                for status, family in families.items():
                    family.add_metric([kind.value], jobs.rows.get((kind.value, status.value), (0, 0, 0))[0])
                _, done, all_items = jobs.rows.get((kind.value, JobStatus.RUNNING.value), (0, 0, 0))
                processed.add_metric([kind.value], done)
                total.add_metric([kind.value], all_items)
        yield from families.values()
        yield processed
        yield total
        up = GaugeMetricFamily("rapport_satisfaction_model_up", "1 when the default satisfaction model loads.")
        up.add_metric([], 1 if model.up else 0)
        yield up
        info = GaugeMetricFamily(
            "rapport_satisfaction_model_info", "The default satisfaction model serving (value 1).", labels=["version"]
        )
        if model.version is not None:
            info.add_metric([model.version], 1)
        yield info


class Metrics:
    """One app's metrics, in a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "rapport_graphql_requests",
            "GraphQL requests by operation name and outcome (ok, or the first error code).",
            ["operation", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "rapport_graphql_request_duration_seconds",
            "GraphQL request duration by operation name and outcome.",
            ["operation", "outcome"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.scrape = _ScrapeCollector()
        self.registry.register(self.scrape)
        self._operations: set[str] = set()

    def operation_label(self, name: str | None) -> str:
        if name is None:
            return UNKNOWN
        if name in self._operations or name in (ANONYMOUS, UNKNOWN):
            return name
        if "," in name:
            return BATCH  # the request log names a batch's operations; one label keeps metrics bounded
        if not _GRAPHQL_NAME.fullmatch(name):
            return UNKNOWN
        if len(self._operations) >= MAX_OPERATION_LABELS:
            return OTHER
        self._operations.add(name)
        return name

    def observe(self, *, operation: str | None, outcome: str, seconds: float) -> None:
        label = self.operation_label(operation)
        self.requests.labels(label, outcome).inc()
        self.latency.labels(label, outcome).observe(seconds)

    async def refresh(self, engine: AsyncEngine, models: ModelServer) -> None:
        self.scrape.jobs = await job_snapshot(engine)
        version = await model_version(models)
        self.scrape.model = _ModelSnapshot(up=version is not None, version=version)

    async def render(self, engine: AsyncEngine, models: ModelServer) -> Response:
        await self.refresh(engine, models)
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


async def job_snapshot(engine: AsyncEngine) -> _JobSnapshot:
    """Pending and running jobs of every workspace, by kind and status, with the running ones' progress."""
    query = (
        select(Job.kind, Job.status, func.count(), func.coalesce(func.sum(Job.processed), 0), func.coalesce(func.sum(Job.total), 0))
        .where(Job.status.in_([JobStatus.PENDING, JobStatus.RUNNING]))  # type: ignore[attr-defined]
        .group_by(Job.kind, Job.status)
    )

    async def read() -> _JobSnapshot:
        async with engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        snapshot = _JobSnapshot(up=True)
        for kind, status, jobs, processed, total in rows:
            key = (JobKind(kind).value, JobStatus(status).value)
            snapshot.rows[key] = (int(jobs), int(processed), int(total))
        return snapshot

    try:
        return await asyncio.wait_for(read(), CHECK_TIMEOUT_SECONDS)
    except Exception as exc:  # noqa: BLE001 - a scrape reports the database down, it does not fail
        log.warning("metrics: cannot read jobs: %s", type(exc).__name__)
        return _JobSnapshot(up=False)


async def model_version(models: ModelServer) -> str | None:
    """The default model's version; it is loaded (once, off the event loop) if nothing loaded it yet."""
    try:
        model = await asyncio.to_thread(models.model, models.default_spec)
    except ModelError:
        return None
    return model.version


# ---------------------------------------------------------------------------------------------
# Readiness
# ---------------------------------------------------------------------------------------------


async def _database_error(engine: AsyncEngine) -> str | None:
    async def ping() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    try:
        await asyncio.wait_for(ping(), CHECK_TIMEOUT_SECONDS)
    except TimeoutError:
        return "timeout"
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return type(exc).__name__
    return None


async def _model_error(models: ModelServer) -> tuple[str | None, str | None]:
    """(version, None) when the default model serves, else (None, the error code)."""
    try:
        model = await asyncio.to_thread(models.model, models.default_spec)
    except ModelError as exc:
        return None, exc.code
    except Exception as exc:  # noqa: BLE001
        return None, type(exc).__name__
    return model.version, None


async def readiness(engine: AsyncEngine, models: ModelServer) -> Response:
    """200 when the database answers and the default satisfaction model serves, else 503 naming what is down.

    The body never carries error messages (they may name hosts or paths), only exception or error codes.
    """
    database_error, (version, model_error) = await asyncio.gather(_database_error(engine), _model_error(models))
    down = [name for name, error in (("database", database_error), ("satisfactionModel", model_error)) if error]
    body: dict[str, Any] = {
        "status": "unavailable" if down else "ok",
        "database": "down" if database_error else "ok",
        "satisfactionModel": "down" if model_error else "ok",
        "satisfactionModelVersion": version,
        "down": down,
    }
    if down:
        body["errors"] = {
            name: error for name, error in (("database", database_error), ("satisfactionModel", model_error)) if error
        }
        log.warning("not ready: %s", ", ".join(f"{name} ({body['errors'][name]})" for name in down))
    return JSONResponse(body, status_code=503 if down else 200)


# ---------------------------------------------------------------------------------------------
# The middleware
# ---------------------------------------------------------------------------------------------


class ObservabilityMiddleware:
    """Request id in and out, and for GraphQL requests one JSON log line and the request metrics."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics, graphql_path: str = "/graphql") -> None:
        self.app = app
        self.metrics = metrics
        self.graphql_path = graphql_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = None
        for name, value in scope.get("headers", []):
            if name == b"x-request-id":
                header = value.decode("latin-1")
                break
        request_id = request_id_from(header)
        noted = Observation()
        scope.setdefault("state", {})[_OBSERVATION_KEY] = noted
        status = 500
        token = request_id_var.set(request_id)
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if scope.get("path") == self.graphql_path:
                self._record(scope, noted, request_id, status, time.perf_counter() - started)
            request_id_var.reset(token)

    def _record(self, scope: Scope, noted: Observation, request_id: str, status: int, seconds: float) -> None:
        codes = noted.error_codes
        if codes:
            outcome = codes[0] if _ERROR_CODE.fullmatch(codes[0]) else "ERROR"
        elif 200 <= status < 400:
            outcome = "ok"
        else:
            outcome = f"http_{status}"
        try:
            self.metrics.observe(operation=noted.operation, outcome=outcome, seconds=seconds)
        except Exception:  # noqa: BLE001 - metrics never break a request
            log.exception("cannot record request metrics")
        server_fault = status >= 500 or "INTERNAL_SERVER_ERROR" in codes
        request_log.log(
            logging.ERROR if server_fault else logging.INFO,
            "graphql request",
            extra={
                "method": scope.get("method"),
                "operation": noted.operation or UNKNOWN,
                "workspace_id": noted.workspace_id,
                "duration_ms": round(seconds * 1000, 3),
                "status": status,
                "outcome": outcome,
                "error_codes": codes,
            },
        )


def metrics_route(metrics: Metrics, *, engine: AsyncEngine, models: ModelServer) -> Route:
    """`GET /metrics`: the Prometheus text format (the request metrics come from ObservabilityMiddleware)."""
    install_request_id_on_log_records()

    async def metrics_endpoint(_: Request) -> Response:
        return await metrics.render(engine, models)

    return Route("/metrics", metrics_endpoint, methods=["GET"])
