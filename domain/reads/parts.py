"""How each part of a contact is read: one correlated subquery per part, JSON out, plain rows back.

A part is what one Contact field needs (its tags, its latest NPS answer, a page of its notes...).
Each part renders as one or more columns of the statement `domain.reads.planner` builds, all
correlated on the outer `contact c` row and scoped to the workspace `:ws`; its decoder turns the
column values into light rows (named tuples) in the order the SQL ranked them.
"""

import json
from collections import namedtuple
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from domain.enums import (
    Channel, ConsentBasis, ConsentSource, CustomFieldType, FlowEnrolmentStatus, MessageEventType, Role, SatisfactionLabel,
    SubscriptionStatus, TicketStatus,
)
from domain.reads import json_sql as j


@dataclass(frozen=True)
class Field:
    name: str
    sql: str
    decode: j.Decoder
    exact_float: bool = False


def _text(name: str, sql: str) -> Field:
    return Field(name, sql, j.as_text)


def _int(name: str, sql: str) -> Field:
    return Field(name, sql, j.as_int)


def _time(name: str, sql: str) -> Field:
    return Field(name, sql, j.as_time)


def _float(name: str, sql: str) -> Field:
    return Field(name, sql, j.as_float, exact_float=True)


def _enum(name: str, sql: str, enum_cls: Any) -> Field:
    return Field(name, sql, j.as_enum(enum_cls))


@dataclass(frozen=True)
class Shape:
    """The rows one part reads: fields, source (FROM ... WHERE ..., correlated on c), order."""

    typename: str
    fields: tuple[Field, ...]
    source: str
    order: str

    def row_type(self) -> Any:
        found = _ROW_TYPES.get(self.typename)
        if found is None:
            found = _ROW_TYPES[self.typename] = namedtuple(self.typename, [f.name for f in self.fields])
        return found

    def many(self, dialect: str, limit: str = "") -> str:
        """A JSON array of ranked rows (NULL when there are none)."""
        inner = ", ".join(f"{f.sql} AS f{i}" for i, f in enumerate(self.fields))
        outer = ["s.rn"] + [
            j.exact_float(dialect, f"s.f{i}") if f.exact_float else f"s.f{i}" for i, f in enumerate(self.fields)
        ]
        return (
            f"(SELECT {j.rows(dialect, j.row(dialect, outer))} FROM ("
            f"SELECT ROW_NUMBER() OVER (ORDER BY {self.order}) AS rn, {inner} FROM {self.source} "
            f"ORDER BY {self.order}{limit}) s)"
        )

    def one(self, dialect: str) -> str:
        """The first row in `order` as one JSON array (NULL when there is none)."""
        values = ["1"] + [j.exact_float(dialect, f.sql) if f.exact_float else f.sql for f in self.fields]
        order = f" ORDER BY {self.order} LIMIT 1" if self.order else ""
        return f"(SELECT {j.row(dialect, values)} FROM {self.source}{order})"

    def count(self) -> str:
        return f"(SELECT count(*) FROM {self.source})"

    def decode_many(self, value: Any) -> list[Any]:
        if value is None:
            return []
        ranked = json.loads(value) if isinstance(value, str) else value
        ranked.sort(key=lambda r: r[0])
        make, decoders = self.row_type(), [f.decode for f in self.fields]
        return [make(*(d(v) for d, v in zip(decoders, r[1:], strict=True))) for r in ranked]

    def decode_one(self, value: Any) -> Any:
        if value is None:
            return None
        found = json.loads(value) if isinstance(value, str) else value
        return self.row_type()(*(f.decode(v) for f, v in zip(self.fields, found[1:], strict=True)))


_ROW_TYPES: dict[str, Any] = {}

# -- the shapes -------------------------------------------------------------------------------------

COMPANY = Shape(
    "CompanyRow",
    (_int("id", "co.id"), _text("name", "co.name"), _text("domain", "co.domain")),
    "company co WHERE co.id = c.company_id AND co.workspace_id = :ws",
    "",
)
DEPARTMENT = Shape(
    "DepartmentRow",
    (_int("id", "de.id"), _text("name", "de.name")),
    "department de WHERE de.id = c.department_id AND de.workspace_id = :ws",
    "",
)


