"""Opaque global ids: base64url of "<TypeName>:<primary key>"."""

import base64
import binascii

from domain.errors import InvalidInput


def to_global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def parse_global_id(global_id: str, *, field: str = "id") -> tuple[str, int]:
    """(type name, primary key) of a global id; InvalidInput when it is not one of ours."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, _, raw_pk = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8").partition(":")
        pk = int(raw_pk)
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise InvalidInput(f"{global_id!r} is not a valid id", field=field) from exc
    if not type_name or pk < 1 or pk > 2**63 - 1:
        raise InvalidInput(f"{global_id!r} is not a valid id", field=field)
    return type_name, pk


def parse_typed_id(global_id: str, expected: str, *, field: str = "id") -> int:
    type_name, pk = parse_global_id(global_id, field=field)
    if type_name != expected:
        raise InvalidInput(f"{global_id!r} is not the id of a {expected}", field=field)
    return pk


def parse_typed_ids(global_ids: list[str] | None, expected: str, *, field: str) -> tuple[int, ...]:
    return tuple(parse_typed_id(g, expected, field=field) for g in global_ids or ())
