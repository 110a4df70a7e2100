"""Defining the workspace's custom contact fields: key, label, type, choices, whether a value is required.

A definition's key names it everywhere (contactCreate/contactUpdate `customFields`, import columns
`cf.<key>`, history entries `customFields.<key>`), so it never changes once created. Changes that
would leave stored values meaningless are refused with CONFLICT and the number of contacts they would
affect: a new type while any contact holds a value, or removing a choice that contacts hold. A field
that becomes required binds new contacts and later edits; contacts stored without a value keep none.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from domain.db import RequestSession, write_transaction
from domain.enums import AuditAction, CustomFieldType
from domain.errors import Conflict, InvalidInput
from domain.models import CustomFieldDefinition
from domain.policies import Action, Principal, authorize
from domain.repositories import custom_fields as repo
from domain.services import audit, lookups
from domain.unique_keys import UniqueKey, violated_key

MAX_DEFINITIONS = 100
MAX_CHOICES = 100
MAX_CHOICE_LENGTH = 200
MAX_POSITION = 10_000
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_SUBJECT = "CustomFieldDefinition"

class FieldInUse(Conflict):
    """A definition change that stored values contradict; `affected` contacts hold such a value."""

    def __init__(self, message: str, *, field: str, affected: int) -> None:
        super().__init__(message, field=field)
        self.affected = affected


@dataclass(frozen=True)
class DefinitionChanges:
    """An update: None leaves that attribute as it is (the key never changes)."""

    label: str | None = None
    type: CustomFieldType | None = None
    choices: list[str] | None = None
    required: bool | None = None
    position: int | None = None


def clean_key(raw: str | None) -> str:
    key = (raw or "").strip()
    if not _KEY.match(key):
        raise InvalidInput(
            "a custom field key is 1 to 64 lower-case letters, digits or underscores, starting with a letter "
            "(e.g. customer_tier)", field="key",
        )
    return key


def clean_label(raw: str | None) -> str:
    label = " ".join((raw or "").split())
    limit = CustomFieldDefinition.__table__.c.label.type.length
    if not label:
        raise InvalidInput("a custom field needs a label", field="label")
    if len(label) > limit:
        raise InvalidInput(f"a custom field label is at most {limit} characters", field="label")
    return label


def clean_choices(kind: CustomFieldType, raw: list[str] | None) -> list[str] | None:
    """The choices of a CHOICE field, trimmed, in the order given; None for every other type."""
    if kind != CustomFieldType.CHOICE:
        if raw:
            raise InvalidInput(f"only CHOICE fields have choices; a {kind.value} field has none", field="choices")
        return None
    choices = [" ".join(c.split()) for c in raw or ()]
    if not choices:
        raise InvalidInput("a CHOICE field needs at least one choice", field="choices")
    if len(choices) > MAX_CHOICES:
        raise InvalidInput(f"a CHOICE field has at most {MAX_CHOICES} choices", field="choices")
    seen: dict[str, int] = {}
    for i, choice in enumerate(choices):
        if not choice:
            raise InvalidInput("a choice cannot be blank", field=f"choices.{i}")
        if len(choice) > MAX_CHOICE_LENGTH:
            raise InvalidInput(f"a choice is at most {MAX_CHOICE_LENGTH} characters", field=f"choices.{i}")
        folded = choice.casefold()
        if folded in seen:
            raise InvalidInput(f"{choice!r} repeats choice {seen[folded]}", field=f"choices.{i}")
        seen[folded] = i
    return choices


def clean_position(raw: int | None) -> int | None:
    if raw is not None and not 0 <= raw <= MAX_POSITION:
        raise InvalidInput(f"a position is between 0 and {MAX_POSITION:,}", field="position")
    return raw


def _shown(definition: CustomFieldDefinition) -> dict[str, Any]:
    return {
        "key": definition.key, "label": definition.label, "type": definition.type,
        "choices": definition.choices, "required": definition.required, "position": definition.position,
    }


async def list_definitions(*, session: RequestSession, principal: Principal) -> list[CustomFieldDefinition]:
    authorize(principal, Action.READ)
    return await repo.definitions(session.raw, workspace_id=principal.workspace_id)


async def create_definition(
    *, session: RequestSession, principal: Principal, key: str, label: str, type: CustomFieldType,
    choices: list[str] | None, required: bool, position: int | None, now: datetime,
) -> CustomFieldDefinition:
    authorize(principal, Action.WRITE)
    key, label = clean_key(key), clean_label(label)
    cleaned_choices, position = clean_choices(type, choices), clean_position(position)
    ws = principal.workspace_id
    taken = Conflict(f"a custom field with the key {key!r} already exists", field="key")
    try:
        async with write_transaction(session.raw):
            existing = await repo.count(session.raw, workspace_id=ws)
            if existing >= MAX_DEFINITIONS:
                raise Conflict(f"a workspace has at most {MAX_DEFINITIONS} custom fields; delete one first", field="key")
            if await repo.key_taken(session.raw, workspace_id=ws, key=key):
                raise taken
            definition = CustomFieldDefinition(
                workspace_id=ws, key=key, label=label, type=type, choices=cleaned_choices, required=required,
                position=existing if position is None else position,
            )
            session.raw.add(definition)
            await session.raw.flush()
            await audit.record(
                session.raw, principal=principal, contact_id=None, action=AuditAction.CUSTOM_FIELD_CREATED,
                changes=audit.diff({}, _shown(definition)), at=now, subject=(_SUBJECT, definition.id),
            )
    except IntegrityError as exc:  # a create of the same key committed between our check and our write
        if violated_key(exc) != UniqueKey.of(CustomFieldDefinition, "workspace_id", "key"):
            raise
        raise taken from None
    return definition


async def update_definition(
    *, session: RequestSession, principal: Principal, definition_id: int, changes: DefinitionChanges, now: datetime
) -> CustomFieldDefinition:
    authorize(principal, Action.WRITE)
    label = None if changes.label is None else clean_label(changes.label)
    position = clean_position(changes.position)
    ws = principal.workspace_id
    async with write_transaction(session.raw):
        # Locked: a contact edit storing a value of this field waits for us, or we wait for it.
        definition = await lookups.locked(session, principal, CustomFieldDefinition, definition_id, field="id")
        before = _shown(definition)
        kind = changes.type or definition.type
        if kind == CustomFieldType.CHOICE and changes.choices is None and kind == definition.type:
            choices = definition.choices  # the choices stay as they are
        else:
            choices = clean_choices(kind, changes.choices)
        if kind != definition.type:
            held = await repo.contacts_with_value(session.raw, workspace_id=ws, field_id=definition.id)
            if held:
                raise FieldInUse(
                    f"{held:,} contact{'s hold' if held != 1 else ' holds'} a value of {definition.key}; clear "
                    f"{'them' if held != 1 else 'it'} before changing its type", field="type", affected=held,
                )
        elif kind == CustomFieldType.CHOICE:
            kept = {c for c in choices or ()}
            removed = [c for c in definition.choices or () if c not in kept]
            held = await repo.contacts_with_choices(session.raw, workspace_id=ws, field_id=definition.id, choices=removed)
            if held:
                raise FieldInUse(
                    f"{held:,} contact{'s hold' if held != 1 else ' holds'} a choice this change removes "
                    f"({', '.join(removed)}); change their values first", field="choices", affected=held,
                )
        definition.type, definition.choices = kind, choices
        if label is not None:
            definition.label = label
        if changes.required is not None:
            definition.required = changes.required
        if position is not None:
            definition.position = position
        trail = audit.diff(before, _shown(definition))
        if trail:
            await audit.record(
                session.raw, principal=principal, contact_id=None, action=AuditAction.CUSTOM_FIELD_UPDATED,
                changes=[{"field": "key", "old": definition.key, "new": definition.key}, *trail], at=now,
                subject=(_SUBJECT, definition.id),
            )
    return definition


async def delete_definition(*, session: RequestSession, principal: Principal, definition_id: int, now: datetime) -> int:
    """Delete a definition and every value of it (ADMIN only); each contact that held one gets a history entry."""
    authorize(principal, Action.DELETE_CUSTOM_FIELD)
    ws = principal.workspace_id
    async with write_transaction(session.raw):
        definition = await lookups.locked(session, principal, CustomFieldDefinition, definition_id, field="id")
        values = await repo.stored_values(session.raw, workspace_id=ws, field_id=definition.id)
        await repo.delete_definition(session.raw, workspace_id=ws, field_id=definition.id, now=now)
        name = f"customFields.{definition.key}"
        await audit.record_deletion(
            session.raw, principal=principal, action=AuditAction.CUSTOM_FIELD_DELETED, at=now,
            changes_by_contact={c: audit.diff({name: v}, {name: None}) for c, v in values.items()},
            deleted=audit.diff(_shown(definition), dict.fromkeys(_shown(definition))), subject=(_SUBJECT, definition.id),
        )
    return definition_id
