"""Profile actions on one contact: create, edit, suspend, reactivate, delete."""

from typing import Annotated

import strawberry

from api.context import Info
from api.ids import parse_typed_id, parse_typed_ids
from api.mutations.common import UserError, attempt
from domain.services.lookups import MAX_IDS_PER_CALL
from api.types.contact import Contact
from api.types.enums import ContactOrigin
from api.types.inputs import ChannelConsentInput
from domain.enums import ContactOrigin as Origin
from domain.services import contact_edit
from domain.services.contact_edit import UNSET, ContactChanges


@strawberry.input(description="A custom field value by key; an empty or null value clears it.")
class CustomFieldInput:
    key: str
    value: str | None


@strawberry.input
class ContactCreateInput:
    name: str
    email: str | None = None
    phone: str | None = strawberry.field(default=None, description="International format: +<country code> <number>.")
    language: str | None = None
    company_id: strawberry.ID | None = None
    department_id: strawberry.ID | None = None
    custom_fields: list[CustomFieldInput] | None = None
    tag_ids: list[strawberry.ID] | None = None
    list_ids: list[strawberry.ID] | None = None
    origin: ContactOrigin = Origin.MANUAL
    consents: list[ChannelConsentInput] | None = strawberry.field(
        default=None, description="Consent per channel, each for an address the contact has (one per channel). "
        "EMAIL and SMS exist with the addresses anyway; WHATSAPP and RCS only with a consent (or an inbound message)."
    )


@strawberry.input(description="Only the fields given change; null clears a field.")
class ContactUpdateInput:
    name: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    language: str | None = strawberry.UNSET
    company_id: strawberry.ID | None = strawberry.UNSET
    department_id: strawberry.ID | None = strawberry.UNSET
    custom_fields: list[CustomFieldInput] | None = None


def _given(value: object) -> object:
    return UNSET if value is strawberry.UNSET else value


def _optional_id(value: object, type_name: str, field: str) -> object:
    if value is strawberry.UNSET:
        return UNSET
    return None if value is None else parse_typed_id(value, type_name, field=field)  # type: ignore[arg-type]


def _custom(values: list[CustomFieldInput] | None) -> list[tuple[str, str | None]]:
    return [(v.key, v.value) for v in values or ()]


@strawberry.type
class ContactPayload:
    contact: Contact | None
    user_errors: list[UserError]


@strawberry.type
class ContactCreatePayload:
    contact: Contact | None
    user_errors: list[UserError]
    was_previously_deleted: bool = strawberry.field(
        description="The e-mail or phone belonged to a contact deleted before: the new contact is created "
        "SUSPENDED (status DISCARDED, discardReason SUSPENDED), so that a deleted person is not messaged "
        "again by accident. Reactivate it (contactReactivate) once the person has asked to come back."
    )


@strawberry.type
class ContactDeletePayload:
    deleted_contact_id: strawberry.ID | None
    user_errors: list[UserError]


def _payload(row: object, errors: list[UserError]) -> ContactPayload:
    return ContactPayload(contact=None if row is None else Contact.from_row(row), user_errors=errors)  # type: ignore[arg-type]


@strawberry.type
class ContactMutations:
    @strawberry.mutation(description="Create a contact; it needs an e-mail or a phone. A duplicate e-mail or phone is "
                         "a CONFLICT naming the existing one.")
    async def contact_create(self, info: Info, input: ContactCreateInput) -> ContactCreatePayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            changes = ContactChanges(
                name=input.name, email=input.email, phone=input.phone, language=input.language,
                company_id=_optional_id(input.company_id, "Company", "companyId") if input.company_id is not None else None,
                department_id=_optional_id(input.department_id, "Department", "departmentId") if input.department_id is not None else None,
                custom_fields=_custom(input.custom_fields),
                tag_ids=parse_typed_ids(input.tag_ids, "Tag", field="tagIds", limit=MAX_IDS_PER_CALL),
                list_ids=parse_typed_ids(input.list_ids, "ContactList", field="listIds", limit=MAX_IDS_PER_CALL),
                origin=Origin(input.origin),
                consents=[c.to_domain(c.channel) for c in input.consents or ()],
            )
            return await contact_edit.create_contact(session=ctx.session, principal=ctx.caller, changes=changes, now=ctx.now)

        row, errors = await attempt(info, run)
        return ContactCreatePayload(
            contact=None if row is None else Contact.from_row(row),  # type: ignore[arg-type]
            user_errors=errors,
            # A contact is created discarded only when a tombstone matched its e-mail or phone.
            was_previously_deleted=row is not None and row.discard_reason is not None,
        )

    @strawberry.mutation
    async def contact_update(self, info: Info, id: strawberry.ID, input: ContactUpdateInput) -> ContactPayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            changes = ContactChanges(
                name=_given(input.name), email=_given(input.email), phone=_given(input.phone),
                language=_given(input.language),
                company_id=_optional_id(input.company_id, "Company", "companyId"),
                department_id=_optional_id(input.department_id, "Department", "departmentId"),
                custom_fields=_custom(input.custom_fields),
            )
            return await contact_edit.update_contact(
                session=ctx.session, principal=ctx.caller, contact_id=parse_typed_id(id, "Contact"), changes=changes, now=ctx.now
            )

        return _payload(*await attempt(info, run))

    @strawberry.mutation(description="Delete for good; only hashes of the e-mail and phone remain (a tombstone).")
    async def contact_delete(self, info: Info, id: strawberry.ID) -> ContactDeletePayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            return await contact_edit.delete_contact(
                session=ctx.session, principal=ctx.caller, contact_id=parse_typed_id(id, "Contact"), now=ctx.now
            )

        deleted, errors = await attempt(info, run)
        return ContactDeletePayload(deleted_contact_id=id if deleted is not None else None, user_errors=errors)

    @strawberry.mutation(description="Suspend by hand: the contact becomes DISCARDED with discardReason SUSPENDED.")
    async def contact_suspend(self, info: Info, id: strawberry.ID) -> ContactPayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            return await contact_edit.set_discard(
                session=ctx.session, principal=ctx.caller, contact_id=parse_typed_id(id, "Contact"), suspend=True, now=ctx.now
            )

        return _payload(*await attempt(info, run))

    @strawberry.mutation(description="Make a discarded contact active again; its status follows its activity.")
    async def contact_reactivate(
        self, info: Info, id: strawberry.ID,
        force: Annotated[bool, strawberry.argument(
            description="Reactivate a HARD_BOUNCE or INVALID_ADDRESS contact whose address is still the one that "
            "failed. Without it that is a CONFLICT: messages to that address would fail again, and every hard "
            "bounce hurts the sender's reputation with the mailbox and phone providers. Correct the address "
            "(contactUpdate) and reactivate, or pass force: true when the address is known to work again.",
        )] = False,
    ) -> ContactPayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            return await contact_edit.set_discard(
                session=ctx.session, principal=ctx.caller, contact_id=parse_typed_id(id, "Contact"), suspend=False,
                now=ctx.now, force=force,
            )

        return _payload(*await attempt(info, run))
