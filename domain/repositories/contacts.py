"""Contact reads: by id, and the filtered, searched, ordered pages of the contacts module."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, case, exists, func, literal_column, or_, select, true
from sqlalchemy import union_all

from domain.db import RequestSession, UtcDateTime, key_limit
from domain.engagement import activity_span, status_condition
from domain.enums import ContactOrderField, DiscardReason, EngagementStatus, SortDirection
from domain.filters import ContactOrder, ContactQuery
from domain.models import (
    ChannelSubscription,
    Contact,
    ContactListMember,
    ContactTag,
    FlowEnrolment,
    GroupMember,
)
from domain.repositories.paging import (
    NOT_OURS,
    InvalidCursor,
    Page,
    cursor_key,
    cursor_text,
    cursor_time,
    decode_cursor,
    encode_cursor,
)
from domain.text import search_terms


async def get_many(session: RequestSession, *, workspace_id: int, ids: Sequence[int]) -> list[Contact]:
    if not ids:
        return []
    return list(
        await session.scalars(select(Contact).where(Contact.workspace_id == workspace_id, Contact.id.in_(ids)))
    )


def _member_of(model: Any, column: str, ids: Sequence[int], workspace_id: int) -> ColumnElement[bool]:
    target = getattr(model, column)
    return exists().where(model.contact_id == Contact.id, model.workspace_id == workspace_id, target.in_(ids))


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def query_conditions(
    query: ContactQuery, *, workspace_id: int, now: datetime, include_status: bool = True
) -> list[ColumnElement[bool]]:
    """The WHERE conditions of a filter plus search (segments are resolved by the caller)."""
    f = query.filter
    conds: list[ColumnElement[bool]] = []
    if include_status and f.statuses:
        conds.append(
            or_(
                *(
                    status_condition(
                        s, last_activity_at=Contact.last_activity_at, discard_reason=Contact.discard_reason, now=now
                    )
                    for s in f.statuses
                )
            )
        )
    if f.tag_ids:
        conds.append(_member_of(ContactTag, "tag_id", f.tag_ids, workspace_id))
    if f.group_ids:
        conds.append(_member_of(GroupMember, "group_id", f.group_ids, workspace_id))
    if f.list_ids:
        conds.append(_member_of(ContactListMember, "list_id", f.list_ids, workspace_id))
    if f.flow_ids:
        conds.append(_member_of(FlowEnrolment, "flow_id", f.flow_ids, workspace_id))
    if f.company_ids:
        conds.append(Contact.company_id.in_(f.company_ids))
    if f.department_ids:
        conds.append(Contact.department_id.in_(f.department_ids))
    if f.discard_reasons:
        conds.append(Contact.discard_reason.in_(f.discard_reasons))
    if f.channel_statuses:
        subs = ChannelSubscription
        conds.append(or_(*(
            exists().where(subs.contact_id == Contact.id, subs.workspace_id == workspace_id, subs.channel == channel,
                           subs.status == status)
            for channel, status in dict.fromkeys(f.channel_statuses)
        )))
    conds += search_conditions(search_terms(query.search or ""))
    return conds


def search_conditions(terms: Sequence[str]) -> list[ColumnElement[bool]]:
    """Contacts whose search text holds every one of `terms` (folded already, see domain.text)."""
    return [Contact.search_text.like(f"%{_escape_like(term)}%", escape="\\") for term in terms]


def _where(workspace_id: int, conditions: Sequence[ColumnElement[bool]]) -> ColumnElement[bool]:
    return and_(Contact.workspace_id == workspace_id, *conditions)


_SORT_COLUMNS = {
    ContactOrderField.NAME: Contact.name_key,
    ContactOrderField.CONTACT_SINCE: Contact.contact_since,
    ContactOrderField.LAST_ACTIVITY_AT: Contact.last_activity_at,
}


# Orders whose column may be NULL: those contacts come last in both directions.
_NULLABLE = frozenset({ContactOrderField.LAST_ACTIVITY_AT})


def _sort_value(contact: Contact, order: ContactOrder) -> Any:
    value = getattr(contact, _SORT_COLUMNS[order.field].key)
    return value.isoformat() if isinstance(value, datetime) else value


def _parse_sort_value(payload: dict[str, Any], order: ContactOrder) -> Any:
    """The cursor's sort value (None: the row sorted with the NULLs, last)."""
    if order.field == ContactOrderField.NAME:
        value = cursor_text(payload, "v", optional=True)
    else:
        value = cursor_time(payload, "v", optional=True)
    if value is None and order.field not in _NULLABLE:
        raise InvalidCursor(NOT_OURS)
    return value