def _user_fields(alias: str, prefix: str = "") -> tuple[Field, ...]:
    return (
        _int(f"{prefix}id", f"{alias}.id"), _text(f"{prefix}name", f"{alias}.name"),
        _text(f"{prefix}email", f"{alias}.email"), _enum(f"{prefix}role", f"{alias}.role", Role),
        _time(f"{prefix}created_at", f"{alias}.created_at"), _time(f"{prefix}deactivated_at", f"{alias}.deactivated_at"),
    )


AGENT = Shape("UserRow", _user_fields("u"), "app_user u WHERE u.id = c.assigned_agent_id AND u.workspace_id = :ws", "")
GROUP = Shape(
    "GroupRow",
    (_int("id", "g.id"), _text("name", "g.name")),
    "contact_group g WHERE g.id = c.assigned_group_id AND g.workspace_id = :ws",
    "",
)


def _membership(typename: str, link: str, entity: str, column: str) -> Shape:
    return Shape(
        typename,
        (_int("id", "e.id"), _text("name", "e.name")),
        f"{link} m JOIN {entity} e ON e.id = m.{column} "
        "WHERE m.contact_id = c.id AND m.workspace_id = :ws AND e.workspace_id = :ws",
        "e.name, e.id",
    )


TAGS = _membership("TagRow", "contact_tag", "tag", "tag_id")
FLOWS = Shape(
    "FlowEnrolmentRow",
    (_int("id", "f.id"), _text("name", "f.name"), _enum("status", "fe.status", FlowEnrolmentStatus),
     _time("enrolled_at", "fe.enrolled_at")),
    "flow_enrolment fe JOIN flow f ON f.id = fe.flow_id "
    "WHERE fe.contact_id = c.id AND fe.workspace_id = :ws AND f.workspace_id = :ws",
    "fe.enrolled_at DESC, f.id",
)
LISTS = _membership("ListRow", "contact_list_member", "contact_list", "list_id")
GROUPS = _membership("GroupRow", "contact_group_member", "contact_group", "group_id")

CHANNELS = Shape(
    "ChannelRow",
    (
        _enum("channel", "ch.channel", Channel), _text("address", "ch.address"),
        _enum("status", "ch.status", SubscriptionStatus), _time("changed_at", "ch.changed_at"),
        _text("reason", "ch.reason"), _int("changed_by_user_id", "ch.changed_by_user_id"),
        _enum("last_event_type", "ch.last_event_type", MessageEventType), _time("last_event_at", "ch.last_event_at"),
        _int("hard_bounces", "ch.hard_bounces"), _int("soft_bounces", "ch.soft_bounces"),
        _time("last_bounce_at", "ch.last_bounce_at"),
        _enum("consent_basis", "ch.consent_basis", ConsentBasis), _enum("consent_source", "ch.consent_source", ConsentSource),
        _time("consent_at", "ch.consent_at"), _int("consent_by_user_id", "ch.consent_by_user_id"),
        _text("consent_text", "ch.consent_text"),
    ),
    "channel_subscription ch WHERE ch.contact_id = c.id AND ch.workspace_id = :ws",
    "ch.id",
)
CUSTOM_FIELDS = Shape(
    "CustomFieldRow",
    (
        _text("key", 'd."key"'), _text("label", "d.label"), _enum("type", 'd."type"', CustomFieldType),
        _text("value_text", "v.value_text"), _float("value_number", "v.value_number"),
        Field("value_date", "v.value_date", j.as_date), Field("value_bool", "v.value_bool", j.as_bool),
    ),
    "custom_field_value v JOIN custom_field_definition d ON d.id = v.field_id "
    "WHERE v.contact_id = c.id AND v.workspace_id = :ws AND d.workspace_id = :ws",
    'd."position", d."key"',
)
NOTES = Shape(
    "NoteRow",
    (
        _int("id", "n.id"), _text("body", "n.body"), _time("created_at", "n.created_at"),
        _int("author_user_id", "n.author_user_id"), *_user_fields("u", "author_"),
    ),
    "note n LEFT JOIN app_user u ON u.id = n.author_user_id AND u.workspace_id = :ws "
    "WHERE n.contact_id = c.id AND n.workspace_id = :ws",
    "n.created_at DESC, n.id DESC",
)
NOTE_COUNT = Shape("NoteCount", (), "note n WHERE n.contact_id = c.id AND n.workspace_id = :ws", "")
LATEST_NPS = Shape(
    "NpsRow",
    (_int("score", "r.score"), _text("comment", "r.comment"), _time("responded_at", "r.responded_at")),
    "nps_response r WHERE r.contact_id = c.id AND r.workspace_id = :ws",
    "r.responded_at DESC, r.id DESC",
)


