"""Which column of the file feeds which contact field.

Headers are matched ignoring case, accents, spaces, `-` and `_`, so "E-mail", "email" and
"Correo electrónico" all mean the e-mail. A custom field is named `cf.<key>` or by its bare key;
a contact field of the same name wins over a bare key (use `cf.` to reach the custom field).
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from domain.imports.csv_file import ImportFileError
from domain.text import fold

# Canonical field -> header spellings (already normalised by `_norm`). English first, then the
# Spanish and Portuguese spellings the workspaces this product serves export from their tools.
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "fullname", "contact name", "nombre", "nombre completo", "nome", "nome completo"),
    "first_name": ("first name", "firstname", "given name", "primer nombre", "primeiro nome"),
    "last_name": ("last name", "lastname", "surname", "family name", "apellido", "apellidos", "sobrenome"),
    "email": ("email", "e mail", "mail", "email address", "correo", "correo electronico", "e mail address"),
    "phone": ("phone", "phone number", "mobile", "mobile phone", "telefono", "telefone", "celular", "movil"),
    "language": ("language", "lang", "idioma", "lingua"),
    "company": ("company", "company name", "organization", "organisation", "empresa"),
    "department": ("department", "dept", "departamento"),
    "tags": ("tags", "tag", "etiquetas", "etiqueta"),
    "lists": ("lists", "list", "listas", "lista"),
    # Consent per channel (domain.imports.rows: a legal basis, or yes), with one wording and date per row.
    "consent_email": ("consent email", "email consent", "consentimiento email", "consentimento email"),
    "consent_sms": ("consent sms", "sms consent", "consentimiento sms", "consentimento sms"),
    "consent_whatsapp": ("consent whatsapp", "whatsapp consent", "consentimiento whatsapp", "consentimento whatsapp"),
    "consent_rcs": ("consent rcs", "rcs consent", "consentimiento rcs", "consentimento rcs"),
    "consent_text": ("consent text", "consent wording", "texto consentimiento", "texto consentimento"),
    "consent_at": ("consent at", "consent date", "consented at", "fecha consentimiento", "data consentimento"),
}
_BY_ALIAS = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
_CUSTOM_PREFIX = re.compile(r"^\s*cf\s*[.:]\s*", re.IGNORECASE)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[\s_\-]+", " ", fold(text)).split())


@dataclass(frozen=True)
class ColumnPlan:
    """Column positions per contact field, per custom field key, and the columns left out."""

    fields: dict[str, int] = field(default_factory=dict)
    custom: dict[str, int] = field(default_factory=dict)
    unknown: list[tuple[int, str]] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)

    def label(self, index: int) -> str:
        """The column as the file names it, for error reports."""
        return self.headers[index]

    @property
    def has_name(self) -> bool:
        return "name" in self.fields or "first_name" in self.fields or "last_name" in self.fields


def plan_columns(headers: list[str], custom_keys: Iterable[str]) -> ColumnPlan:
    """Map the header row; raises ImportFileError when the file cannot make a single contact."""
    by_custom = {_norm(k): k for k in custom_keys}
    plan = ColumnPlan(headers=list(headers))
    seen: dict[str, int] = {}
    for index, raw in enumerate(headers):
        if not raw.strip():
            continue  # a trailing separator makes a nameless, empty column: nothing to report
        target = _target(raw, by_custom)
        if target is None:
            plan.unknown.append((index, raw))
            continue
        if target in seen:
            raise ImportFileError(
                f"the columns {headers[seen[target]]!r} and {raw!r} both mean {target.removeprefix('cf.')!r}; keep one"
            )
        seen[target] = index
        if target.startswith("cf."):
            plan.custom[target[3:]] = index
        else:
            plan.fields[target] = index
    _require_identity(plan)
    return plan


def _target(raw: str, by_custom: Mapping[str, str]) -> str | None:
    prefixed = _CUSTOM_PREFIX.match(raw)
    if prefixed:
        key = by_custom.get(_norm(raw[prefixed.end():]))
        return None if key is None else f"cf.{key}"
    normalised = _norm(raw)
    if normalised in _BY_ALIAS:
        return _BY_ALIAS[normalised]
    key = by_custom.get(normalised)
    return None if key is None else f"cf.{key}"


def _require_identity(plan: ColumnPlan) -> None:
    # Every imported row needs a name, and an e-mail or phone to find it again on the next import.
    if not plan.has_name:
        raise ImportFileError("the file needs a name column (or first name and last name columns)")
    if "email" not in plan.fields and "phone" not in plan.fields:
        raise ImportFileError("the file needs an email or a phone column to match contacts")
