"""The Starlette application: GraphQL at /graphql (HTTP, GraphiQL in a browser, subscriptions over WebSocket) and health checks."""

import asyncio
import contextlib
import functools
import gc
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
from api.authentication import IDENTITY_STATE, PRINCIPAL_STATE
from api.context import Context
from api.headers import bearer_credential
from api.edge import GraphQLEdge, observe_requests
from api.http_conformance import GraphQLOverHTTP
from api.loaders import Loaders
from api.schema import build_schema, schema
from domain.clock import Clock, SystemClock
from domain.db import RequestSession, create_engine, database_unavailable, session_factory
from domain.jobs.registry import JobServices
from domain.jobs.runner import JobRunner
from domain.policies import Principal
from domain.services.auth import Authenticator
from domain.services.jwt_tokens import JwtVerifier, SigningKeysUnavailable
from domain.settings import Settings, get_settings
from ml.serving import ModelError, ModelServer

log = logging.getLogger(__name__)

# jobProgress subscriptions one WebSocket may hold at once (each polls the database).
MAX_SUBSCRIPTIONS_PER_CONNECTION = 10
# The close code of a WebSocket whose credential is refused, or stops being valid while it is open.
WS_FORBIDDEN = 4403
_WS_WATCH = "credential_watch"


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
    """Strawberry's ASGI app with one database session per request; HTTP requests arrive authenticated."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        models: ModelServer,
        authenticator: Authenticator,
        graphql_schema: BaseSchema | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(graphql_schema or schema, **kwargs)
        self._sessions = sessions
        self._clock = clock
        self._models = models
        self._authenticator = authenticator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            try:
                await super().__call__(scope, receive, send)
            finally:
                watch = scope.get("state", {}).get(_WS_WATCH)
                if watch is not None:
                    watch.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await watch
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
                models=self._models, sessions=self._sessions, authenticator=self._authenticator,
            )
        session: RequestSession = request.state.session
        request.state.operation_lock = asyncio.Lock()
        # Authenticated before GraphQL ran (api/authentication.py); None only for the GraphiQL page itself.
        state = request.scope.get("state", {})
        principal: Principal | None = state.get(PRINCIPAL_STATE)
        context = Context(
            request=request, response=response, session=session, clock=self._clock, principal=principal,
            models=self._models, authenticator=self._authenticator, identity=state.get(IDENTITY_STATE),
        )
        if principal is not None:
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
        """Authenticate a WebSocket from `connection_init` ({"Authorization": "Bearer <key>"}) or its handshake.

        While it stays open, its credential is checked again at least every AUTH_CACHE_SECONDS (and at
        once when this process changes the user's access): refused, the connection is closed with 4403.
        """
        params = context.connection_params or {}
        header = params.get("Authorization", params.get("authorization"))
        if not isinstance(header, str):
            header = context.request.headers.get("authorization", "")
        credential = bearer_credential(header)
        try:
            principal = await self._authenticator.authenticate(credential)
        except SigningKeysUnavailable as exc:
            raise ConnectionRejectionError({"code": "SERVICE_UNAVAILABLE"}) from exc
        except Exception as exc:
            if not database_unavailable(exc):
                raise
            raise ConnectionRejectionError({"code": "SERVICE_UNAVAILABLE"}) from exc
        if principal is None:
            raise ConnectionRejectionError({"code": "UNAUTHENTICATED"})
        context.principal = principal
        assert credential is not None
        watch = asyncio.create_task(self._watch_credential(context, credential, principal))
        context.request.scope.setdefault("state", {})[_WS_WATCH] = watch
        return UNSET

    async def _watch_credential(self, context: Context, credential: str, principal: Principal) -> None:
        """Close the WebSocket once its key or token is revoked, expired or its user deactivated."""
        changed = self._authenticator.watch(principal.user_id)
        interval = max(1.0, self._authenticator.cache_seconds)
        try:
            while True:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), interval)
                changed.clear()
                try:
                    current = await self._authenticator.authenticate(credential, fresh=True)
                except Exception as exc:  # noqa: BLE001 - the database or the identity provider is down: try later
                    log.warning("cannot re-check a WebSocket's credential: %s", type(exc).__name__)
                    continue
                if current is None:
                    await context.request.close(code=WS_FORBIDDEN, reason="Forbidden: the credential is no longer valid")
                    return
                context.principal = current  # a changed role applies to what it subscribes next
        finally:
            self._authenticator.unwatch(principal.user_id, changed)

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
    authenticator = Authenticator(
        sessions, clock, cache_seconds=settings.auth_cache_seconds,
        last_used_every_seconds=settings.key_last_used_every_seconds,
        jwt=JwtVerifier(settings) if settings.jwt_jwks_url else None,
    )
    # File uploads (contactsImport) follow the GraphQL multipart request spec. No CSRF exposure: every
    # request needs an `Authorization: Bearer` header, which a cross-site form post cannot carry.
    # Production: no introspection, no field suggestions, internal errors masked, no GraphiQL (api/production.py).
    production = settings.production
    graphql_app = RapportGraphQL(
        sessions=sessions,
        clock=clock,
        models=models,
        authenticator=authenticator,
        multipart_uploads_enabled=True,
        graphql_schema=schema_for(production=production, max_batch_operations=settings.max_batch_operations),
        graphql_ide=None if production else "graphiql",
        # WebSocket handshakes from another origin: only from these (same-origin and non-browser clients pass).
        allowed_origins=settings.cors_origins,
        max_subscriptions_per_connection=MAX_SUBSCRIPTIONS_PER_CONNECTION,
    )
    # The steps in front of the view, in order: request id and log line, body size, rate limit, authentication (api/edge.py).
    metrics = observability.Metrics()
    edge = GraphQLEdge(graphql_app, settings=settings, clock=clock, authenticator=authenticator)
    runner = JobRunner(sessions, clock, services=JobServices(models=models)) if run_jobs else None

    async def live(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def ready(_: Request) -> Response:
        # 503 naming what is down: the database and/or the default satisfaction model (api/observability.py).
        return await observability.readiness(engine, models)

    routes: list[BaseRoute] = [
        Route("/graphql", edge, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", edge),  # subscriptions (api/subscriptions.py); rate-limited too
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
        # What startup built (schema, models, mappers) lives as long as the process: out of the collector's
        # sight, a full collection no longer walks it (measured: 130-280 ms pauses every few seconds before).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            if runner is not None:
                await runner.stop()
            if owns_engine:
                await engine.dispose()
            await edge.aclose()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.engine = engine
    app.state.models = models
    app.state.settings = settings  # resolvers read limits from it (e.g. max_import_rows)
    app.state.edge = edge
    app.state.authenticator = authenticator
    # Mutations that queue a job wake it (api.mutations.common.wake_job_runner).
    app.state.job_runner = runner
    # /metrics (api/observability.py); request ids and the request log line are the edge's first step.
    app.router.routes.append(observability.metrics_route(metrics, engine=engine, models=models))
    app.state.metrics = metrics
    observe_requests(app, metrics)
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