def conversations_since(param: str) -> Shape:
    return Shape(
        "ConversationRow",
        (
            _time("started_at", "cv.started_at"), Field("customer_replied", "cv.customer_replied", j.as_bool),
            _enum("label", "cv.satisfaction_label", SatisfactionLabel), _float("p_satisfied", "cv.p_satisfied"),
            _float("p_neutral", "cv.p_neutral"), _float("p_dissatisfied", "cv.p_dissatisfied"),
            _text("model_version", "cv.model_version"), _time("analyzed_at", "cv.analyzed_at"),
        ),
        f"conversation cv WHERE cv.contact_id = c.id AND cv.workspace_id = :ws AND cv.started_at >= :{param}",
        "cv.started_at, cv.id",
    )


COUNTER_NAMES = ("sent", "delivered", "read", "clicked", "replied", "bounced", "failed", "blocked", "complained")


def channel_counters_since(param: str) -> Shape:
    sums = tuple(_int(name, f'sum(dd."{name}")') for name in COUNTER_NAMES)
    return Shape(
        "CounterRow",
        (_enum("channel", "dd.channel", Channel), *sums),
        f'contact_channel_daily dd WHERE dd.contact_id = c.id AND dd.workspace_id = :ws AND dd."day" >= :{param} '
        "GROUP BY dd.channel",
        "dd.channel",
    )


TICKET_COUNTS = Shape(
    "TicketCountRow",
    (_enum("status", "t.status", TicketStatus), _int("n", "count(*)")),
    "ticket t WHERE t.contact_id = c.id AND t.workspace_id = :ws GROUP BY t.status",
    "t.status",
)
ITEMS = Shape(
    "ItemRow",
    (
        _int("item_id", "i.id"), _text("item_name", "i.name"), _text("item_external_id", "i.external_id"),
        _int("interactions", "ci.interactions"), _time("last_interaction_at", "ci.last_interaction_at"),
    ),
    "contact_item ci JOIN item i ON i.id = ci.item_id WHERE ci.contact_id = c.id AND ci.workspace_id = :ws "
    "AND i.workspace_id = :ws",
    "ci.last_interaction_at DESC, ci.item_id DESC",
)
ITEM_COUNT = Shape("ItemCount", (), "contact_item ci WHERE ci.contact_id = c.id AND ci.workspace_id = :ws", "")


def activity(after_params: Sequence[str] | None) -> Shape:
    where = "e.contact_id = c.id AND e.workspace_id = :ws"
    if after_params is not None:
        t, i = after_params
        where += f" AND (e.occurred_at < :{t} OR (e.occurred_at = :{t} AND e.id < :{i}))"
    return Shape(
        "EventRow",
        (
            _int("id", "e.id"), _enum("channel", "e.channel", Channel), _enum("type", "e.type", MessageEventType),
            _time("occurred_at", "e.occurred_at"), _text("message_id", "e.message_id"), _text("detail", "e.detail"),
        ),
        f"message_event e WHERE {where}",
        "e.occurred_at DESC, e.id DESC",
    )


Columns = Callable[[str, str], list[str]]
