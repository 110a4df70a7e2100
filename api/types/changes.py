"""One field of an audited change, as the API shows it (contact history and workspace audit trail)."""

from typing import Any

import strawberry
from strawberry.scalars import JSON

from api.ids import to_global_id

# Audit entries store primary keys; clients know only global ids, so these fields are translated.
_REFERENCES = {
    "companyId": "Company",
    "departmentId": "Department",
    "assignedAgentId": "User",
    "assignedGroupId": "Group",
    "tagIds": "Tag",
    "listIds": "ContactList",
    "groupIds": "Group",
    "flowIds": "Flow",
    "noteId": "Note",
    "userId": "User",
}


def field_name(field: str) -> str:
    """Column names become the API's camelCase ("department_id" -> "departmentId").

    Dotted paths ("customFields.lifetime_value", "channels.SMS.status") carry user-defined keys
    and stay as they are.
    """
    if "." in field:
        return field
    head, *rest = field.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _value(field: str, value: Any) -> Any:
    type_name = _REFERENCES.get(field)
    if type_name is None or value is None:
        return value
    if isinstance(value, list):
        return [to_global_id(type_name, v) for v in value]
    return to_global_id(type_name, value)


def change_of(raw: dict[str, Any]) -> "ContactHistoryChange":
    name = field_name(raw["field"])
    if "added" in raw:  # a membership set (domain.audit_shape): the ids that entered and left it
        return ContactHistoryChange(
            field=name, old_value=None, new_value=None, added=_value(name, raw["added"]),
            removed=_value(name, raw["removed"]),
        )
    return ContactHistoryChange(field=name, old_value=_value(name, raw.get("old")), new_value=_value(name, raw.get("new")))


@strawberry.type(
    description="One field of a change. Values are JSON as the field holds them: strings, numbers, booleans, "
    "lists or null (not set). A membership set (tagIds, listIds, groupIds, flowIds) changes by `added` and "
    "`removed`, the ids that entered and left it (oldValue and newValue are null), whatever made the change: "
    "one action, a bulk job or an import. References to other objects (companyId, departmentId, "
    "assignedAgentId, assignedGroupId, tagIds, listIds, groupIds, flowIds, noteId, userId) are global ids, which "
    "`node(id:)` resolves while the object still exists."
)
class ContactHistoryChange:
    field: str
    old_value: JSON | None
    new_value: JSON | None
    added: list[strawberry.ID] | None = strawberry.field(
        default=None, description="For a membership set: the ids added, sorted by id; null for other fields."
    )
    removed: list[strawberry.ID] | None = strawberry.field(
        default=None, description="For a membership set: the ids removed, sorted by id; null for other fields."
    )
