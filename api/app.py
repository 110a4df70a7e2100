"""The Starlette application: GraphQL at /graphql (HTTP, GraphiQL in a browser, subscriptions over WebSocket) and health checks."""

import asyncio
import functools
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types.unset import UNSET, UnsetType
from strawberry.schema.base import BaseSchema

from api import graphiql, observability
from api.context import Context
from api.guards import GuardedGraphQL
from api.errors import DATABASE_UNAVAILABLE_MESSAGE
from api.http_conformance import GraphQLOverHTTP, HTTPError
from api.loaders import Loaders
from api.ratelimit import note_authenticated
from api.schema import build_schema, schema
from domain.clock import Clock, SystemClock
from domain.db import RequestSession, create_engine, database_unavailable, session_factory
from domain.jobs.registry import JobServices
from domain.jobs.runner import JobRunner
from domain.services.auth import authenticate
from domain.settings import Settings, get_settings
from ml.serving import ModelError, ModelServer

log = logging.getLogger(__name__)

# jobProgress subscriptions one WebSocket may hold at once (each polls the database).
MAX_SUBSCRIPTIONS_PER_CONNECTION = 10


def _bearer_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return key.strip() or None


async def _warm(models: ModelServer) -> None:
    """Load the default model before the first request needs it (`rapport serve` checked it loads)."""
    try:
        await asyncio.to_thread(models.model, models.default_spec)
    except ModelError as exc:
        log.error("satisfaction model %s cannot serve: %s", models.default_spec, exc.message)


@functools.cache
def schema_for(*, production: bool, max_batch_operations: int) -> BaseSchema:
    """The schema these settings serve (api/production.py, batching); each built once, on first use."""
    if not production and max_batch_operations == 0:
        return schema
    return build_schema(production=production, max_batch_operations=max_batch_operations)


