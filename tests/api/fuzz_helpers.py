"""What tests/api/test_fuzz.py needs: a bridge from Hypothesis's sync world to the test's event loop,
two seeded workspaces, table checksums, GraphQL value strategies and the response checks.
"""

import asyncio
import hashlib
import json
import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from typing import Any, TypeVar

import httpx
from hypothesis import strategies as st
from hypothesis_graphql import nodes
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from api.app import create_app
from api.ids import to_global_id
from domain import models
from domain.enums import (
    Channel,
    CustomFieldType,
    MessageEventType,
    Role,
    TicketStatus,
    TurnRole,
)
from domain.settings import Settings
from tests.conftest import NOW
from tests.api.action_helpers import kept_columns
from tests.factories import WorkspaceFactory, WorkspaceHandle

T = TypeVar("T")

# --------------------------------------------------------------------------------------------------
# Running the app from a Hypothesis example


class LoopBridge:
    """Runs coroutines on the test's event loop from the worker thread Hypothesis runs in.

    The engine (asyncpg's pool, aiosqlite's connections) belongs to the loop pytest-asyncio runs
    the test on, so every request must be served there. The async test hands the whole Hypothesis
    run to a worker thread (`run_in_thread`) and awaits it; the loop is then free, and each example
    submits its requests to it with `call` and blocks on the result.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, timeout: float = 60) -> None:
        self.loop = loop
        self.timeout = timeout

    def call(self, coro: Awaitable[T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(self.timeout)  # type: ignore[arg-type]

    @staticmethod
    async def run_in_thread(fn: Callable[[], None]) -> None:
        await asyncio.to_thread(fn)


def fuzz_settings() -> Settings:
    """The app's settings for fuzzing: no rate limit (the fixed test clock never refills a bucket)."""
    return Settings(rate_limit_burst=0, rate_limit_per_second=0, redis_url=None, rapport_env="development")


def fuzz_app(engine: AsyncEngine, clock: Any, models_server: Any) -> Any:
    return create_app(fuzz_settings(), engine=engine, clock=clock, models=models_server, run_jobs=False)


@dataclass
class Answer:
    status: int
    text: str
    body: Any

    @property
    def errors(self) -> list[dict[str, Any]]:
        return (self.body.get("errors") or []) if isinstance(self.body, dict) else []

    def codes(self) -> set[str]:
        """Every error code in the answer: top-level errors and userErrors anywhere in data."""
        found = {str((e.get("extensions") or {}).get("code")) for e in self.errors}
        data = self.body.get("data") if isinstance(self.body, dict) else None
        for node in _walk(data):
            if isinstance(node, dict) and isinstance(node.get("userErrors"), list):
                found.update(str(u.get("code")) for u in node["userErrors"] if isinstance(u, dict))
        return found


async def post(
    http: httpx.AsyncClient, query: str, key: str, variables: dict[str, Any] | None = None
) -> Answer:
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    response = await http.post("/graphql", json=body, headers={"Authorization": f"Bearer {key}"})
    try:
        parsed = response.json()
    except ValueError:
        parsed = None
    return Answer(response.status_code, response.text, parsed)


def _walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def assert_no_internal_error(answer: Answer, query: str) -> None:
    assert answer.status < 500, f"HTTP {answer.status} for\n{query}\n{answer.text[:2000]}"
    assert isinstance(answer.body, dict), f"not a JSON object for\n{query}\n{answer.text[:2000]}"
    internal = [e for e in answer.errors if (e.get("extensions") or {}).get("code") == "INTERNAL_SERVER_ERROR"]
    assert not internal, f"INTERNAL_SERVER_ERROR for\n{query}\n{json.dumps(internal, indent=1)[:3000]}"
    assert all((e.get("extensions") or {}).get("code") for e in answer.errors), f"error without a code:\n{answer.text[:2000]}"


# --------------------------------------------------------------------------------------------------
# Two workspaces: A (the caller's) and B (the secret one)


@dataclass
class Tenant:
    ws: WorkspaceHandle
    ids: dict[str, str] = field(default_factory=dict)  # kind -> global id
    strings: list[str] = field(default_factory=list)  # distinctive values only this workspace holds

    def key(self, role: Role) -> str:
        return self.ws.keys[role]


