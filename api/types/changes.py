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
# Membership sets are written under several names (profile actions, imports, bulk jobs); one name here.
_ALIASES = {"tags": "tagIds", "lists": "listIds", "groups": "groupIds", "flows": "flowIds"}


def field_name(field: str) -> str:
    """Column names become the API's camelCase ("department_id" -> "departmentId").

    Dotted paths ("customFields.lifetime_value", "channels.SMS.status") carry user-defined keys
    and stay as they are.
    """
    if "." in field:
        return field
    head, *rest = field.split("_")
    camel = head + "".join(part[:1].upper() + part[1:] for part in rest)
    return _ALIASES.get(camel, camel)


def _value(field: str, value: Any) -> Any:
    type_name = _REFERENCES.get(field)
    if type_name is None or value is None:
        return value
    if isinstance(value, list):
        return [to_global_id(type_name, v) for v in value]
    return to_global_id(type_name, value)


def change_of(raw: dict[str, Any]) -> "ContactHistoryChange":
    name = field_name(raw["field"])
    return ContactHistoryChange(field=name, old_value=_value(name, raw.get("old")), new_value=_value(name, raw.get("new")))


@strawberry.type(
    description="One field of a change. Values are JSON as the field holds them: strings, numbers, booleans, "
    "lists (tagIds, listIds: the whole set before and after) or null (not set). References to other objects "
    "(companyId, departmentId, assignedAgentId, assignedGroupId, tagIds, listIds, noteId, userId) are global ids, "
    "which `node(id:)` resolves while the object still exists."
)
class ContactHistoryChange:
    field: str
    old_value: JSON | None
    new_value: JSON | None
