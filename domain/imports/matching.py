"""Deciding, for the valid rows of a batch, which create a contact, which update one and which are skipped.

Within the file the first row wins: a later row with the same normalised e-mail or phone (or that
matches the same existing contact) is skipped and reported, never merged, because merging would
pick between two versions of the truth without asking. `Seen` carries this across batches.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.imports.rows import ImportRow, RowError


@dataclass
class Seen:
    """The file row that first claimed each e-mail, phone and matched contact."""

    email: dict[str, int] = field(default_factory=dict)
    phone: dict[str, int] = field(default_factory=dict)
    contact: dict[int, int] = field(default_factory=dict)

    def earlier(self, row: ImportRow) -> tuple[str, int] | None:
        """("email" or "phone", the earlier row) when an earlier row has the same e-mail or phone."""
        if row.email and row.email in self.email:
            return "email", self.email[row.email]
        if row.phone and row.phone in self.phone:
            return "phone", self.phone[row.phone]
        return None

    def remember(self, row: ImportRow) -> bool:
        """Claim the row's e-mail and phone; False when an earlier row already did."""
        if self.earlier(row) is not None:
            return False
        if row.email:
            self.email[row.email] = row.row
        if row.phone:
            self.phone[row.phone] = row.row
        return True


@dataclass
class Decisions:
    creates: list[ImportRow] = field(default_factory=list)
    updates: list[tuple[ImportRow, Any]] = field(default_factory=list)
    # Rows matching an existing contact while updateExisting is off.
    kept_existing: int = 0
    duplicates: list[RowError] = field(default_factory=list)
    conflicts: list[RowError] = field(default_factory=list)
    # Rows that would create a contact without a value for a required custom field.
    incomplete: list[RowError] = field(default_factory=list)


def decide(
    rows: Sequence[ImportRow],
    *,
    seen: Seen,
    existing: Sequence[Any],
    update_existing: bool,
    columns: dict[str, str | None],
    required: Mapping[str, str | None] | None = None,
) -> Decisions:
    """`existing` are the base's contacts sharing an e-mail or phone with the rows (id, email, phone, ...).

    `required`: the required custom fields, each with the file's column for it (None: the file has none).
    A row that would create a contact without all of them fails; one that updates a contact does not
    need them (a blank cell leaves a value as it is).
    """
    by_email = {c.email: c for c in existing if c.email}
    by_phone = {c.phone: c for c in existing if c.phone}
    out = Decisions()
    for row in rows:
        earlier = seen.earlier(row)
        if earlier is not None:
            kind, first = earlier
            noun = "e-mail" if kind == "email" else "phone"
            out.duplicates.append(RowError(row.row, columns[kind], f"same {noun} as row {first}: skipped"))
            continue
        by_mail = by_email.get(row.email) if row.email else None
        by_tel = by_phone.get(row.phone) if row.phone else None
        if by_mail is not None and by_tel is not None and by_mail.id != by_tel.id:
            out.conflicts.append(RowError(
                row.row, columns["phone"],
                "the e-mail belongs to one existing contact and the phone to another; fix the row or merge them first",
            ))
            continue
        match = by_mail or by_tel
        if match is not None and match.id in seen.contact:
            column = columns["email"] or columns["phone"]
            message = f"matches the same contact as row {seen.contact[match.id]}: skipped"
            out.duplicates.append(RowError(row.row, column, message))
            continue
        if match is None and required:
            missing = [key for key in required if key not in row.custom]
            if missing:
                out.incomplete.append(RowError(
                    row.row, required[missing[0]],
                    f"a new contact needs a value for the required custom field{'s' if len(missing) > 1 else ''} "
                    f"{', '.join(missing)}",
                ))
                continue
        seen.remember(row)
        if match is None:
            out.creates.append(row)
            continue
        seen.contact[match.id] = row.row
        if update_existing:
            out.updates.append((row, match))
        else:
            out.kept_existing += 1
    return out
