"""Validating one data row of an import with the same rules a 1:1 create uses (domain.contact_rules).

This runs for every row of every file (in helper processes for large ones), so column positions
are looked up once per file and repeated strings are shared (see RowValidator.validate_all).
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from domain import consent as consent_rules
from domain import contact_rules
from domain.enums import Channel, ConsentBasis, CustomFieldType
from domain.errors import InvalidInput
from domain.imports.columns import ColumnPlan
from domain.imports.csv_file import Record
from domain.imports.trail import created_json
from domain.models import CustomFieldDefinition
from domain.text import fold, search_text

# Tags and lists share one cell; `,` is left alone because it is the file's own separator.
_NAME_SPLIT = re.compile(r"[;|]")
MAX_NAMED = {"company": 200, "department": 200, "tags": 100, "lists": 200}
# The one typed column parse_custom_value sets, by field type.
VALUE_COLUMN = {
    CustomFieldType.TEXT: "value_text", CustomFieldType.CHOICE: "value_text", CustomFieldType.NUMBER: "value_number",
    CustomFieldType.DATE: "value_date", CustomFieldType.BOOLEAN: "value_bool",
}
_FIELDS = ("name", "first_name", "last_name", "email", "phone", "language", "company", "department", "tags", "lists",
           "consent_email", "consent_sms", "consent_whatsapp", "consent_rcs", "consent_text", "consent_at")
_CONSENT_COLUMNS = {f"consent_{c.value.lower()}": c for c in Channel}
# A consent cell: a legal basis, or a plain yes (CONSENT); a blank or a no records nothing.
_BASIS_WORDS = {
    **{fold(b.value).replace("_", " "): b for b in ConsentBasis},
    **{w: ConsentBasis.CONSENT for w in ("yes", "y", "true", "1", "x", "si", "sim", "opt in", "opted in")},
}
_NO_WORDS = frozenset({"", "no", "n", "false", "0", "nao"})


@dataclass(frozen=True)
class RowError:
    row: int
    column: str | None
    message: str


@dataclass(frozen=True)
class FieldRule:
    """What contact_rules.parse_custom_value reads of a definition; plain data, so it can cross processes."""

    key: str
    type: CustomFieldType
    choices: tuple[str, ...] | None = None
    # A row that creates a contact must give a value (matching.decide checks it).
    required: bool = False

    @classmethod
    def of(cls, definition: CustomFieldDefinition) -> "FieldRule":
        choices = tuple(definition.choices) if definition.choices else None
        return cls(key=definition.key, type=definition.type, choices=choices, required=bool(definition.required))


@dataclass(slots=True)  # slots and __reduce__: rows cross from the helper processes by the thousand
class ImportRow:
    """A valid row: normalised values, None where the file leaves a cell blank."""

    row: int
    name: str
    email: str | None
    phone: str | None
    language: str | None = None
    company: str | None = None
    department: str | None = None
    tags: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    # custom field key -> (the value column it sets, the value), from contact_rules.parse_custom_value
    custom: dict[str, tuple[str, Any]] = field(default_factory=dict)
    # Consent per channel (basis by channel), with the row's wording and date (None: the import's time).
    consents: tuple[tuple[Channel, ConsentBasis], ...] = ()
    consent_text: str | None = None
    consent_at: datetime | None = None
    # Row-local work done with validation: derived sort and search text, tombstone hashes, and the
    # audit changes of the row's own values (JSON text).
    name_key: str = ""
    search_text: str = ""
    hashes: tuple[str, ...] = ()
    trail: str = "[]"

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Pickled as constructor arguments: unpickling 10k rows this way is several times cheaper
        # than the slots dataclass default (state set attribute by attribute).
        return ImportRow, tuple(getattr(self, name) for name in self.__slots__)  # type: ignore[attr-defined]


class RowValidator:
    def __init__(self, plan: ColumnPlan, rules: dict[str, FieldRule]) -> None:
        self._headers = len(plan.headers)
        self._index = {f: plan.fields.get(f) for f in _FIELDS}
        self._label = {f: None if i is None else plan.label(i) for f, i in self._index.items()}
        self._custom = [(key, i, rules[key], plan.label(i)) for key, i in plan.custom.items()]
        cleaners = {"company": self._named, "department": self._named, "tags": self._names, "lists": self._names}
        self._present = [(kind, clean) for kind, clean in cleaners.items() if self._index[kind] is not None]
        self._consent_columns = [(name, c) for name, c in _CONSENT_COLUMNS.items() if self._index[name] is not None]
        self._shared: dict[str, str] = {}

    def validate_all(self, records: list[Record]) -> list["ImportRow | list[RowError]"]:
        # One string object per distinct company, tag, language... in a batch: pickling sends each once.
        self._shared = {}
        return [self.validate(r) for r in records]

    def _share(self, text: str | None) -> str | None:
        return None if text is None else self._shared.setdefault(text, text)

    def _cell(self, cells: list[str], name: str) -> str | None:
        index = self._index[name]
        return None if index is None or index >= len(cells) else cells[index]

    def validate(self, record: Record) -> "ImportRow | list[RowError]":
        cells, errors = record.cells, []

        def checked(clean, *args, **kwargs):  # type: ignore[no-untyped-def]  # (annotations here cost per row)
            try:
                return clean(*args, **kwargs)
            except InvalidInput as exc:
                errors.append(RowError(record.row, exc.field, exc.message))
                return None

        if len(cells) > self._headers and "".join(cells[self._headers:]).strip():
            errors.append(RowError(
                record.row, None, f"the row has {len(cells)} cells but the header names {self._headers} columns"
            ))
        name = checked(self._name, cells)
        email = checked(contact_rules.clean_email, self._cell(cells, "email"), field=self._label["email"])
        phone = checked(contact_rules.clean_phone, self._cell(cells, "phone"), field=self._label["phone"])
        identity = (self._label["email"], self._label["phone"])
        if not email and not phone and not any(e.column in identity for e in errors):
            column = identity[0] or identity[1]
            errors.append(RowError(record.row, column, contact_rules.NEEDS_ADDRESS))
        row = ImportRow(row=record.row, name=name or "", email=email, phone=phone)
        # The rule contact_edit applies to a 1:1 edit: trimmed, lower-cased, at most 8 characters.
        row.language = self._share((self._cell(cells, "language") or "").strip().lower()[:8] or None)
        for kind, clean in self._present:  # only the columns this file has
            value = checked(clean, cells, kind)
            if value:
                setattr(row, kind, value)
        if self._consent_columns:
            checked(self._consents, cells, row)
        for key, index, rule, label in self._custom:
            raw = cells[index] if index < len(cells) else None
            if not raw or raw.isspace():
                continue  # a blank cell leaves the field as it is
            columns = checked(contact_rules.parse_custom_value, rule, raw, field=label)
            if columns is not None:
                column = VALUE_COLUMN[rule.type]
                value = columns[column]
                row.custom[key] = (column, self._share(value) if isinstance(value, str) else value)
        if errors:
            return errors
        row.name_key, row.search_text = fold(row.name), search_text(row.name, email, phone)
        row.hashes = tuple(contact_rules.tombstone_hash(k, v) for k, v in (("email", email), ("phone", phone)) if v)
        own = {"name": row.name, "email": email, "phone": phone, "language": row.language}
        own.update({f"customFields.{k}": v for k, (_, v) in row.custom.items()})
        row.trail = created_json(own)
        return row

    def _consents(self, cells: list[str], row: ImportRow) -> None:
        """The row's consent cells: each one for an address the row itself gives."""
        given = []
        for name, channel in self._consent_columns:
            word = " ".join(re.sub(r"[\s_\-]+", " ", fold(self._cell(cells, name) or "")).split())
            if word in _NO_WORDS:
                continue
            basis = _BASIS_WORDS.get(word)
            if basis is None:
                raise InvalidInput(
                    "a consent is CONSENT, CONTRACT, LEGITIMATE_INTEREST, yes or blank", field=self._label[name]
                )
            consent_rules.address_for(channel, row.email, row.phone, field=self._label[name])
            given.append((channel, basis))
        if not given:
            return
        row.consents = tuple(given)
        row.consent_text = self._share(consent_rules.clean_text(self._cell(cells, "consent_text"),
                                                                field=self._label["consent_text"]))
        row.consent_at = _consent_time(self._cell(cells, "consent_at"), field=self._label["consent_at"])

    def _name(self, cells: list[str]) -> str:
        full = self._cell(cells, "name")
        if full is not None and full.strip():
            return contact_rules.clean_name(full, field=self._label["name"])
        parts = [self._cell(cells, "first_name") or "", self._cell(cells, "last_name") or ""]
        column = self._label["name"] or self._label["first_name"] or self._label["last_name"]
        return contact_rules.clean_name(" ".join(parts), field=column)

    def _named(self, cells: list[str], kind: str) -> str | None:
        value = " ".join((self._cell(cells, kind) or "").split())
        if len(value) > MAX_NAMED[kind]:
            raise InvalidInput(f"a {kind} name is at most {MAX_NAMED[kind]} characters", field=self._label[kind])
        return self._share(value or None)

    def _names(self, cells: list[str], kind: str) -> tuple[str, ...]:
        raw = self._cell(cells, kind)
        if not raw or not raw.strip():
            return ()
        names: dict[str, str] = {}
        for part in _NAME_SPLIT.split(raw):
            value = " ".join(part.split())
            if len(value) > MAX_NAMED[kind]:
                message = f"{value[:20]!r}…: a name is at most {MAX_NAMED[kind]} characters"
                raise InvalidInput(message, field=self._label[kind])
            if value:
                names.setdefault(value.casefold(), self._share(value))  # type: ignore[arg-type]
        return tuple(names.values())


def _consent_time(raw: str | None, *, field: str | None) -> datetime | None:
    """A consent's date or time (ISO 8601; a date means its midnight UTC, a time without zone is UTC)."""
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    try:
        at = datetime.fromisoformat(text) if ("T" in text or " " in text) else datetime.combine(date.fromisoformat(text), time())
    except ValueError:
        raise InvalidInput("a consent date is ISO 8601, e.g. 2026-05-01 or 2026-05-01T10:00:00Z", field=field) from None
    at = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return consent_rules.clean_at(at, now=datetime.now(UTC), field=field or "consent_at")
