"""Opaque global ids: base64url, unpadded, of "<TypeName>:<primary key>".

Only the exact text to_global_id makes is an id: parsing decodes, then encodes again and compares,
so padding, whitespace, signs, leading zeros, `_` separators or non-ASCII digits (all of which
int() would read) never name a row a second way. A key beyond what its table can hold is refused
too: it names nothing that can exist, and PostgreSQL would fail to bind it.
"""

import base64
import binascii
from collections.abc import Sequence

from domain.db import INT32_MAX, INT64_MAX
from domain.errors import InvalidInput

# Types whose rows live in tables with 64-bit keys (BigIntKey in domain/models); every other table's key is a
# 32-bit INTEGER. tests/api/test_id_mistakes.py checks this against the models.
_BIG_KEY_TYPES = frozenset({"ActivityEvent", "ContactHistoryEntry", "AuditTrailEntry"})
# Longer than any id we issue (the longest type name plus 19 digits, in base64).
MAX_GLOBAL_ID_LENGTH = 80


def to_global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def key_limit(type_name: str) -> int:
    """The largest primary key a `type_name` can have."""
    return INT64_MAX if type_name in _BIG_KEY_TYPES else INT32_MAX


def _invalid(global_id: str, field: str) -> InvalidInput:
    shown = global_id if len(global_id) <= 40 else global_id[:40] + "…"
    return InvalidInput(f"{shown!r} is not a valid id", field=field)


def parse_global_id(global_id: str, *, field: str = "id") -> tuple[str, int]:
    """(type name, primary key) of a global id; InvalidInput when it is not exactly one of ours."""
    if len(global_id) > MAX_GLOBAL_ID_LENGTH:
        raise _invalid(global_id, field)
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        decoded = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise _invalid(global_id, field) from None
    type_name, _, raw_pk = decoded.partition(":")
    if not (type_name and raw_pk.isascii() and raw_pk.isdigit() and len(raw_pk) <= 19):
        raise _invalid(global_id, field)
    pk = int(raw_pk)
    if not 1 <= pk <= key_limit(type_name) or to_global_id(type_name, pk) != global_id:
        raise _invalid(global_id, field)
    return type_name, pk


def parse_typed_id(global_id: str, expected: str, *, field: str = "id") -> int:
    type_name, pk = parse_global_id(global_id, field=field)
    if type_name != expected:
        raise InvalidInput(f"{global_id!r} is not the id of a {expected}", field=field)
    return pk


def parse_typed_ids(global_ids: Sequence[str] | None, expected: str, *, field: str, limit: int) -> tuple[int, ...]:
    """The keys of a list of ids; more than `limit` of them is refused before any is parsed."""
    if global_ids and len(global_ids) > limit:
        raise InvalidInput(f"at most {limit:,} ids (got {len(global_ids):,})", field=field)
    return tuple(parse_typed_id(g, expected, field=field) for g in global_ids or ())
