"""The contact read planner: every part a request asks of its contacts in one statement.

Resolvers ask for parts (`Want`: a part's name plus its arguments, e.g. ("notes", 5, 0)) through one
DataLoader; a batch of wants, for any number of contacts, becomes ONE statement: one row per
contact, one or more columns per distinct want (see `domain.reads.parts`). The statement's text
depends only on which parts are wanted (its shape), so it is built once per shape and engine and
reused; arguments are bound. The workspace policy applies here: every subquery is scoped to the
caller's workspace, and reading needs the READ action.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, Date, Integer, TextClause, bindparam, text
from sqlalchemy.types import TypeEngine

from domain.db import RequestSession, UtcDateTime
from domain.enums import Channel, TicketStatus
from domain.metrics import Counters, window_start
from domain.policies import Action, Principal, authorize
from domain.reads import parts as p
from domain.reads.json_sql import POSTGRESQL, SQLITE, ids_match, ids_param, ids_value
from domain.repositories.paging import Page, encode_cursor, offset_cursor
from domain.satisfaction import ScoredConversation

Want = tuple[Any, ...]  # (part name, *arguments)
MAX_SHAPES = 512


@dataclass(frozen=True)
class _Kind:
    """One part: its columns (engine, param prefix, structure), its binds and its decoder."""

    columns: Callable[[str, str, Want], list[str]]
    binds: Callable[[str, Want, datetime], dict[str, Any]]
    types: Callable[[str], dict[str, TypeEngine]]
    decode: Callable[[list[Any], Want], Any]
    structure: Callable[[Want], Any] = lambda want: ()


def _none(prefix: str, want: Want, now: datetime) -> dict[str, Any]:
    return {}


def _no_types(prefix: str) -> dict[str, TypeEngine]:
    return {}


def _simple_many(shape: p.Shape) -> _Kind:
    return _Kind(
        columns=lambda d, prefix, want: [shape.many(d)],
        binds=_none,
        types=_no_types,
        decode=lambda values, want: shape.decode_many(values[0]),
    )


def _simple_one(shape: p.Shape) -> _Kind:
    return _Kind(
        columns=lambda d, prefix, want: [shape.one(d)],
        binds=_none,
        types=_no_types,
        decode=lambda values, want: shape.decode_one(values[0]),
    )


def _offset_page(shape: p.Shape, count: p.Shape) -> _Kind:
    """("name", first, offset): a page of `first` rows after `offset`, with the total."""

    def columns(d: str, prefix: str, want: Want) -> list[str]:
        return [count.count(), shape.many(d, f" LIMIT :{prefix}lim OFFSET :{prefix}off")]

    def binds(prefix: str, want: Want, now: datetime) -> dict[str, Any]:
        _, first, offset = want
        return {f"{prefix}lim": first + 1, f"{prefix}off": offset}

    def decode(values: list[Any], want: Want) -> Page[Any]:
        _, first, offset = want
        found = shape.decode_many(values[1])
        kept = found[:first]
        return Page(
            items=kept,
            cursors=[offset_cursor(offset + i + 1) for i in range(len(kept))],
            has_next_page=len(found) > first,
            total_count=int(values[0] or 0),
        )

    return _Kind(columns, binds, lambda prefix: {f"{prefix}lim": Integer(), f"{prefix}off": Integer()}, decode)


_EVENTS = p.activity(None)
_CONVERSATIONS = p.conversations_since("since")
_COUNTERS = p.channel_counters_since("since")


def _activity() -> _Kind:
    """("activity", first, after time | None, after id | None): newest events first, keyset cursors."""

    def columns(d: str, prefix: str, want: Want) -> list[str]:
        after = (f"{prefix}t", f"{prefix}i") if want[2] is not None else None
        return [p.activity(after).many(d, f" LIMIT :{prefix}lim")]

    def binds(prefix: str, want: Want, now: datetime) -> dict[str, Any]:
        _, first, at, last_id = want
        values: dict[str, Any] = {f"{prefix}lim": first + 1}
        if at is not None:
            values.update({f"{prefix}t": at, f"{prefix}i": last_id})
        return values

    def decode(values: list[Any], want: Want) -> Page[Any]:
        first = want[1]
        found = _EVENTS.decode_many(values[0])
        kept = found[:first]
        return Page(
            items=kept,
            cursors=[encode_cursor({"t": r.occurred_at.isoformat(), "i": r.id}) for r in kept],
            has_next_page=len(found) > first,
        )

    return _Kind(
        columns,
        binds,
        lambda prefix: {f"{prefix}lim": Integer(), f"{prefix}t": UtcDateTime(), f"{prefix}i": BigInteger()},
        decode,
        structure=lambda want: want[2] is not None,
    )


def _assignment() -> _Kind:
    return _Kind(
        columns=lambda d, prefix, want: [p.AGENT.one(d), p.GROUP.one(d)],
        binds=_none,
        types=_no_types,
        decode=lambda values, want: (p.AGENT.decode_one(values[0]), p.GROUP.decode_one(values[1])),
    )


def _conversations() -> _Kind:
    """("conversations", days): the scored conversations started in the window."""

    def decode(values: list[Any], want: Want) -> list[ScoredConversation]:
        return [ScoredConversation(**r._asdict()) for r in _CONVERSATIONS.decode_many(values[0])]

    return _Kind(
        columns=lambda d, prefix, want: [p.conversations_since(f"{prefix}since").many(d)],
        binds=lambda prefix, want, now: {f"{prefix}since": now - timedelta(days=want[1])},
        types=lambda prefix: {f"{prefix}since": UtcDateTime()},
        decode=decode,
    )


def _counters() -> _Kind:
    """("counters", days): the daily rollups summed per channel from the window's first day."""

    def decode(values: list[Any], want: Want) -> dict[Channel, Counters]:
        rows = _COUNTERS.decode_many(values[0])
        return {r.channel: Counters(**{n: int(getattr(r, n) or 0) for n in p.COUNTER_NAMES}) for r in rows}

    return _Kind(
        columns=lambda d, prefix, want: [p.channel_counters_since(f"{prefix}since").many(d)],
        binds=lambda prefix, want, now: {f"{prefix}since": window_start(now, want[1])},
        types=lambda prefix: {f"{prefix}since": Date()},
        decode=decode,
    )


