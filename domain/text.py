"""Normalisation of names, e-mails and phones: one place decides how text is compared."""

import re
import unicodedata

import phonenumbers


def fold(text: str) -> str:
    """Lower-case and strip accents, so that "María" and "MARIA" compare equal."""
    if text.isascii():  # nothing to decompose or strip: the same result, without the per-character pass
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def normalize_email(email: str) -> str:
    return email.strip().lower()


class InvalidPhone(ValueError):
    pass


def normalize_phone(phone: str, default_region: str | None = None) -> str:
    """E.164 form of a phone number; raises InvalidPhone when it is not a possible number."""
    try:
        parsed = phonenumbers.parse(phone, default_region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(str(exc)) from exc
    if not phonenumbers.is_possible_number(parsed):
        raise InvalidPhone(f"{phone!r} is not a possible phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def search_text(name: str, email: str | None, phone: str | None) -> str:
    """The folded text `contacts(search:)` matches: name, e-mail and the phone's digits."""
    parts = [fold(name)]
    if email:
        parts.append(fold(email))
    if phone:
        parts.append(digits(phone))
    return " ".join(parts)


def search_terms(search: str) -> list[str]:
    """Split a search box entry into folded terms; every term must match.

    A term that looks like a phone number ("+54 9 11 5555", "(11) 5555-0101") is reduced to its
    digits so that it matches however the number was typed.
    """
    terms: list[str] = []
    stripped = search.strip()
    phone_like = stripped and all(ch.isdigit() or ch in "+-() ." for ch in stripped)
    if phone_like and digits(stripped):
        return [digits(stripped)]
    for word in fold(stripped).split():
        terms.append(word)
    return terms


_ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])/(?:[^\s'\":,()]+/)*([^\s'\":,()]+)")


def without_paths(message: str) -> str:
    """A message with every absolute file path cut to its last component (answers and logs carry no paths)."""
    return _ABSOLUTE_PATH.sub(lambda m: m.group(1), message)
