"""What an audit entry's `changes` look like, whoever writes them (one action, a bulk job, an import).

A change is `{"field", "old", "new"}` with JSON values, except a change of a membership set (the
contact's tags, lists, groups, flows), which is `{"field", "added", "removed"}` with the ids that
entered and left the set, sorted. One shape whatever wrote it: a contact tagged by contactAddTags, by
a bulk ADD_TAG or by an import row reads the same in its history, and no writer needs the whole set
before and after (a bulk job over a million contacts would have to read every contact's tags).
"""

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

from domain.enums import AuditAction

# The membership sets, by the name their changes carry.
SET_FIELDS = frozenset({"tag_ids", "list_ids", "group_ids", "flow_ids"})

# The action of an entry whose only change is adding to (or removing from) one set.
SET_ACTIONS: dict[str, tuple[AuditAction, AuditAction | None]] = {
    "tag_ids": (AuditAction.CONTACT_TAGS_ADDED, AuditAction.CONTACT_TAGS_REMOVED),
    "list_ids": (AuditAction.CONTACT_LISTS_ADDED, AuditAction.CONTACT_LISTS_REMOVED),
    "group_ids": (AuditAction.CONTACT_GROUPS_ADDED, AuditAction.CONTACT_GROUPS_REMOVED),
    "flow_ids": (AuditAction.CONTACT_FLOWS_ADDED, None),
}


def jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def set_change(field: str, *, added: Iterable[int] = (), removed: Iterable[int] = ()) -> dict[str, Any]:
    assert field in SET_FIELDS, field
    return {"field": field, "added": sorted(set(added)), "removed": sorted(set(removed))}


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The fields whose value changed, as audit changes (JSON-ready); sets as what was added and removed."""
    changes = []
    for key in new:
        if key in SET_FIELDS:
            before, after = set(old.get(key) or ()), set(new[key] or ())
            if before != after:
                changes.append(set_change(key, added=after - before, removed=before - after))
            continue
        was, now = jsonable(old.get(key)), jsonable(new[key])
        if was != now:
            changes.append({"field": key, "old": was, "new": now})
    return changes


def update_action(changes: list[dict[str, Any]]) -> AuditAction:
    """CONTACT_UPDATED, or the set's own action when all an update did was add to (or take from) one set:
    an import row that only tags a contact reads like contactAddTags."""
    if len(changes) == 1 and changes[0]["field"] in SET_FIELDS:
        (change,) = changes
        added_action, removed_action = SET_ACTIONS[change["field"]]
        if change["added"] and not change["removed"]:
            return added_action
        if change["removed"] and not change["added"] and removed_action is not None:
            return removed_action
    return AuditAction.CONTACT_UPDATED


def check(changes: list[dict[str, Any]]) -> None:
    """Refuse (as a programming error) a change that does not have the one shape."""
    for change in changes:
        if change["field"] in SET_FIELDS:
            assert set(change) == {"field", "added", "removed"}, f"a set change is added/removed: {change}"
        else:
            assert set(change) == {"field", "old", "new"}, f"a change is old/new: {change}"
