"""Audit changes of imported contacts, in the format of domain.services.audit, written as JSON text.

A new contact's entry lists every value it was given, as `audit.diff({}, new)` would. At 100k
contacts a run, building those dicts and encoding them costs seconds, so the JSON text is written
directly: `created_json(new) == json.dumps(created_changes(new))` (the tests hold them to it).
The row's own values are written during validation (in the helper processes for large files) and
`joined` with the ones only the writing batch knows (ids of the company, tags, lists; discard).
"""

from datetime import date
from enum import Enum
from functools import lru_cache
from json.encoder import encode_basestring_ascii as _quoted  # what json.dumps uses for strings
from typing import Any

from domain.audit_shape import SET_FIELDS, set_change


def created_changes(new: dict[str, Any]) -> list[dict[str, Any]]:
    """The audit changes of a new contact: every given value, old None (blanks left out); the sets it
    joined (tag_ids, list_ids: sorted ids) as added, like every set change (domain.audit_shape)."""
    return [
        set_change(k, added=v) if k in SET_FIELDS else {"field": k, "old": None, "new": _plain(v)}
        for k, v in new.items()
        if v is not None and v != []
    ]


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value.isoformat() if isinstance(value, date) else value


def _json(value: Any) -> str:
    """json.dumps of the values an import writes: str, bool, int, float (finite), date, enum, list of ids."""
    if isinstance(value, str):
        return _quoted(value)
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return f"[{', '.join(map(_json, value))}]"
    return _quoted(_plain(value))


def created_json(new: dict[str, Any]) -> str:
    """JSON text of created_changes(new)."""
    return f"[{', '.join(_entries(new))}]"


def _entries(new: dict[str, Any]) -> list[str]:
    return [_entry(k, tuple(v) if isinstance(v, list) else v) for k, v in new.items() if v is not None and v != []]


@lru_cache(maxsize=8192)
def _entry(field: str, value: Any) -> str:
    if field in SET_FIELDS:  # a set the new contact joined: its ids, sorted, as added
        return f'{{"field": {_quoted(field)}, "added": {_json(sorted(value))}, "removed": []}}'
    return f'{{"field": {_quoted(field)}, "old": null, "new": {_json(value)}}}'


def joined(own: str, more: dict[str, Any]) -> str:
    """JSON text of the changes in `own` (JSON text of a list) followed by created_changes(more).

    `more` holds what a batch links a new contact to (company, department, tags...): few distinct
    values recurring on thousands of rows, so their entries are remembered rather than re-encoded.
    """
    extra = [_entry(k, tuple(v) if isinstance(v, list) else v) for k, v in more.items() if v is not None and v != []]
    if not extra:
        return own
    return f"[{', '.join(extra)}]" if own == "[]" else f"{own[:-1]}, {', '.join(extra)}]"


def custom_value(columns: dict[str, Any] | None) -> Any:
    """The one set value of a custom field's typed columns (what the audit shows)."""
    return None if columns is None else next((v for v in columns.values() if v is not None), None)
