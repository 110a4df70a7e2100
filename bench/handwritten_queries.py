"""The hand-written endpoint's SQL: files in bench/handwritten_sql/<engine>/, macros, and WHERE fragments.

Each root field of a supported operation is ONE statement whose result is the field's JSON, built by
the database. The .sql files use a few macros so that both engines read alike; they are expanded here,
once per statement shape:

    ISO(ts)          the value as Python's datetime.isoformat() writes it in UTC (what Rapport answers)
    GID('Type', key) the API's global id (unpadded base64url of "Type:key")
    B64(text)        unpadded base64url of a text (the opaque cursors)
    STATUS(c)        contact c's engagement status from the request's clock (domain/engagement.py)
    FOLD(text)       lower case, accents stripped (SQLite: domain/text.py's fold as an app-defined function)

Placeholders are `:name`; PostgreSQL gets them as $1..$n (asyncpg), SQLite keeps them (sqlite3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

SQL_DIR = Path(__file__).resolve().parent / "handwritten_sql"
STATUSES = ("NEW", "FREQUENT", "DORMANT", "EXPIRED", "INACTIVE", "DISCARDED")
# (attribute of the GraphQL filter, membership table, its column) for the membership facets.
MEMBERSHIP_FACETS = (("tagIds", "contact_tag", "tag_id", "Tag"), ("groupIds", "contact_group_member", "group_id", "Group"),
                     ("listIds", "contact_list_member", "list_id", "ContactList"),
                     ("flowIds", "flow_enrolment", "flow_id", "Flow"))
COLUMN_FACETS = (("companyIds", "company_id", "Company"), ("departmentIds", "department_id", "Department"))
ORDER_COLUMNS = {"NAME": "c.name_key", "CONTACT_SINCE": "c.contact_since", "LAST_ACTIVITY_AT": "c.last_activity_at"}
# FilterOptions: root field -> (table, global id type, how a row's contactCount is counted or None).
CATALOGS = {
    "tags": ("tag", "Tag", "(SELECT count(*) FROM contact_tag m WHERE m.tag_id = x.id AND m.workspace_id = :ws)"),
    "groups": ("contact_group", "Group",
               "(SELECT count(*) FROM contact_group_member m WHERE m.group_id = x.id AND m.workspace_id = :ws)"),
    "contactLists": ("contact_list", "ContactList",
                     "(SELECT count(*) FROM contact_list_member m WHERE m.list_id = x.id AND m.workspace_id = :ws)"),
    "segments": ("segment", "Segment", "SEGMENT_COUNT"),
    "flows": ("flow", "Flow", None),
    "companies": ("company", "Company", None),
    "departments": ("department", "Department", None),
}

_PG_B64 = "rtrim(translate(encode(convert_to({0}, 'UTF8'), 'base64'), E'+/\\n', '-_'), '=')"
_PG_ISO = ("(to_char(({0}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
           "extract(microseconds FROM ({0}))::bigint % 1000000 <> 0 THEN to_char(({0}) AT TIME ZONE 'UTC', '.US') "
           "ELSE '' END || '+00:00')")
# SQLite stores UTC as 'YYYY-MM-DD HH:MM:SS[.ffffff]' text (SQLAlchemy's format); b64url is a UDF of the app.
_SQLITE_ISO = ("(replace(substr({0}, 1, 19), ' ', 'T') || CASE WHEN substr({0}, 21, 6) IN ('', '000000') THEN '' "
               "ELSE '.' || substr({0}, 21, 6) END || '+00:00')")
_STATUS = ("(CASE WHEN {0}.discard_reason IS NOT NULL THEN 'DISCARDED' WHEN {0}.last_activity_at IS NULL THEN 'INACTIVE' "
           "WHEN {0}.last_activity_at > :t_new THEN 'NEW' WHEN {0}.last_activity_at > :t_frequent THEN 'FREQUENT' "
           "WHEN {0}.last_activity_at > :t_dormant THEN 'DORMANT' ELSE 'EXPIRED' END)")
_ACCENTED, _PLAIN = "áàâãäåéèêëíìîïóòôõöúùûüçñý", "aaaaaaeeeeiiiiooooouuuucny"
# status -> WHERE condition on contact c (index-friendly: ranges of last_activity_at).
STATUS_CONDITIONS = {
    "NEW": "(c.discard_reason IS NULL AND c.last_activity_at > :t_new)",
    "FREQUENT": "(c.discard_reason IS NULL AND c.last_activity_at > :t_frequent AND c.last_activity_at <= :t_new)",
    "DORMANT": "(c.discard_reason IS NULL AND c.last_activity_at > :t_dormant AND c.last_activity_at <= :t_frequent)",
    "EXPIRED": "(c.discard_reason IS NULL AND c.last_activity_at <= :t_dormant)",
    "INACTIVE": "(c.discard_reason IS NULL AND c.last_activity_at IS NULL)",
    "DISCARDED": "(c.discard_reason IS NOT NULL)",
}


def _split_args(text: str) -> list[str]:
    depth, start, args, quoted = 0, 0, [], False
    for i, ch in enumerate(text):
        if ch == "'":
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
        elif not quoted and ch == "," and depth == 0:
            args.append(text[start:i].strip())
            start = i + 1
    args.append(text[start:].strip())
    return args


def expand_macros(sql: str, engine: str) -> str:
    """Replace every ISO/GID/B64/STATUS/FOLD(...) call, arguments included."""
    pattern = re.compile(r"\b(ISO|GID|B64|STATUS|FOLD)\(")
    while match := pattern.search(sql):
        depth, end, quoted = 1, match.end(), False
        while depth:
            ch = sql[end]
            if ch == "'":
                quoted = not quoted
            elif not quoted:
                depth += {"(": 1, ")": -1}.get(ch, 0)
            end += 1
        args = _split_args(sql[match.end():end - 1])
        name = match.group(1)
        if name == "ISO":
            out = (_PG_ISO if engine == "postgres" else _SQLITE_ISO).format(args[0])
        elif name == "STATUS":
            out = _STATUS.format(args[0])
        elif name == "FOLD":
            out = (f"translate(lower({args[0]}), '{_ACCENTED}', '{_PLAIN}')" if engine == "postgres"
                   else f"fold_text({args[0]})")
        else:
            text = args[0] if name == "B64" else f"{args[0]} || ':' || ({args[1]})"
            out = _PG_B64.format(text) if engine == "postgres" else f"b64url({text})"
        sql = sql[:match.start()] + out + sql[end:]
    return sql


@lru_cache(maxsize=None)
def sql_file(engine: str, name: str) -> str:
    """A statement without its comment lines (they name the slots, which must be filled only once)."""
    lines = (SQL_DIR / engine / f"{name}.sql").read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("--"))


def clock_params(now: datetime, engine: str, window_days: int = 90) -> dict[str, Any]:
    """The request clock as parameters: status thresholds (domain/engagement.py bands) and metric windows."""

    def ts(value: datetime) -> Any:  # SQLite compares the stored UTC text
        return value if engine == "postgres" else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    return {
        "t_new": ts(now - timedelta(days=16)), "t_frequent": ts(now - timedelta(days=46)),
        "t_dormant": ts(now - timedelta(days=121)),
        "window_days": window_days,
        "window_start": (now.date() - timedelta(days=window_days - 1)) if engine == "postgres"
        else (now.date() - timedelta(days=window_days - 1)).isoformat(),
        "conversations_since": ts(now - timedelta(days=window_days)),
    }


@dataclass(frozen=True)
class Statement:
    sql: str
    params: dict[str, Any]


def fill(sql: str, **parts: str) -> str:
    """Put fragments into a statement's {name} slots (str.format would trip over the JSON braces)."""
    for name, part in parts.items():
        sql = sql.replace("{" + name + "}", part)
    return sql


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contacts_where(engine: str, filters: dict[str, Any], terms: list[str], params: dict[str, Any], *,
                   include_status: bool) -> str:
    """The WHERE of a contacts query over alias c; fills `params` with the values it names."""
    conds = ["c.workspace_id = :ws"]
    statuses = filters.get("status") or []
    if include_status and statuses:
        conds.append("(" + " OR ".join(STATUS_CONDITIONS[s] for s in statuses) + ")")
    for key, table, column, _ in MEMBERSHIP_FACETS:
        ids = filters.get(key) or []
        if ids:
            names = [f"{key.lower()}_{i}" for i in range(len(ids))]
            params.update(zip(names, ids))
            conds.append(f"EXISTS (SELECT 1 FROM {table} m WHERE m.contact_id = c.id AND m.workspace_id = :ws "
                         f"AND m.{column} IN ({', '.join(':' + n for n in names)}))")
    for key, column, _ in COLUMN_FACETS:
        ids = filters.get(key) or []
        if ids:
            names = [f"{key.lower()}_{i}" for i in range(len(ids))]
            params.update(zip(names, ids))
            conds.append(f"c.{column} IN ({', '.join(':' + n for n in names)})")
    for i, term in enumerate(terms):
        params[f"term_{i}"] = f"%{_escape_like(term)}%"
        conds.append(f"c.search_text LIKE :term_{i} ESCAPE '\\'")
    if filters.get("segmentId") is not None:
        params["segment"] = filters["segmentId"]
        match = sql_file(engine, "segment_match")
        if engine == "sqlite":  # there the match is a predicate on a segment row s
            match = f"EXISTS (SELECT 1 FROM segment s WHERE s.id = :segment AND s.workspace_id = :ws AND ({match}))"
        conds.append(f"({match})")
    return "\n  AND ".join(conds)