def _after_value(column: Any, ascending: bool, value: Any, last_id: int) -> ColumnElement[bool]:
    """Rows strictly after (value, id) in `column, id` order; the first part bounds the index range."""
    if ascending:
        return and_(column >= value, or_(column > value, Contact.id > last_id))
    return and_(column <= value, or_(column < value, Contact.id < last_id))


# A page reads columns, not ORM objects (the read path never changes what it reads); not the search text.
_PAGE_COLUMNS = [column for column in Contact.__table__.c if column.name != "search_text"]


def _ordered(where: Sequence[ColumnElement[bool]], columns: Sequence[Any], ascending: bool, limit: int) -> Select:
    """Contacts in `columns` order (all one direction, so that one index scan reads them in order)."""
    order_by = [c.asc() if ascending else c.desc() for c in columns]
    return select(*_PAGE_COLUMNS).where(*where).order_by(*order_by).limit(limit)


async def page(
    session: RequestSession,
    *,
    workspace_id: int,
    conditions: Sequence[ColumnElement[bool]],
    order: ContactOrder,
    first: int,
    after: str | None,
    statuses: frozenset[EngagementStatus] | None = None,
    now: datetime | None = None,
) -> Page[Any]:
    """One keyset page of contacts; the cursor carries the sort value and id of the last row.

    Every order reads its index (`ix_contact_ws_since`, `_name`, `_activity`) forwards or backwards
    from the cursor on, never sorting the workspace. last_activity_at may be NULL and those contacts
    come last in both directions, which no single index scan gives on both engines: the page is the
    non-NULL part read in order, then the NULL part by id, two index ranges in one statement.

    `statuses` (with `now`): the conditions are exactly these statuses, nothing else. When they are all
    activity bands, a PostgreSQL page in contact_since order reads the band's activity weeks one by one
    (`_banded`), whatever the workspace's size.
    """
    column = _SORT_COLUMNS[order.field]
    ascending = order.direction == SortDirection.ASC
    base = [_where(workspace_id, conditions)]
    value: Any = None
    last_id: int | None = None
    if after is not None:
        payload = decode_cursor(after)
        if payload.get("f") != order.field.value or payload.get("d") != order.direction.value:
            raise InvalidCursor("the cursor belongs to another order; start again without `after`")
        last_id = cursor_key(payload, "i", limit=key_limit(Contact))
        value = _parse_sort_value(payload, order)
    limit = first + 1
    span = None if statuses is None or now is None else activity_span(statuses, now=now)
    if order.field not in _NULLABLE:
        keyset = [] if last_id is None else [_after_value(column, ascending, value, last_id)]
        if span is not None and order.field == ContactOrderField.CONTACT_SINCE and _is_postgresql(session):
            statement = _banded(workspace_id, [*base, *keyset], ascending, limit, span)
        else:
            statement = _ordered([*base, *keyset], [column, Contact.id], ascending, limit)
        rows = list(await session.all(statement))
    else:
        rows = await _nulls_last_rows(session, base, column, ascending, value, last_id, limit)
    kept = rows[:first]
    cursors = [
        encode_cursor({"f": order.field.value, "d": order.direction.value, "v": _sort_value(c, order), "i": c.id})
        for c in kept
    ]
    return Page(items=kept, cursors=cursors, has_next_page=len(rows) > first)


def _is_postgresql(session: RequestSession) -> bool:
    return session.raw.bind.dialect.name == "postgresql"


# The week (UTC, from Monday) of a contact's last activity, spelled exactly as the PostgreSQL index
# ix_contact_ws_activity_week_since has it (migration a7c3e9f1b5d2); literals, not parameters, so that
# the planner matches the index's expression.
_WEEK = literal_column("'week'")
_UTC = literal_column("'UTC'")


def _activity_week(value: Any) -> Any:
    return func.date_trunc(_WEEK, func.timezone(_UTC, value))


