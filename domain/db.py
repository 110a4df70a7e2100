"""Engines, sessions and the column types every table shares."""

import asyncio
import socket
import sqlite3
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer, String, event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy import Enum as SAEnum
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.types import TypeDecorator

# SQLite only auto-increments an "INTEGER PRIMARY KEY"; PostgreSQL gets 64-bit keys for big tables.
BigIntKey = BigInteger().with_variant(Integer, "sqlite")
# The largest key of an INTEGER (every other table's) and of a BigIntKey primary key on PostgreSQL.
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
# How long opening a PostgreSQL connection may take before the database counts as unavailable.
CONNECT_TIMEOUT_SECONDS = 5
# Pooled server connections older than this are replaced at checkout (idle timeouts, failovers).
POOL_RECYCLE_SECONDS = 1800


class UtcDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every engine (SQLite stores naive UTC text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not accepted; pass an aware UTC datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def key_limit(model: Any) -> int:
    """The largest primary key `model`'s table can hold: larger ones name nothing and fail to bind."""
    return INT64_MAX if isinstance(model.__table__.c.id.type, BigInteger) else INT32_MAX


def enum_type(enum_cls: type[Enum]) -> SAEnum:
    """Store an enum as its value in a VARCHAR (no native PG enum types to migrate)."""
    return SAEnum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def short_string(length: int = 200) -> String:
    return String(length)


def normalize_database_url(url: str) -> str:
    """Accept the URL forms operators paste and pick the async driver for them."""
    parsed = make_url(url)
    driver = parsed.drivername
    if driver in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif driver == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    return parsed.render_as_string(hide_password=False)


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    url = normalize_database_url(url)
    parsed = make_url(url)
    # hide_parameters: an exception's text, and SQL_ECHO's log, never carry the values bound to a statement.
    kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            from pathlib import Path

            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30}
    else:
        # Fail fast when the server is down or unreachable (asyncpg's default connect timeout is 60 s):
        # requests then answer SERVICE_UNAVAILABLE in seconds (see database_unavailable below).
        # asyncpg names it `timeout`, psycopg (libpq) `connect_timeout`.
        timeout = "timeout" if parsed.get_driver_name() == "asyncpg" else "connect_timeout"
        # No pre-ping (a round trip on every checkout): connections are recycled after POOL_RECYCLE_SECONDS,
        # a disconnect invalidates every older pooled connection (SQLAlchemy does so on its own), and a
        # request whose first statement meets a dropped connection tries once more (RequestSession).
        kwargs.update(
            pool_size=10, max_overflow=20, pool_pre_ping=False, pool_recycle=POOL_RECYCLE_SECONDS,
            connect_args={timeout: CONNECT_TIMEOUT_SECONDS},
        )
    engine = create_async_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        _configure_sqlite(engine)
    return engine


