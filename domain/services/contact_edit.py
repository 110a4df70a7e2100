"""Creating, editing, suspending, reactivating and deleting contacts (1:1, from the profile)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from domain import contact_rules
from domain.consent import ConsentRequest, accept_many
from domain.db import RequestSession, write_transaction
from domain.enums import ContactOrigin, DiscardReason
from domain.errors import Conflict, DomainError, ErrorCode, InvalidInput
from domain.models import Company, Contact, ContactList, CustomFieldDefinition, Department, Tag
from domain.policies import Action, Principal, authorize
from domain.repositories import channel_addresses
from domain.repositories import contact_writes as repo
from domain.repositories.locks import lock_rows
from domain.services import audit, lookups
from domain.text import fold, search_text
from domain.unique_keys import UniqueKey, violated_key

# The unique keys a contact's own values can hit, and the field each one is about.
_CONTACT_KEYS = {
    UniqueKey.of(Contact, "workspace_id", "email"): "email",
    UniqueKey.of(Contact, "workspace_id", "phone"): "phone",
}


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


class DuplicateContact(DomainError):
    code = ErrorCode.CONFLICT

    def __init__(self, field: str, existing_id: int) -> None:
        noun = "e-mail" if field == "email" else "phone"
        super().__init__(f"another contact already has this {noun}", field=field)
        self.existing_id = existing_id


@dataclass
class ContactChanges:
    """What a create or edit sets; UNSET leaves a field as it is, None clears it."""

    name: Any = UNSET
    email: Any = UNSET
    phone: Any = UNSET
    language: Any = UNSET
    company_id: Any = UNSET
    department_id: Any = UNSET
    custom_fields: Sequence[tuple[str, str | None]] = ()
    tag_ids: Sequence[int] = ()
    list_ids: Sequence[int] = ()
    origin: ContactOrigin = ContactOrigin.MANUAL
    # Create only: consent per channel (domain.consent).
    consents: Sequence[ConsentRequest] = ()
    touched: dict[str, Any] = field(default_factory=dict, init=False)


async def _apply(session: RequestSession, principal: Principal, contact: Contact, changes: ContactChanges) -> dict[str, Any]:
    """Validate every change, then set it on `contact`; returns {field: new value} for the audit."""
    new: dict[str, Any] = {}
    if changes.name is not UNSET:
        new["name"] = contact_rules.clean_name(changes.name)
    if changes.email is not UNSET:
        new["email"] = contact_rules.clean_email(changes.email)
    if changes.phone is not UNSET:
        new["phone"] = contact_rules.clean_phone(changes.phone)
    if changes.language is not UNSET:
        new["language"] = (changes.language or "").strip().lower()[:8] or None
    if changes.company_id is not UNSET:
        if changes.company_id is not None:
            await lookups.one(session, principal, Company, changes.company_id, field="companyId")
        new["company_id"] = changes.company_id
    if changes.department_id is not UNSET:
        if changes.department_id is not None:
            await lookups.one(session, principal, Department, changes.department_id, field="departmentId")
        new["department_id"] = changes.department_id
    email = new.get("email", contact.email)
    phone = new.get("phone", contact.phone)
    if contact.id is None or "email" in new or "phone" in new:
        # Created, or an address changed: one must remain (a contact stored before this rule keeps its
        # other edits).
        contact_rules.require_address(email, phone, field="phone" if "phone" in new and "email" not in new else "email")
    duplicate = await repo.find_duplicate(
        session.raw, workspace_id=principal.workspace_id, email=email, phone=phone, exclude_id=contact.id
    )
    if duplicate is not None:
        existing, matched = duplicate
        raise DuplicateContact(matched, existing.id)
    for key, value in new.items():
        setattr(contact, key, value)
    contact.name_key = fold(contact.name)
    contact.search_text = search_text(contact.name, contact.email, contact.phone)
    return new


async def _lost_race(
    session: RequestSession, principal: Principal, exc: IntegrityError, new: dict[str, Any], *, exclude_id: int | None
) -> DomainError:
    """The CONFLICT a sequential duplicate gets, for an e-mail or phone another request stored first.

    Two requests can pass find_duplicate together; the unique index then refuses the later write at
    flush or commit (PostgreSQL waits for the first to commit). Our transaction is rolled back by
    now, so a fresh lookup finds the contact that won. Any other failure is re-raised.
    """
    field = _CONTACT_KEYS.get(violated_key(exc))  # type: ignore[arg-type]
    if field is None:
        raise exc
    value = new.get(field)
    found = await repo.find_duplicate(
        session.raw, workspace_id=principal.workspace_id, email=value if field == "email" else None,
        phone=value if field == "phone" else None, exclude_id=exclude_id,
    )
    if found is None:  # the winner is already gone again (deleted): still a clash the client may retry
        return Conflict(f"another contact took this {'e-mail' if field == 'email' else 'phone'} at the same moment", field=field)
    return DuplicateContact(field, found[0].id)


async def _apply_custom_fields(
    session: RequestSession, principal: Principal, contact_id: int, values: Sequence[tuple[str, str | None]],
    *, creating: bool = False,
) -> list[dict[str, Any]]:
    """Store the values given; a new contact must give every required field, and no edit may clear one."""
    if not values and not creating:
        return []
    ws = principal.workspace_id
    if values:
        # The definitions written are locked: a definition change (a new type, a removed choice) checks the
        # stored values first, so it waits for this edit or this edit waits for it and reads the new rules.
        await lock_rows(session.raw, CustomFieldDefinition, CustomFieldDefinition.workspace_id == ws,
                        CustomFieldDefinition.key.in_(sorted({k for k, _ in values})))
    definitions = await repo.field_definitions(session.raw, workspace_id=ws)
    current = await repo.custom_values(session.raw, workspace_id=ws, contact_id=contact_id) if values else {}
    changes = []
    for i, (key, raw) in enumerate(values):
        definition = definitions.get(key)
        if definition is None:
            raise InvalidInput(f"there is no custom field {key!r}", field=f"customFields.{i}.key")
        columns = contact_rules.parse_custom_value(definition, raw, field=f"customFields.{i}.value")
        if columns is None and definition.required:
            raise InvalidInput(f"{key} is required: it cannot be left blank", field=f"customFields.{i}.value")
        old = current.get(definition.id)
        old_value = None if old is None else next((getattr(old, c) for c in _VALUE_COLUMNS if getattr(old, c) is not None), None)
        new_value = None if columns is None else next((v for v in columns.values() if v is not None), None)
        await repo.set_custom_value(session.raw, workspace_id=ws, contact_id=contact_id, field_id=definition.id, columns=columns)
        changes += audit.diff({f"customFields.{key}": old_value}, {f"customFields.{key}": new_value})
    if creating:
        given = {k for k, _ in values}
        missing = [d.key for d in definitions.values() if d.required and d.key not in given]
        if missing:
            raise InvalidInput(
                f"a new contact needs a value for the required custom field{'s' if len(missing) > 1 else ''} "
                f"{', '.join(sorted(missing))}", field="customFields",
            )
    return changes


_VALUE_COLUMNS = ("value_text", "value_number", "value_date", "value_bool")


async def create_contact(
    *, session: RequestSession, principal: Principal, changes: ContactChanges, now: datetime
) -> Contact:
    """A new contact; one whose e-mail or phone was deleted before comes back suspended."""
    authorize(principal, Action.WRITE)
    if changes.name is UNSET:
        raise InvalidInput("a contact needs a name", field="name")
    new: dict[str, Any] = {}
    try:
        return await _create(session, principal, changes, new, now)
    except IntegrityError as exc:
        raise await _lost_race(session, principal, exc, new, exclude_id=None) from None


async def _create(
    session: RequestSession, principal: Principal, changes: ContactChanges, new: dict[str, Any], now: datetime
) -> Contact:
    async with write_transaction(session.raw):
        contact = Contact(
            workspace_id=principal.workspace_id, name="", name_key="", search_text="", origin=changes.origin,
            contact_since=now, created_at=now, updated_at=now,
        )
        new.update(await _apply(session, principal, contact, changes))
        await lookups.many(session, principal, Tag, lookups.unique_ids(changes.tag_ids, "tagIds"), field="tagIds")
        await lookups.many(session, principal, ContactList, lookups.unique_ids(changes.list_ids, "listIds"), field="listIds")
        if await repo.is_tombstoned(session.raw, workspace_id=principal.workspace_id, email=contact.email, phone=contact.phone):
            contact.discard_reason, contact.discarded_at = DiscardReason.SUSPENDED, now
        consents = accept_many(changes.consents, email=contact.email, phone=contact.phone,
                               by_user_id=principal.user_id, now=now)
        session.raw.add(contact)
        await session.raw.flush()
        ws = principal.workspace_id
        await channel_addresses.open_channels(
            session.raw, workspace_id=ws, contacts=[(contact.id, contact.email, contact.phone)], now=now,
            consents={contact.id: consents},
        )
        await repo.add_members(session.raw, "tags", workspace_id=ws, pairs=[(contact.id, t) for t in changes.tag_ids], now=now)
        await repo.add_members(session.raw, "lists", workspace_id=ws, pairs=[(contact.id, t) for t in changes.list_ids], now=now)
        custom = await _apply_custom_fields(session, principal, contact.id, changes.custom_fields, creating=True)
        given = {k: v for channel, consent in consents.items() for k, v in consent.trail(channel).items()}
        joined = {"tag_ids": list(changes.tag_ids), "list_ids": list(changes.list_ids)}  # as an import's new contact
        trail = audit.diff({}, {**new, "origin": contact.origin, "discard_reason": contact.discard_reason, **joined, **given})
        await audit.record(session.raw, principal=principal, contact_id=contact.id, action="CONTACT_CREATED", changes=trail + custom, at=now)
    return contact


async def update_contact(
    *, session: RequestSession, principal: Principal, contact_id: int, changes: ContactChanges, now: datetime
) -> Contact:
    authorize(principal, Action.WRITE)
    new: dict[str, Any] = {}
    try:
        async with write_transaction(session.raw):
            contact = await lookups.contact(session, principal, contact_id, field="id")
            old = {k: getattr(contact, k) for k in ("name", "email", "phone", "language", "company_id", "department_id")}
            new.update(await _apply(session, principal, contact, changes))
            moved = {k: new[k] for k in ("email", "phone") if k in new and new[k] != old[k]}
            if moved:
                await channel_addresses.follow(
                    session.raw, workspace_id=principal.workspace_id, contact_id=contact.id, changed=moved, now=now
                )
            custom = await _apply_custom_fields(session, principal, contact.id, changes.custom_fields)
            trail = audit.diff(old, new) + custom
            if trail:
                contact.updated_at = now
                await audit.record(session.raw, principal=principal, contact_id=contact.id, action="CONTACT_UPDATED", changes=trail, at=now)
    except IntegrityError as exc:
        raise await _lost_race(session, principal, exc, new, exclude_id=contact_id) from None
    return contact


def address_unchanged(contact: Contact) -> bool:
    """A hard-bounced or invalid contact still has the address its discarding event went to (or that
    address was never recorded, so nothing shows it changed)."""
    if contact.discard_reason not in (DiscardReason.HARD_BOUNCE, DiscardReason.INVALID_ADDRESS):
        return False
    if contact.discard_address is None:
        return True
    current = contact.email if contact.discard_channel == "EMAIL" else contact.phone
    return current == contact.discard_address


async def set_discard(
    *, session: RequestSession, principal: Principal, contact_id: int, suspend: bool, now: datetime,
    force: bool = False,
) -> Contact:
    """Suspend a contact by hand, or reactivate a discarded one (its status follows from activity again).

    A HARD_BOUNCE or INVALID_ADDRESS contact whose address has not changed since comes back only with
    `force`: its messages would fail again."""
    authorize(principal, Action.WRITE)
    async with write_transaction(session.raw):
        contact = await lookups.contact(session, principal, contact_id, field="id")
        old = contact.discard_reason
        new = DiscardReason.SUSPENDED if suspend else None
        if not suspend and not force and address_unchanged(contact):
            raise Conflict(
                f"the contact was discarded for {old.value if old else 'its address'} and its address has not changed "
                "since: correct it first, or reactivate with force: true", field="force",
            )
        if old != new:
            contact.discard_reason, contact.discarded_at, contact.updated_at = new, now if suspend else None, now
            if not suspend:
                contact.discard_channel = contact.discard_address = None
            await audit.record(
                session.raw, principal=principal, contact_id=contact.id,
                action="CONTACT_SUSPENDED" if suspend else "CONTACT_REACTIVATED",
                changes=audit.diff({"discard_reason": old}, {"discard_reason": new}), at=now,
            )
    return contact


async def delete_contact(*, session: RequestSession, principal: Principal, contact_id: int, now: datetime) -> int:
    """Delete for good: only hashes of the normalised e-mail and phone remain, as a tombstone."""
    authorize(principal, Action.WRITE)
    async with write_transaction(session.raw):
        contact = await lookups.contact(session, principal, contact_id, field="id")
        await repo.delete_contacts(session.raw, workspace_id=principal.workspace_id, contacts=[contact], now=now)
    return contact_id
