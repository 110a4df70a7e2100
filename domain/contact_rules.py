"""Validation and normalisation of contact data: shared by 1:1 edits and CSV imports."""

import hashlib
import re
from datetime import date
from typing import Any

from domain.enums import CustomFieldType
from domain.errors import InvalidInput
from domain.models import CustomFieldDefinition
from domain.text import InvalidPhone, normalize_email, normalize_phone

MAX_NAME = 200
MAX_TEXT_VALUE = 1000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TRUE = {"true", "yes", "1", "si", "sí", "sim", "y"}
_FALSE = {"false", "no", "0", "nao", "não", "n"}


def clean_name(name: str | None, *, field: str = "name") -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise InvalidInput("a contact needs a name", field=field)
    if len(cleaned) > MAX_NAME:
        raise InvalidInput(f"a name is at most {MAX_NAME} characters", field=field)
    return cleaned


def clean_email(email: str | None, *, field: str = "email") -> str | None:
    if email is None or not email.strip():
        return None
    normalized = normalize_email(email)
    if len(normalized) > 320 or not _EMAIL.match(normalized):
        raise InvalidInput(f"{email.strip()!r} is not an e-mail address", field=field)
    return normalized


def clean_phone(phone: str | None, *, field: str = "phone", default_region: str | None = None) -> str | None:
    if phone is None or not phone.strip():
        return None
    try:
        return normalize_phone(phone, default_region)
    except InvalidPhone as exc:
        raise InvalidInput(
            f"{phone.strip()!r} is not a phone number in international format (+<country code> <number>)",
            field=field,
        ) from exc


NEEDS_ADDRESS = "a contact needs an e-mail or a phone (contacts are matched and messaged by them)"


def require_address(email: str | None, phone: str | None, *, field: str = "email") -> None:
    """The one rule of create, edit and import: at least one address remains."""
    if not email and not phone:
        raise InvalidInput(NEEDS_ADDRESS, field=field)


def parse_custom_value(definition: CustomFieldDefinition, raw: str | None, *, field: str) -> dict[str, Any] | None:
    """The typed columns of a custom field value; None to clear it. Raises InvalidInput."""
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    columns: dict[str, Any] = {"value_text": None, "value_number": None, "value_date": None, "value_bool": None}
    kind = definition.type
    if kind == CustomFieldType.TEXT:
        if len(text) > MAX_TEXT_VALUE:
            raise InvalidInput(f"{definition.key} is at most {MAX_TEXT_VALUE} characters", field=field)
        columns["value_text"] = text
    elif kind == CustomFieldType.NUMBER:
        try:
            number = float(text.replace(",", ".") if text.count(",") == 1 and "." not in text else text)
        except ValueError:
            raise InvalidInput(f"{definition.key} takes a number, not {text!r}", field=field) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise InvalidInput(f"{definition.key} takes a finite number", field=field)
        columns["value_number"] = number
    elif kind == CustomFieldType.DATE:
        try:
            columns["value_date"] = date.fromisoformat(text)
        except ValueError:
            raise InvalidInput(f"{definition.key} takes a date as YYYY-MM-DD, not {text!r}", field=field) from None
    elif kind == CustomFieldType.BOOLEAN:
        folded = text.casefold()
        if folded not in _TRUE | _FALSE:
            raise InvalidInput(f"{definition.key} takes true or false, not {text!r}", field=field)
        columns["value_bool"] = folded in _TRUE
    elif kind == CustomFieldType.CHOICE:
        choices = definition.choices or []
        if text not in choices:
            raise InvalidInput(f"{definition.key} takes one of {', '.join(choices)}; not {text!r}", field=field)
        columns["value_text"] = text
    return columns


def tombstone_hash(kind: str, value: str) -> str:
    """The only trace a deleted contact leaves: a hash of its normalised e-mail or phone."""
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()