def _tickets() -> _Kind:
    def decode(values: list[Any], want: Want) -> dict[TicketStatus, int]:
        return {r.status: r.n for r in p.TICKET_COUNTS.decode_many(values[0])}

    return _Kind(lambda d, prefix, want: [p.TICKET_COUNTS.many(d)], _none, _no_types, decode)


def _channels() -> _Kind:
    order = list(Channel)

    def decode(values: list[Any], want: Want) -> list[Any]:
        return sorted(p.CHANNELS.decode_many(values[0]), key=lambda r: order.index(r.channel))

    return _Kind(lambda d, prefix, want: [p.CHANNELS.many(d)], _none, _no_types, decode)


KINDS: dict[str, _Kind] = {
    "company": _simple_one(p.COMPANY),
    "department": _simple_one(p.DEPARTMENT),
    "assignment": _assignment(),
    "channels": _channels(),
    "tags": _simple_many(p.TAGS),
    "lists": _simple_many(p.LISTS),
    "groups": _simple_many(p.GROUPS),
    "flows": _simple_many(p.FLOWS),
    "custom_fields": _simple_many(p.CUSTOM_FIELDS),
    "notes": _offset_page(p.NOTES, p.NOTE_COUNT),
    "happiness": _simple_one(p.LATEST_NPS),
    "conversations": _conversations(),
    "counters": _counters(),
    "tickets": _tickets(),
    "items": _offset_page(p.ITEMS, p.ITEM_COUNT),
    "activity": _activity(),
}


@dataclass(frozen=True)
class _Plan:
    statement: TextClause
    spans: tuple[tuple[int, int], ...]  # each want's columns in the result row, in order


_plans: dict[tuple[str, tuple[Any, ...]], _Plan] = {}


def _plan(dialect: str, wants: Sequence[Want]) -> _Plan:
    shape = tuple((w[0], KINDS[w[0]].structure(w)) for w in wants)
    key = (dialect, shape)
    found = _plans.get(key)
    if found is not None:
        return found
    columns: list[str] = []
    spans: list[tuple[int, int]] = []
    binds = [bindparam("ws", type_=Integer()), ids_param(dialect)]
    for index, want in enumerate(wants):
        kind, prefix = KINDS[want[0]], f"p{index}_"
        own = kind.columns(dialect, prefix, want)
        spans.append((len(columns) + 1, len(columns) + 1 + len(own)))
        columns.extend(own)
        binds.extend(bindparam(name, type_=type_) for name, type_ in kind.types(prefix).items())
    sql = f"SELECT c.id, {', '.join(columns)} FROM contact c WHERE c.workspace_id = :ws AND {ids_match(dialect, 'c.id')}"
    # Only the binds a shape uses: an unused typed bindparam is an error for text().
    used = [b for b in binds if f":{b.key}" in sql]
    plan = _Plan(text(sql).bindparams(*used), tuple(spans))
    if len(_plans) >= MAX_SHAPES:
        _plans.clear()
    _plans[key] = plan
    return plan


def _dialect(session: RequestSession) -> str:
    name = session.raw.bind.dialect.name
    return POSTGRESQL if name == "postgresql" else SQLITE


async def read_parts(
    session: RequestSession, *, principal: Principal, keys: Sequence[tuple[int, Want]], now: datetime
) -> list[Any]:
    """The value of each (contact id, want), in key order; a contact of another workspace reads as empty."""
    authorize(principal, Action.READ)
    wants = sorted({want for _, want in keys}, key=repr)
    contact_ids = sorted({contact_id for contact_id, _ in keys})
    dialect = _dialect(session)
    plan = _plan(dialect, wants)
    params: dict[str, Any] = {"ws": principal.workspace_id, "ids": ids_value(dialect, contact_ids)}
    for index, want in enumerate(wants):
        params.update(KINDS[want[0]].binds(f"p{index}_", want, now))
    result = await session.execute(plan.statement, params)
    values: dict[tuple[int, Want], Any] = {}
    for row in result.all():
        for want, (start, end) in zip(wants, plan.spans, strict=True):
            values[(row[0], want)] = KINDS[want[0]].decode(list(row[start:end]), want)
    return [values.get((contact_id, want), _absent(want)) for contact_id, want in keys]


def _absent(want: Want) -> Any:
    """What a part reads as for a contact that is not there (deleted meanwhile, another workspace)."""
    return KINDS[want[0]].decode([None] * 2, want)