class RapportGraphQL(GraphQLOverHTTP, observability.ObservedGraphQL, GraphQL[Context, None]):
    """Strawberry's ASGI app with one database session per request and API-key authentication."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        models: ModelServer,
        graphql_schema: BaseSchema | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(graphql_schema or schema, **kwargs)
        self._sessions = sessions
        self._clock = clock
        self._models = models

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        async with self._sessions() as session:
            request_session = RequestSession(session)
            scope.setdefault("state", {})["session"] = request_session
            try:
                await super().__call__(scope, receive, send)
            finally:
                await request_session.drain()  # statements of cancelled resolvers (domain/db.py)

    async def get_context(self, request: Any, response: Any) -> Context:
        if isinstance(request, WebSocket):
            # Authenticated in on_ws_connect, from the connection_init payload (api/subscriptions.py).
            return Context(
                request=request, response=response, session=None, clock=self._clock, principal=None,  # type: ignore[arg-type]
                models=self._models, sessions=self._sessions,
            )
        session: RequestSession = request.state.session
        request.state.operation_lock = asyncio.Lock()
        try:
            principal = await authenticate(session=session.raw, key=_bearer_key(request))
        except Exception as exc:
            if not database_unavailable(exc):
                raise
            # Authentication needs the database: 503 SERVICE_UNAVAILABLE, not a 500 (api/http_conformance.py).
            raise HTTPError(503, DATABASE_UNAVAILABLE_MESSAGE, headers={"Retry-After": "5"}) from exc
        context = Context(
            request=request, response=response, session=session, clock=self._clock, principal=principal, models=self._models
        )
        if principal is not None:
            note_authenticated(request.scope)
            context.loaders = Loaders(session=session, principal=principal, now=context.now)
        return context

    async def execute_single(self, **kwargs: Any) -> Any:
        """One operation at a time per request: a batch's operations run in order on the request's session.

        Strawberry starts a batch's operations together; the request's lock makes each wait for the one
        before (asyncio.Lock is first come, first served). Each sees what the ones before it wrote:
        a mutation starts the request's loaders afresh (api/mutations/common.py).
        """
        async with kwargs["request"].state.operation_lock:
            return await super().execute_single(**kwargs)

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Authenticate a WebSocket from `connection_init` ({"Authorization": "Bearer <key>"}) or its handshake."""
        params = context.connection_params or {}
        header = params.get("Authorization", params.get("authorization"))
        if not isinstance(header, str):
            header = context.request.headers.get("authorization", "")
        scheme, _, key = header.partition(" ")
        try:
            async with self._sessions() as session:
                principal = await authenticate(session=session, key=key.strip() if scheme.lower() == "bearer" else None)
        except Exception as exc:
            if not database_unavailable(exc):
                raise
            raise ConnectionRejectionError({"code": "SERVICE_UNAVAILABLE"}) from exc
        if principal is None:
            raise ConnectionRejectionError({"code": "UNAUTHENTICATED"})
        context.principal = principal
        return UNSET

    async def render_graphql_ide(self, request: Request) -> Response:
        page = graphiql.graphiql_page()
        if page is None:
            return await super().render_graphql_ide(request)
        return HTMLResponse(page)


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    engine: AsyncEngine | None = None,
    run_jobs: bool = True,
    models: ModelServer | None = None,
) -> Starlette:
    """Build the app; tests pass their own engine and a fixed clock.

    With `run_jobs`, the app's lifespan runs a JobRunner that processes bulk and import jobs in
    the background (resuming unfinished ones at startup); several processes may each run one.
    """
    settings = settings or get_settings()
    owns_engine = engine is None
    engine = engine or create_engine(settings.database_url, echo=settings.sql_echo)
    sessions = session_factory(engine)
    clock = clock or SystemClock()
    # One model server per process: each model is loaded once, on first use, never per request.
    models = models or ModelServer(models_dir=settings.models_dir, default_spec=settings.satisfaction_model)
    # File uploads (contactsImport) follow the GraphQL multipart request spec. No CSRF exposure: every
    # request needs an `Authorization: Bearer` header, which a cross-site form post cannot carry.
    # Production: no introspection, no field suggestions, internal errors masked, no GraphiQL (api/production.py).
    production = settings.production
    graphql_app = RapportGraphQL(
        sessions=sessions,
        clock=clock,
        models=models,
        multipart_uploads_enabled=True,
        graphql_schema=schema_for(production=production, max_batch_operations=settings.max_batch_operations),
        graphql_ide=None if production else "graphiql",
        # WebSocket handshakes from another origin: only from these (same-origin and non-browser clients pass).
        allowed_origins=settings.cors_origins,
        max_subscriptions_per_connection=MAX_SUBSCRIPTIONS_PER_CONNECTION,
    )
    # Rate limit per key, body size limits and the batching refusal, in front of GraphQL (api/guards.py).
    guarded_graphql = GuardedGraphQL(graphql_app, settings, clock)
    runner = JobRunner(sessions, clock, services=JobServices(models=models)) if run_jobs else None

    async def live(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def ready(_: Request) -> Response:
        # 503 naming what is down: the database and/or the default satisfaction model (api/observability.py).
        return await observability.readiness(engine, models)

    routes: list[BaseRoute] = [
        Route("/graphql", guarded_graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", guarded_graphql),  # subscriptions (api/subscriptions.py); rate-limited too
        Route("/health/live", live),
        Route("/health/ready", ready),
    ]
    assets = None if production else graphiql.assets_route()
    if assets is not None:
        routes.append(assets)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await _warm(models)
        if runner is not None:
            runner.start()
        try:
            yield
        finally:
            if runner is not None:
                await runner.stop()
            if owns_engine:
                await engine.dispose()
            await guarded_graphql.aclose()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.engine = engine
    app.state.models = models
    app.state.settings = settings  # resolvers read limits from it (e.g. max_import_rows)
    app.state.guards = guarded_graphql
    # Mutations that queue a job wake it (api.mutations.common.wake_job_runner).
    app.state.job_runner = runner
    # /metrics, request ids and one JSON log line per GraphQL request (api/observability.py).
    observability.instrument(app, engine=engine, models=models)
    if settings.cors_origins:
        # Outermost, so preflights are answered before rate limits; no cookies: clients send a Bearer key.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "Accept", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
            max_age=600,
        )
    return app