def contacts_page(engine: str, filters: dict[str, Any], terms: list[str], order: tuple[str, str], first: int,
                  params: dict[str, Any]) -> Statement:
    field, direction = order
    column = ORDER_COLUMNS[field]
    params = dict(params, first=first, order_field=field, order_direction=direction)
    where = contacts_where(engine, filters, terms, params, include_status=True)
    tie = "c.id ASC" if direction == "ASC" else "c.id DESC"
    nulls = " NULLS LAST" if engine == "postgres" and field == "LAST_ACTIVITY_AT" else ""
    if engine == "sqlite" and field == "LAST_ACTIVITY_AT":  # SQLite sorts NULL first ascending: say last explicitly
        order_sql = f"({column} IS NULL), {column} {direction}, {tie}"
    else:
        order_sql = f"{column} {direction}{nulls}, {tie}"
    sort_value = column if field == "NAME" else f"ISO({column})"
    sql = fill(sql_file(engine, "contacts_page"), where=where, order=order_sql, sort_value=sort_value)
    return Statement(expand_macros(sql, engine), params)


def status_counts(engine: str, filters: dict[str, Any], terms: list[str], params: dict[str, Any]) -> Statement:
    params = dict(params)
    where = contacts_where(engine, filters, terms, params, include_status=False)
    return Statement(expand_macros(fill(sql_file(engine, "status_counts"), where=where), engine), params)


def catalog(engine: str, root_field: str, params: dict[str, Any]) -> Statement:
    table, type_name, count = CATALOGS[root_field]
    if count == "SEGMENT_COUNT":  # segments are evaluated live, as Rapport does: the match, on catalogue row x
        match = sql_file(engine, "segment_match").replace(" FROM segment s WHERE s.id = :segment AND s.workspace_id = :ws", "")
        count = ("(SELECT count(*) FROM contact c WHERE c.workspace_id = :ws AND ("
                 + re.sub(r"\bs\.", "x.", match) + "))")
    count_sql = "" if count is None else f", 'contactCount', {count}"
    sql = fill(sql_file(engine, "catalog"), table=table, type=type_name, count=count_sql)
    return Statement(expand_macros(sql, engine), dict(params))


_PARAM = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")


@lru_cache(maxsize=512)
def _numbered(sql: str) -> tuple[str, tuple[str, ...]]:
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    return _PARAM.sub(number, sql), tuple(names)


def for_asyncpg(statement: Statement) -> tuple[str, list[Any]]:
    """`:name` placeholders as $n, and the values in that order."""
    sql, names = _numbered(statement.sql)
    return sql, [statement.params[n] for n in names]