async def seed_tenant(f: WorkspaceFactory, engine: AsyncEngine, marker: str, phone: str) -> Tenant:
    """A workspace with one of every kind of row, every string carrying `marker`."""
    low = marker.lower()
    ws = await f.create(f"{marker} Workspace")
    t = Tenant(ws=ws)
    company = await f.named(ws, models.Company, f"{marker} Holdings")
    department = await f.named(ws, models.Department, f"{marker} Dept")
    group = await f.named(ws, models.Group, f"{marker} Squad")
    contact_list = await f.named(ws, models.ContactList, f"{marker} Mailing")
    flow = await f.named(ws, models.Flow, f"{marker} Onboarding")
    tag = await f.named(ws, models.Tag, f"{low}-vip")
    main = await f.contact(
        ws, f"{marker} Primus", email=f"primus@{low}.example", phone=phone, company_id=company,
        department_id=department, assigned_agent_id=ws.users[Role.AGENT], assigned_group_id=group, language="es",
    )
    other = await f.contact(ws, f"{marker} Secundus", email=f"secundus@{low}.example")
    await f.member(ws, models.ContactTag, main, tag_id=tag)
    await f.member(ws, models.ContactListMember, main, list_id=contact_list)
    await f.member(ws, models.GroupMember, main, group_id=group)
    await f.member(ws, models.FlowEnrolment, main, flow_id=flow)
    segment = await f.segment(ws, f"{marker} Segment", {"tagIds": [tag]}, search=marker)
    text_field = await f.custom_field(ws, "nickname", CustomFieldType.TEXT, label=f"{marker} Nickname")
    await f.custom_field(ws, "birthday", CustomFieldType.DATE, position=1)
    await f.custom_field(ws, "score", CustomFieldType.NUMBER, position=2)
    await f.custom_field(ws, "plan", CustomFieldType.CHOICE, choices=["gold", "silver"], position=3)
    await f.custom_field(ws, "vip", CustomFieldType.BOOLEAN, position=4)
    await f.custom_value(ws, main, text_field, value_text=f"{marker} Nick")
    await f.channel(ws, main, Channel.EMAIL, f"primus@{low}.example")
    await f.channel(ws, main, Channel.WHATSAPP, phone)
    note = await f.note(ws, main, f"{marker} private note", author=ws.users[Role.ADMIN], at=NOW - timedelta(days=1))
    await f.ticket(ws, main, TicketStatus.OPEN, opened_at=NOW - timedelta(days=2), subject=f"{marker} ticket")
    await f.nps(ws, main, 9, at=NOW - timedelta(days=3), comment=f"{marker} loves it")
    conversation = await f.conversation(
        ws, main, started_at=NOW - timedelta(days=4),
        turns=[(TurnRole.CUSTOMER, f"{marker} says hello"), (TurnRole.AGENT, f"{marker} agent answers")],
    )
    await f.events(ws, main, [(Channel.EMAIL, MessageEventType.SENT, f"{low}-msg-1", NOW - timedelta(days=5))])
    item = await f.item_interactions(ws, main, f"{low}-sku", f"{marker} Gadget", [NOW - timedelta(days=6)])
    for kind, model, pk in [
        ("contact", "Contact", main), ("contact2", "Contact", other), ("company", "Company", company),
        ("department", "Department", department), ("group", "Group", group), ("list", "ContactList", contact_list),
        ("flow", "Flow", flow), ("tag", "Tag", tag), ("segment", "Segment", segment), ("note", "Note", note),
        ("conversation", "Conversation", conversation), ("item", "Item", item), ("workspace", "Workspace", ws.id),
        ("agent", "User", ws.users[Role.AGENT]), ("admin", "User", ws.users[Role.ADMIN]),
    ]:
        t.ids[kind] = to_global_id(model, pk)
    async with engine.connect() as connection:
        for kind, table in [("ticket", "ticket"), ("nps", "nps_response"), ("event", "message_event")]:
            pk = (await connection.execute(
                text(f"SELECT min(id) FROM {table} WHERE workspace_id = :w"), {"w": ws.id}
            )).scalar_one()
            t.ids[kind] = to_global_id({"ticket": "Ticket", "nps": "NpsResponse", "event": "ActivityEvent"}[kind], pk)
    t.strings = [marker, low, phone]
    return t


# --------------------------------------------------------------------------------------------------
# Snapshots: what a request must not change