def _banded(
    workspace_id: int, where: Sequence[ColumnElement[bool]], ascending: bool, limit: int,
    span: tuple[datetime | None, datetime | None],
) -> Select:
    """A status page in contact_since order on PostgreSQL, from the activity weeks of its bands.

    In contact_since order a band's contacts are scattered: the newest contacts are mostly NEW, so a
    scan of ix_contact_ws_since for the EXPIRED ones passes every contact that joined since they went
    quiet (a number that grows with the workspace). ix_contact_ws_activity_week_since holds the
    not-discarded, active contacts by (activity week, contact_since, id): the page takes the first
    `limit` of each week the bands span (an index range each, the band's own conditions checked on the
    index's included last_activity_at), then the first `limit` of those. Weeks run from the earliest to
    the latest activity of the workspace within the span, so an open-ended band (EXPIRED) reads only the
    weeks that hold contacts at all.
    """
    after, until = span
    active = [Contact.workspace_id == workspace_id, Contact.discard_reason.is_(None)]
    earliest = select(func.min(Contact.last_activity_at)).where(*active).scalar_subquery()
    latest = select(func.max(Contact.last_activity_at)).where(*active).scalar_subquery()
    if after is not None:
        earliest = func.greatest(earliest, bindparam("span_after", after, type_=UtcDateTime()))
    if until is not None:
        latest = func.least(latest, bindparam("span_until", until, type_=UtcDateTime()))
    weeks = func.generate_series(
        _activity_week(earliest), _activity_week(latest), literal_column("interval '1 week'")
    ).table_valued("week").render_derived(name="weeks")

    def direction(column: Any) -> Any:
        return column.asc() if ascending else column.desc()

    per_week = (
        select(Contact.id, Contact.contact_since)
        .where(*where, Contact.last_activity_at.is_not(None), _activity_week(Contact.last_activity_at) == weeks.c.week)
        .order_by(direction(Contact.contact_since), direction(Contact.id))
        .limit(limit)
        .lateral("per_week")
    )
    top = (
        select(per_week.c.id, per_week.c.contact_since)
        .select_from(weeks)
        .join(per_week, true())
        .order_by(direction(per_week.c.contact_since), direction(per_week.c.id))
        .limit(limit)
        .subquery("top")
    )
    page_table = Contact.__table__.alias("page")
    return (
        select(*(page_table.c[c.name] for c in _PAGE_COLUMNS))
        .join(top, top.c.id == page_table.c.id)
        .order_by(direction(top.c.contact_since), direction(top.c.id))
    )


async def _nulls_last_rows(
    session: RequestSession, base: list[ColumnElement[bool]], column: Any, ascending: bool, value: Any,
    last_id: int | None, limit: int,
) -> list[Any]:
    id_after = [] if last_id is None else [Contact.id > last_id if ascending else Contact.id < last_id]
    parts = []
    if last_id is None or value is not None:  # a cursor among the NULLs has left the non-NULL part behind
        keyset = [] if last_id is None else [_after_value(column, ascending, value, last_id)]
        parts.append(_ordered([*base, column.is_not(None), *keyset], [column, Contact.id], ascending, limit))
    # Ordering the NULL part by the (constant) column too makes its ORDER BY the index's own.
    nulls_after = id_after if value is None else []
    parts.append(_ordered([*base, column.is_(None), *nulls_after], [column, Contact.id], ascending, limit))
    # Each part is limited inside its own subquery (SQLite allows no LIMIT on a UNION ALL member).
    statement = union_all(*(select(part.subquery()) for part in parts)) if len(parts) > 1 else parts[0]
    rows = list(await session.all(statement))
    # The parts come back in statement order on both engines, but SQL does not promise it: order here.
    key = column.key
    valued = sorted(
        sorted((r for r in rows if getattr(r, key) is not None), key=lambda r: r.id, reverse=not ascending),
        key=lambda r: getattr(r, key),
        reverse=not ascending,
    )
    nulls = sorted((r for r in rows if getattr(r, key) is None), key=lambda r: r.id, reverse=not ascending)
    return (valued + nulls)[:limit]


async def count(session: RequestSession, *, workspace_id: int, conditions: Sequence[ColumnElement[bool]]) -> int:
    return int(await session.scalar(select(func.count()).select_from(Contact).where(_where(workspace_id, conditions))))


async def status_counts(
    session: RequestSession, *, workspace_id: int, conditions: Sequence[ColumnElement[bool]], now: datetime
) -> dict[str, int]:
    """Contacts per engagement status (plus total and suspended) in one statement."""

    def tally(cond: ColumnElement[bool]) -> Any:
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    columns = [func.count().label("total")]
    for status in EngagementStatus:
        cond = status_condition(
            status, last_activity_at=Contact.last_activity_at, discard_reason=Contact.discard_reason, now=now
        )
        columns.append(tally(cond).label(status.value.lower()))
    columns.append(tally(Contact.discard_reason == DiscardReason.SUSPENDED).label("suspended"))
    row = (await session.execute(select(*columns).select_from(Contact).where(_where(workspace_id, conditions)))).one()
    return {key: int(value) for key, value in row._mapping.items()}