def database_unavailable(exc: BaseException) -> bool:
    """True when `exc` (or what caused it) says the database cannot be reached right now.

    Connection refused or reset, DNS failures, connect or pool timeouts, a connection the server
    closed (restart, failover) and the server refusing new connections: trying again later may
    work, so clients get SERVICE_UNAVAILABLE rather than INTERNAL_SERVER_ERROR.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(seen) < 8:
        seen.add(id(current))
        if _unavailable(current):
            return True
        current = current.__cause__ or current.__context__
    return False


# SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_PROTOCOL (primary result codes).
_SQLITE_UNAVAILABLE = frozenset({5, 6, 10, 13, 14, 15})


def _unavailable(exc: BaseException) -> bool:
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, sa_exc.OperationalError) and isinstance(exc.orig, sqlite3.Error):
        # SQLite says OperationalError for "no such column" too: only busy, locked, I/O and open failures are outages.
        return (getattr(exc.orig, "sqlite_errorcode", 0) & 0xFF) in _SQLITE_UNAVAILABLE
    if isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)):
        return True  # SQLAlchemy's pool timeout is sa_exc.TimeoutError
    if isinstance(exc, (ConnectionError, TimeoutError, socket.gaierror)):
        return True
    if type(exc) is OSError:  # e.g. "Multiple exceptions: [Errno 111] ..." or ENETUNREACH; not file errors
        return True
    try:
        import asyncpg
    except ImportError:  # pragma: no cover - asyncpg ships with the project
        return False
    return isinstance(
        exc,
        (
            asyncpg.PostgresConnectionError,  # class 08
            asyncpg.exceptions.ConnectionDoesNotExistError,
            asyncpg.exceptions.CannotConnectNowError,
            asyncpg.exceptions.OperatorInterventionError,  # class 57: admin shutdown, crash shutdown
            asyncpg.exceptions.TooManyConnectionsError,
        ),
    )


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:  # pragma: no cover - driver hook
        cursor = dbapi_connection.cursor()
        # WAL lets readers run while one writer commits; foreign keys are off by default in SQLite.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # A write that fires triggers (the maintained counts) keeps a statement journal: in memory it
        # costs about half what a temporary file does per inserted contact.
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.close()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


class RequestSession:
    """One database session shared by every loader of a request.

    GraphQL resolves fields concurrently, but an AsyncSession runs one statement at a time,
    so statements are serialised here instead of opening a connection per loader.
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._lock = asyncio.Lock()
        self._inflight: set[asyncio.Future[Any]] = set()
        self._closed = False
        self._statements = 0
        # Results several resolvers of one request share (e.g. the workspace's status counts), by key.
        self.shared: dict[Any, asyncio.Future[Any]] = {}
        self._read_only = False

    async def begin_operation(self, *, read_only: bool) -> None:
        """Say what the next operation of the request is, before it runs a statement.

        A query (`read_only`) on PostgreSQL runs its statements in autocommit mode: under READ COMMITTED
        each statement takes its own snapshot inside a transaction too, so a query's transaction bought
        nothing but its BEGIN and ROLLBACK, two of the four round trips of a profile. Anything else runs
        in a transaction, as always: a mutation after a query of the same batch first releases the
        query's autocommit connection. (SQLite starts no transaction for reads: nothing changes there.)
        """
        if self._read_only and not read_only and self._session.in_transaction():
            async with self._lock:
                await self._session.rollback()
        self._read_only = read_only

    async def _autocommit_reads(self) -> None:
        if self._read_only and not self._session.in_transaction():
            bind = self._session.bind
            if bind is not None and bind.dialect.name == "postgresql":
                await self._session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})

    async def execute(self, statement: Any, params: Any = None) -> Any:
        # Shielded: graphql-core cancels the sibling resolvers of a failed non-null field, and a
        # statement cancelled mid-flight makes SQLAlchemy's aiosqlite adapter wait forever to close
        # the connection (the request never answers). The statement finishes, its result is dropped,
        # and drain() lets whoever closes the session wait for it.
        if self._closed:
            raise RuntimeError("the request's session is closed")
        task = asyncio.ensure_future(self._locked_execute(statement, params))
        self._inflight.add(task)
        task.add_done_callback(self._inflight.discard)
        task.add_done_callback(lambda t: t.cancelled() or t.exception())  # a dropped failure is not news
        return await asyncio.shield(task)

    async def drain(self) -> None:
        """Wait for statements whose callers were cancelled; call before closing the session."""
        await asyncio.sleep(0)  # let batches already scheduled (DataLoader dispatch) start theirs
        while self._inflight:
            await asyncio.gather(*self._inflight, return_exceptions=True)
            await asyncio.sleep(0)
        self._closed = True

    async def _locked_execute(self, statement: Any, params: Any) -> Any:
        async with self._lock:
            first, self._statements = self._statements == 0, self._statements + 1
            try:
                await self._autocommit_reads()
                return await self._session.execute(statement, params)
            except sa_exc.DBAPIError as exc:
                # A pooled connection the server dropped (restart, idle timeout) fails the first statement
                # that uses it. Before anything else ran in this session, trying once more on a fresh
                # connection is safe; a second failure is a real outage (SERVICE_UNAVAILABLE).
                if not (first and exc.connection_invalidated):
                    raise
                await self._session.rollback()
                await self._autocommit_reads()
                return await self._session.execute(statement, params)

    async def all(self, statement: Any, params: Any = None) -> Sequence[Any]:
        return (await self.execute(statement, params)).all()

    async def scalars(self, statement: Any, params: Any = None) -> Sequence[Any]:
        return (await self.execute(statement, params)).scalars().all()

    async def scalar(self, statement: Any, params: Any = None) -> Any:
        return (await self.execute(statement, params)).scalar()

    @property
    def raw(self) -> AsyncSession:
        return self._session


@asynccontextmanager
async def request_session(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[RequestSession]:
    async with factory() as session:
        request = RequestSession(session)
        try:
            yield request
        finally:
            await request.drain()


@asynccontextmanager
async def write_transaction(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """Commit what the block wrote, or roll all of it back: no change is ever half-written."""
    try:
        yield session
        await session.commit()
    except BaseException:
        await session.rollback()
        raise


# -- scratch databases (tests and benchmarks) ---------------------------------------------------


async def _on_server(server_url: str, statement: str) -> None:
    admin = create_engine(server_url)
    try:
        async with admin.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text(statement))
    finally:
        await admin.dispose()


async def create_postgres_database(server_url: str, name: str) -> str:
    """Create the empty database `name` on the PostgreSQL server behind `server_url`; its URL."""
    await _on_server(server_url, f'CREATE DATABASE "{name}"')
    return make_url(normalize_database_url(server_url)).set(database=name).render_as_string(hide_password=False)


async def drop_postgres_database(server_url: str, name: str) -> None:
    """Drop the database `name` (if it exists) and every connection to it."""
    await _on_server(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@asynccontextmanager
async def scratch_postgres_database(server_url: str, prefix: str) -> AsyncIterator[str]:
    """The URL of a new, empty database on that server, dropped when the block ends."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    url = await create_postgres_database(server_url, name)
    try:
        yield url
    finally:
        await drop_postgres_database(server_url, name)
