"""Validation of what access administration accepts: slugs, names, e-mails, labels, key lifetimes."""

import re
from datetime import datetime, timedelta

from domain.contact_rules import clean_email
from domain.errors import InvalidInput

MAX_NAME = 200
MAX_LABEL = 200
MAX_KEY_DAYS = 3650
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def clean_slug(slug: str | None, *, field: str = "slug") -> str:
    cleaned = (slug or "").strip()
    if not _SLUG.match(cleaned):
        raise InvalidInput(
            f"{cleaned[:80]!r} is not a workspace slug: 1-63 lowercase letters, digits and inner hyphens", field=field
        )
    return cleaned


def clean_person_name(name: str | None, *, noun: str, field: str = "name") -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise InvalidInput(f"a {noun} needs a name", field=field)
    if len(cleaned) > MAX_NAME:
        raise InvalidInput(f"a name is at most {MAX_NAME} characters", field=field)
    return cleaned


def clean_login_email(email: str | None, *, field: str = "email") -> str:
    cleaned = clean_email(email, field=field)
    if cleaned is None:
        raise InvalidInput("a user needs an e-mail address", field=field)
    return cleaned


def clean_label(label: str | None, *, field: str = "label") -> str:
    cleaned = " ".join((label or "").split())
    if len(cleaned) > MAX_LABEL:
        raise InvalidInput(f"a label is at most {MAX_LABEL} characters", field=field)
    return cleaned


def key_expiry(expires_in_days: int | None, now: datetime, *, field: str = "expiresInDays") -> datetime | None:
    """When a key made now for that many days expires; None: never."""
    if expires_in_days is None:
        return None
    if isinstance(expires_in_days, bool) or not 1 <= expires_in_days <= MAX_KEY_DAYS:
        raise InvalidInput(f"a key lives 1 to {MAX_KEY_DAYS} days (or omit it: no expiry)", field=field)
    return now + timedelta(days=expires_in_days)