def _rows_digest(rows: list[Any]) -> str:
    digest = hashlib.sha256()
    for row in sorted(repr(tuple(r)) for r in rows):
        digest.update(row.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


async def snapshot(engine: AsyncEngine, workspace_id: int) -> dict[str, Any]:
    """Row count of every table, and a checksum of every row of the workspace's tables."""
    result: dict[str, Any] = {}
    async with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            result[f"count:{table.name}"] = (await connection.execute(select(func.count()).select_from(table))).scalar_one()
            columns = kept_columns(table)
            if "workspace_id" in table.c:
                rows = (await connection.execute(select(*columns).where(table.c.workspace_id == workspace_id))).all()
            elif table.name == "workspace":
                rows = (await connection.execute(select(*columns).where(table.c.id == workspace_id))).all()
            else:
                continue
            result[f"rows:{table.name}"] = _rows_digest(list(rows))
    return result


def changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


# --------------------------------------------------------------------------------------------------
# Leak check


_ID_CHARS = "A-Za-z0-9_-"


def leak_patterns(secret: Tenant) -> list[tuple[str, re.Pattern[str]]]:
    """B's global ids as whole tokens (Contact:1 is a prefix of Contact:12) and its marker strings."""
    patterns = [
        (gid, re.compile(rf"(?<![{_ID_CHARS}]){re.escape(gid)}(?![{_ID_CHARS}])")) for gid in secret.ids.values()
    ]
    patterns += [(s, re.compile(re.escape(s), re.IGNORECASE)) for s in secret.strings]
    return patterns


def _strings_outside_messages(node: Any, in_message: bool = False) -> Iterator[tuple[str, bool]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings_outside_messages(value, in_message or key == "message")
    elif isinstance(node, list):
        for value in node:
            yield from _strings_outside_messages(value, in_message)
    elif isinstance(node, str):
        yield node, in_message


def assert_no_leak(answer: Answer, query: str, patterns: list[tuple[str, re.Pattern[str]]]) -> None:
    """No B id or string anywhere, except an error message echoing a value the query itself sent."""
    for value, in_message in _strings_outside_messages(answer.body):
        for secret, pattern in patterns:
            if pattern.search(value) and not (in_message and pattern.search(query)):
                raise AssertionError(f"workspace B's {secret!r} leaked in {value[:300]!r} for\n{query}")


# --------------------------------------------------------------------------------------------------
# Value strategies for hypothesis-graphql (custom scalars) and for the bad-input test


def _text(**kwargs: Any) -> st.SearchStrategy[str]:
    # Surrogates cannot travel in UTF-8 JSON; everything else can, NUL included.
    return st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), **kwargs)


ODD = [
    "\u200f",  # RIGHT-TO-LEFT MARK
    "\u200e",  # LEFT-TO-RIGHT MARK
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE
    "\u200d",  # ZERO WIDTH JOINER
    "\u200b",  # ZERO WIDTH SPACE
    "\ufeff",  # BYTE ORDER MARK
    "\u0301",  # COMBINING ACUTE ACCENT
    "\u2028",  # LINE SEPARATOR
    "\U0001f600",  # emoji
    "\U0001f469\u200d\U0001f4bb",  # emoji ZWJ sequence
    "\U000e0001",  # LANGUAGE TAG
    "\x00",
    "\x7f",
    "\uffff",
]


def odd_text(max_size: int = 40) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(ODD) | st.sampled_from("aZ9 @.+-_"), max_size=max_size).map("".join)


def id_values(own: Tenant, secret: Tenant) -> st.SearchStrategy[str]:
    """Ids a caller may send: its own, the other workspace's, and junk."""
    return st.one_of(
        st.sampled_from(sorted(own.ids.values())),
        st.sampled_from(sorted(secret.ids.values())),
        bad_ids(),
    )


def bad_ids() -> st.SearchStrategy[str]:
    """Strings that are no global id at all, or the id of no possible row."""
    import base64

    def b64(raw: str) -> str:
        return base64.urlsafe_b64encode(raw.encode("utf-8")).decode().rstrip("=")

    return st.one_of(
        st.sampled_from(["", " ", "=", "null", "0", "-1", "%%%", "Q29udGFjdDo", "!!!!", "a" * 5000]),
        st.sampled_from(["Contact:0", "Contact:-1", "Contact:", ":5", "Contact:1.5", "Contact:1e3",
                         f"Contact:{2**63}", f"Contact:{10**40}", "Contact:abc", "Contact:\x001"]).map(b64),
        odd_text(20).filter(lambda s: s.strip() != ""),
    )


def datetimes() -> st.SearchStrategy[str]:
    return st.one_of(
        st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat()),
        st.sampled_from(["2026-11-20T12:00:00Z", "2026-11-20", "1970-01-01T00:00:00+00:00", "9999-12-31T23:59:59Z"]),
    )


def bad_datetimes() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from([
            "", "yesterday", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-20T25:00:00Z",
            "2026-11-20T12:00:00+99:00", "0000-00-00", "2026-11-20T12:00:00Z\x00", "٢٠٢٦-١١-٢٠",
            "2026-11-20T12:00:00Z" + "\u200f", "1" * 1000,
        ]),
        odd_text(30),
    )


def strings(own: Tenant) -> st.SearchStrategy[str]:
    return st.one_of(
        _text(max_size=30),
        odd_text(),
        st.sampled_from(own.strings + ["primus", "gold", "2026-01-31", "+5491155550201", "support-v1"]),
    )


def ints() -> st.SearchStrategy[int]:
    return st.one_of(st.integers(-3, 120), st.sampled_from([-(2**31), 2**31 - 1, 1000, 1001, 100_000]))


def custom_scalars(own: Tenant, secret: Tenant) -> dict[str, st.SearchStrategy[Any]]:
    """Scalar values for generated documents: the tenant's own and foreign ids, odd text (NUL included)."""
    return {
        "ID": id_values(own, secret).map(nodes.String),
        "String": strings(own).map(nodes.String),
        "Int": ints().map(nodes.Int),
        "DateTime": (datetimes() | bad_datetimes()).map(nodes.String),
        "JSON": _text(max_size=10).map(nodes.String),
    }
