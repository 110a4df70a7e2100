"""A hand-written SQL endpoint: the yardstick bench/peers.py holds Rapport against.

    python bench/handwritten.py --database-url postgresql://... --port 8101

A raw ASGI app on uvicorn that answers POST /graphql for exactly these operations, with the
variables the contract gives them, and the same `data` Rapport answers:

    ContactProfile (contract profile.graphql)   ContactsPage and FilterOptions (contract contacts.graphql)
    ContactsWithTags (LIST_DOCUMENT below: 25 contacts with their tags and company)

Each root field is ONE hand-written statement (bench/handwritten_sql/<engine>/) that builds the
field's JSON in the database (PostgreSQL: json_build_object/json_agg with LATERAL; SQLite:
json_object/json_group_array); Python only checks the key, parses ids and glues the fields together.
The `Authorization: Bearer` key is looked up once (SHA-256, as Rapport stores it) and kept in memory.
Anything else (another document, a bad id, `after`) is answered with a GraphQL error, never guessed.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import handwritten_queries as q  # noqa: E402
from domain.text import fold, search_terms  # noqa: E402  (the one definition of how search text folds)

CONTRACT = ROOT / "tests" / "contract"
LIST_DOCUMENT = ("query ContactsWithTags { contacts(first: 25) { edges { node { id name tags { id name } "
                 "company { id name } } } } }")
DOCUMENTS = {(CONTRACT / "profile.graphql").read_text(encoding="utf-8"): {"ContactProfile"},
             (CONTRACT / "contacts.graphql").read_text(encoding="utf-8"): {"ContactsPage", "FilterOptions"},
             LIST_DOCUMENT: {"ContactsWithTags"}}
KEY_SQL = ("SELECT k.workspace_id FROM api_key k JOIN app_user u ON u.id = k.user_id WHERE k.key_hash = :hash "
           "AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > :now) AND u.deactivated_at IS NULL")


class RequestError(Exception):
    def __init__(self, message: str, code: str = "BAD_USER_INPUT") -> None:
        super().__init__(message)
        self.code = code


def b64url(text: str | None) -> str | None:
    return None if text is None else base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def parse_id(global_id: Any, type_name: str) -> int:
    """The key of one of our global ids of `type_name`; exactly the text Rapport issues, nothing else."""
    try:
        kind, _, raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode().partition(":")
    except (TypeError, ValueError, UnicodeError):
        raise RequestError("not a valid id") from None
    if kind != type_name or not (raw.isascii() and raw.isdigit()) or b64url(f"{kind}:{raw}") != global_id:
        raise RequestError("not a valid id")
    pk = int(raw)
    if not 1 <= pk < 2**31:
        raise RequestError("not a valid id")
    return pk


class Database:
    """One driver per engine; `statements` counts what was sent (bench/peers.py prints it per request)."""

    def __init__(self, url: str) -> None:
        self.url, self.statements = url, 0
        self.engine = "sqlite" if url.startswith("sqlite") else "postgres"
        self.pool: Any = None
        self.sqlite: sqlite3.Connection | None = None

    async def open(self) -> None:
        if self.engine == "postgres":
            import asyncpg

            dsn = "postgresql://" + self.url.split("://", 1)[1]
            self.pool = await asyncpg.create_pool(dsn, min_size=2, max_size=10,
                                                  server_settings={"application_name": "bench-handwritten"})
        else:
            path = self.url.split(":///", 1)[1]
            self.sqlite = sqlite3.connect(path, check_same_thread=False)
            self.sqlite.create_function("b64url", 1, b64url, deterministic=True)  # SQLite has no base64
            self.sqlite.create_function("fold_text", 1, fold, deterministic=True)  # nor accent folding

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()
        if self.sqlite is not None:
            self.sqlite.close()

    async def value(self, statement: q.Statement) -> Any:
        """The first column of the first row (None without a row)."""
        self.statements += 1
        if self.engine == "postgres":
            sql, args = q.for_asyncpg(statement)
            async with self.pool.acquire() as connection:
                return await connection.fetchval(sql, *args)
        assert self.sqlite is not None
        row = self.sqlite.execute(statement.sql, statement.params).fetchone()
        return None if row is None else row[0]


class HandwrittenApp:
    def __init__(self, database_url: str, *, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.db = Database(database_url)
        self.now = now  # tests pin it, as they pin Rapport's clock
        self.workspaces: dict[str, int] = {}  # SHA-256 of a key -> its workspace

    async def workspace_for(self, headers: dict[bytes, bytes], now: datetime) -> int:
        value = headers.get(b"authorization", b"").decode("latin-1")
        if not value.startswith("Bearer "):
            raise RequestError("missing API key", "UNAUTHENTICATED")
        digest = hashlib.sha256(value[7:].strip().encode()).hexdigest()
        if digest not in self.workspaces:
            stamp = now if self.db.engine == "postgres" else now.strftime("%Y-%m-%d %H:%M:%S.%f")
            found = await self.db.value(q.Statement(KEY_SQL, {"hash": digest, "now": stamp}))
            if found is None:
                raise RequestError("invalid API key", "UNAUTHENTICATED")
            self.workspaces[digest] = int(found)
        return self.workspaces[digest]

    async def answer(self, body: dict[str, Any], headers: dict[bytes, bytes]) -> str:
        now = self.now()
        workspace = await self.workspace_for(headers, now)
        operation, variables = body.get("operationName"), body.get("variables") or {}
        if operation not in DOCUMENTS.get(body.get("query"), ()):
            raise RequestError("this endpoint answers only the contract's documents")
        engine = self.db.engine
        params = {"ws": workspace, **q.clock_params(now, engine)}
        if operation == "ContactProfile":
            params["contact_id"] = parse_id(variables.get("id"), "Contact")
            return await self.fields({"contact": q.Statement(q.expand_macros(q.sql_file(engine, "profile"), engine), params)})
        if operation == "ContactsWithTags":
            sql = q.expand_macros(q.sql_file(engine, "contacts_tags_company"), engine)
            return await self.fields({"contacts": q.Statement(sql, params)})
        if operation == "FilterOptions":
            return await self.fields({name: q.catalog(engine, name, params) for name in q.CATALOGS})
        filters, terms, order, first = self.contacts_arguments(variables)
        return await self.fields({
            "contactStatusCounts": q.status_counts(engine, filters, terms, params),
            "contacts": q.contacts_page(engine, filters, terms, order, first, params),
        })

    @staticmethod
    def contacts_arguments(variables: dict[str, Any]) -> tuple[dict[str, Any], list[str], tuple[str, str], int]:
        if variables.get("after") is not None:
            raise RequestError("this endpoint serves first pages only")
        first = 25 if variables.get("first") is None else variables["first"]
        if not isinstance(first, int) or not 1 <= first <= 100:
            raise RequestError("`first` must be between 1 and 100")
        given = variables.get("filter") or {}
        filters: dict[str, Any] = {"status": [s for s in given.get("status") or [] if s in q.STATUSES]}
        for key, *_, type_name in (*q.MEMBERSHIP_FACETS, *q.COLUMN_FACETS):
            filters[key] = [parse_id(g, type_name) for g in given.get(key) or []]
        if given.get("segmentId"):
            filters["segmentId"] = parse_id(given["segmentId"], "Segment")
        order = variables.get("orderBy") or {}
        field = order.get("field", "CONTACT_SINCE") if order else "CONTACT_SINCE"
        direction = order.get("direction", "ASC") if order else "DESC"
        return filters, search_terms(variables.get("search") or ""), (field, direction), first

    async def fields(self, statements: dict[str, q.Statement]) -> str:
        parts = []
        for name, statement in statements.items():  # one connection at a time: like a single request's session
            value = await self.db.value(statement)
            parts.append(f'"{name}":{value if value is not None else "null"}')
        return '{"data":{' + ",".join(parts) + "}}"

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await self.db.open()
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await self.db.close()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        status, text = 200, ""
        if scope["path"] == "/health":
            text = '{"ok":true}'
        elif scope["method"] != "POST" or scope["path"] != "/graphql":
            status, text = 404, '{"errors":[{"message":"not found"}]}'
        else:
            try:
                body = json.loads(b"".join(chunks))
                text = await self.answer(body, dict(scope["headers"]))
            except (ValueError, AttributeError):
                text = json.dumps({"data": None, "errors": [{"message": "not a GraphQL request",
                                                             "extensions": {"code": "BAD_USER_INPUT"}}]})
            except RequestError as exc:
                text = json.dumps({"data": None, "errors": [{"message": str(exc), "extensions": {"code": exc.code}}]})
            except Exception as exc:  # noqa: BLE001  a bench peer: say which statement failed, keep serving
                text = json.dumps({"data": None, "errors": [{"message": f"{type(exc).__name__}: {exc}",
                                                             "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]})
        payload = text.encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]})
        await send({"type": "http.response.body", "body": payload})


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, default=8101)
    args = parser.parse_args()
    uvicorn.run(HandwrittenApp(args.database_url), host="127.0.0.1", port=args.port, log_level="warning",
                access_log=False, lifespan="on")


if __name__ == "__main__":
    main()
