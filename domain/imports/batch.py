"""Applying one batch of validated rows: a fixed number of statements whatever the batch size.

The caller's transaction holds the whole batch, so its contacts, memberships, custom values,
audit entries and the job's progress land together or not at all.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain import audit_shape
from domain.consent import Consent
from domain.enums import AuditAction, Channel, ConsentSource, ContactOrigin, DiscardReason, SubscriptionStatus
from domain.imports import names as catalog_names
from domain.imports.matching import Decisions, Seen, decide
from domain.imports.options import ImportOptions
from domain.errors import InvalidInput
from domain.imports.rows import FieldRule, ImportRow, RowError
from domain.imports.trail import custom_value, joined
from domain.models import CustomFieldDefinition
from domain.repositories import audit as audit_repo
from domain.repositories import channel_addresses, contact_writes
from domain.repositories import imports as repo
from domain.repositories.locks import lock_rows
from domain.services import audit
from domain.text import fold, search_text

FIELDS = ("name", "email", "phone", "language", "company_id", "department_id")
# Membership sets are audited as the ids added (domain.audit_shape), under the names every writer uses.
AUDIT_FIELD = {"tags": "tag_ids", "lists": "list_ids"}


@dataclass(frozen=True)
class ImportContext:
    workspace_id: int
    actor_user_id: int | None
    options: ImportOptions
    field_ids: dict[str, int]
    # The file's own labels of the e-mail and phone columns, for reports.
    columns: dict[str, str | None]
    # Required custom field keys, each with the file's column for it (None: the file has none).
    required: dict[str, str | None] = field(default_factory=dict)
    # The rules the file's custom columns were validated by, by key.
    rules: dict[str, FieldRule] = field(default_factory=dict)


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    failed: int = 0
    # Created rows whose e-mail or phone had been deleted before: they come back SUSPENDED.
    previously_deleted: int = 0
    errors: list[RowError] = field(default_factory=list)


class BatchWriter:
    def __init__(self, session: AsyncSession, ctx: ImportContext, now: datetime) -> None:
        self.s, self.ctx, self.now = session, ctx, now
        self.ws = ctx.workspace_id
        self.write = not ctx.options.dry_run
        self.ids: dict[str, catalog_names.NameIds] = {}
        self.chosen: dict[str, frozenset[int]] = {}
        self.audit_rows: list[audit_repo.Entry] = []

    async def apply(self, rows: Sequence[ImportRow], errors: Sequence[RowError], seen: Seen) -> BatchResult:
        keys = {"emails": sorted({r.email for r in rows if r.email}), "phones": sorted({r.phone for r in rows if r.phone})}
        if self.write and self.ctx.options.update_existing:
            await repo.lock_contacts_by_keys(self.s, workspace_id=self.ws, **keys)
        if self.write:
            await self._check_definitions()
        existing = await repo.contacts_by_keys(self.s, workspace_id=self.ws, **keys)
        plan = decide(rows, seen=seen, existing=existing, update_existing=self.ctx.options.update_existing,
                      columns=self.ctx.columns, required=self.ctx.required)
        await self._resolve_names(plan)
        refused = [*plan.conflicts, *plan.incomplete]
        result = BatchResult(created=len(plan.creates), failed=len({e.row for e in errors}) + len(refused))
        result.errors = sorted([*errors, *refused, *plan.duplicates], key=lambda e: e.row)
        result.previously_deleted = await self._create(plan.creates)
        result.updated = await self._update(plan.updates)
        result.skipped = plan.kept_existing + len(plan.duplicates) + len(plan.updates) - result.updated
        if self.write:
            await audit_repo.write_entries(
                self.s, workspace_id=self.ws, actor_user_id=self.ctx.actor_user_id, at=self.now, entries=self.audit_rows,
            )
        return result

    async def _check_definitions(self) -> None:
        """Hold the workspace's custom field definitions for the batch, and fail the import if the ones
        it relies on changed since its rows were checked (a new type or choices of a column it fills, a
        field that became or stopped being required): its values would no longer fit them.

        Locked after the contacts, in the order a contact edit locks them."""
        await lock_rows(self.s, CustomFieldDefinition, CustomFieldDefinition.workspace_id == self.ws)
        current = await contact_writes.field_definitions(self.s, workspace_id=self.ws)
        now_required = {k for k, d in current.items() if d.required}
        changed = sorted(
            {k for k, rule in self.ctx.rules.items()
             if k not in current or current[k].id != self.ctx.field_ids[k] or FieldRule.of(current[k]) != rule}
            | (now_required ^ set(self.ctx.required))
        )
        if changed:
            raise InvalidInput(
                f"custom field{'s' if len(changed) > 1 else ''} {', '.join(changed)} changed while the file was "
                "imported; the rows imported so far stay, import the rest of the file again", field="file",
            )

    # -- names ------------------------------------------------------------------------------------

    async def _resolve_names(self, plan: Decisions) -> None:
        touched = [*plan.creates, *(row for row, _ in plan.updates)]
        wanted = {
            "company": {r.company for r in touched if r.company},
            "department": {r.department for r in touched if r.department},
            "tags": {t for r in touched for t in r.tags},
            "lists": {t for r in touched for t in r.lists},
        }
        chosen = {"tags": self.ctx.options.tag_ids, "lists": self.ctx.options.list_ids}
        for kind, names in wanted.items():
            if names or chosen.get(kind):
                known = self.ids[kind] = await catalog_names.resolve(
                    self.s, kind, sorted(names), workspace_id=self.ws, now=self.now, create=self.write,
                    ids=chosen.get(kind, ()),
                )
                # An option id deleted since the job started is dropped rather than failing the batch.
                self.chosen[kind] = frozenset(i for i in chosen.get(kind, ()) if i in known.ids)

    def _id(self, kind: str, name: str | None) -> int | None:
        return None if name is None else self.ids[kind].get(name)

    def _members(self, kind: str, row: ImportRow) -> frozenset[int]:
        """The tag (or list) ids a row's contact gets: the ones it names and the ones chosen for every row."""
        names = row.tags if kind == "tags" else row.lists
        chosen = self.chosen.get(kind, frozenset())
        if not names:
            return chosen
        known = self.ids[kind]
        return chosen.union([known.get(n) for n in names])

    def _fields(self, row: ImportRow) -> dict[str, Any]:
        return {
            "name": row.name, "email": row.email, "phone": row.phone, "language": row.language,
            "company_id": self._id("company", row.company), "department_id": self._id("department", row.department),
        }

    def _consents(self, row: ImportRow) -> dict[Channel, Consent]:
        """The row's consents as records: source IMPORT, by the importing user, dated by the row or now."""
        if not row.consents:
            return {}
        at = self.now if row.consent_at is None else min(row.consent_at, self.now)
        return {
            channel: Consent(basis=basis, source=ConsentSource.IMPORT, at=at, by_user_id=self.ctx.actor_user_id,
                             text=row.consent_text)
            for channel, basis in row.consents
        }

    def _audit(self, contact_id: int, action: AuditAction, changes: str) -> None:
        """Queue an audit entry; `changes` is JSON text (see trail)."""
        self.audit_rows.append((contact_id, action, changes))

    # -- new contacts -----------------------------------------------------------------------------

    async def _create(self, rows: list[ImportRow]) -> int:
        """Insert the new contacts (a dry run only looks); returns how many come back suspended."""
        if not rows:
            return 0
        buried = await repo.tombstoned(self.s, workspace_id=self.ws, hashes=[h for r in rows for h in r.hashes])
        returning = sum(1 for r in rows if not buried.isdisjoint(r.hashes))
        if not self.write:
            return returning
        contacts, linked = [], []
        for r in rows:
            suspended = not buried.isdisjoint(r.hashes)
            links = {
                "company_id": self._id("company", r.company), "department_id": self._id("department", r.department),
            }
            discard = DiscardReason.SUSPENDED if suspended else None
            contacts.append({
                "name": r.name, "email": r.email, "phone": r.phone, "language": r.language, **links,
                "name_key": r.name_key, "search_text": r.search_text,
                "discard_reason": discard, "discarded_at": self.now if suspended else None,
            })
            linked.append({**links, "origin": ContactOrigin.IMPORT, "discard_reason": discard})
        now = self.now
        shared = {"origin": ContactOrigin.IMPORT, "contact_since": now, "created_at": now, "updated_at": now}
        new_ids = await repo.insert_contacts(self.s, workspace_id=self.ws, rows=contacts, constants=shared)
        consents = {i: self._consents(r) for i, r in zip(new_ids, rows, strict=True) if r.consents}
        await channel_addresses.open_channels(
            self.s, workspace_id=self.ws, contacts=[(i, r.email, r.phone) for i, r in zip(new_ids, rows, strict=True)],
            now=now, consents=consents,
        )
        custom: list[tuple[int, int, str, Any]] = []
        pairs: dict[str, list[tuple[int, int]]] = {"tags": [], "lists": []}
        for r, contact_id, links in zip(rows, new_ids, linked, strict=True):
            for key, (column, value) in r.custom.items():
                custom.append((contact_id, self.ctx.field_ids[key], column, value))
            for kind, found in pairs.items():
                members = sorted(self._members(kind, r))
                if members:
                    found += [(contact_id, t) for t in members]
                    links[AUDIT_FIELD[kind]] = members
            for channel, consent in consents.get(contact_id, {}).items():
                links.update(consent.trail(channel))
            # The row's own values were put in audit form with validation; the ids found here join them.
            self._audit(contact_id, AuditAction.CONTACT_CREATED, joined(r.trail, links))
        await repo.insert_custom_values(self.s, workspace_id=self.ws, values=custom)
        for kind, found in pairs.items():
            await repo.add_memberships(self.s, kind, workspace_id=self.ws, pairs=found, now=self.now)
        return returning

    # -- existing contacts ------------------------------------------------------------------------

    async def _update(self, updates: list[tuple[ImportRow, Any]]) -> int:
        """Blank cells keep what the contact has; tags and lists are only ever added. Returns how many changed."""
        if not updates:
            return 0
        ids = [m.id for _, m in updates]
        current_custom = await repo.custom_values(self.s, workspace_id=self.ws, contact_ids=ids) if any(
            r.custom for r, _ in updates) else {}
        had: dict[str, dict[int, set[int]]] = {"tags": {}, "lists": {}}
        for kind in had:
            if kind in self.ids:
                had[kind] = await repo.memberships(self.s, kind, workspace_id=self.ws, contact_ids=ids)
        added = await self._add_members(updates, had)
        channels = await repo.consent_states(
            self.s, workspace_id=self.ws, contact_ids=[m.id for r, m in updates if r.consents]
        )
        contact_rows, custom_rows = [], []
        moves: list[tuple[int, str, str]] = []
        consents: list[tuple[int, Channel, str, Consent]] = []
        for row, match in updates:
            old = {f: getattr(match, f) for f in FIELDS}
            given = {k: v for k, v in self._fields(row).items() if v is not None and v != old[k]}
            new = {**old, **given}
            trail = audit.diff(old, given) if given else []
            for key, (column, value) in row.custom.items():
                before = current_custom.get(match.id, {}).get(self.ctx.field_ids[key])
                columns = {c: value if c == column else None for c in repo.VALUE_COLUMNS}
                if before != columns:
                    custom_rows.append({"workspace_id": self.ws, "contact_id": match.id,
                                        "field_id": self.ctx.field_ids[key], **columns})
                    trail += audit.diff({f"customFields.{key}": custom_value(before)}, {f"customFields.{key}": value})
            for kind, by_contact in added.items():
                mine = by_contact.get(match.id)
                if mine:
                    trail.append(audit.set_change(AUDIT_FIELD[kind], added=mine))
            for channel, consent in self._consents(row).items():
                current = channels.get((match.id, channel))
                if current is not None and (current[0] == SubscriptionStatus.UNSUBSCRIBED or current[1:4] == (
                        consent.basis, consent.source, consent.text)):
                    continue  # only contactSubscribe brings a person back; the same consent is already there
                address = row.phone if channel != Channel.EMAIL else row.email
                consents.append((match.id, channel, address, consent))  # type: ignore[arg-type]  # (rows validated it)
                prefix = f"channels.{channel.value}."
                before = {} if current is None else {prefix + "consentBasis": current[1], prefix + "consentSource": current[2],
                                                     prefix + "consentText": current[3], prefix + "consentAt": current[4]}
                trail += audit.diff(before, consent.trail(channel))
            if not trail:
                continue  # identical to what the base has: nothing to write, nothing to audit
            moves += [(match.id, k, given[k]) for k in ("email", "phone") if k in given]
            contact_rows.append({
                "contact_id": match.id, **new, "name_key": fold(new["name"]),
                "search_text": search_text(new["name"], new["email"], new["phone"]), "updated_at": self.now,
            })
            # An update that only tagged the contact (or only added it to lists) reads as that action.
            self._audit(match.id, audit_shape.update_action(trail), json.dumps(trail))
        if self.write:
            await repo.update_contacts(self.s, workspace_id=self.ws, rows=contact_rows)
            await channel_addresses.move_many(self.s, workspace_id=self.ws, moves=moves, now=self.now)
            await channel_addresses.record_consents(self.s, workspace_id=self.ws, rows=consents, now=self.now)
            await repo.upsert_custom_values(self.s, custom_rows)
        return len(contact_rows)

    async def _add_members(
        self, updates: list[tuple[ImportRow, Any]], had: dict[str, dict[int, set[int]]]
    ) -> dict[str, dict[int, set[int]]]:
        """Add the tags and lists the rows name that their contacts lack; per kind, contact -> the ids added.

        What the INSERT itself reports, not what was missing when read: a bulk job or a list change
        (which do not lock contacts) may have added some a moment ago; those join `had` instead.
        """
        added: dict[str, dict[int, set[int]]] = {}
        for kind, current in had.items():
            wanted = [(m.id, t) for row, m in updates for t in sorted(self._members(kind, row) - current.get(m.id, set()))]
            inserted = wanted
            if self.write and wanted:
                inserted = await contact_writes.add_members(self.s, kind, workspace_id=self.ws, pairs=wanted, now=self.now)
            for contact_id, target in inserted:
                added.setdefault(kind, {}).setdefault(contact_id, set()).add(target)
            for contact_id, target in set(wanted).difference(inserted):
                current.setdefault(contact_id, set()).add(target)
        return added
