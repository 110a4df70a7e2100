"""Profile actions that link a contact to other things: company, department, tags, lists, assignment,
channel subscriptions and notes."""

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from api.context import Info
from api.ids import parse_typed_id, parse_typed_ids
from api.mutations.catalog import ContactListPayload
from api.mutations.common import UserError, attempt
from api.mutations.contact import ContactPayload
from api.types.catalog import ContactList
from api.types.contact import Contact
from api.types.enums import Channel
from api.types.inputs import ConsentInput
from api.types.profile import Note
from domain.enums import Channel as DomainChannel
from domain.services import contact_links, list_members, notes, subscriptions
from domain.services.lookups import MAX_IDS_PER_CALL


@strawberry.type
class NotePayload:
    note: Note | None
    user_errors: list[UserError]


def _contact(value: strawberry.ID) -> int:
    return parse_typed_id(value, "Contact", field="contactId")


def _optional(value: strawberry.ID | None, type_name: str, field: str) -> int | None:
    return None if value is None else parse_typed_id(value, type_name, field=field)


async def _contact_payload(info: Info, run: Callable[[], Awaitable[Any]]) -> ContactPayload:
    row, errors = await attempt(info, run)
    return ContactPayload(contact=None if row is None else Contact.from_row(row), user_errors=errors)


async def _list_payload(info: Info, run: Callable[[], Awaitable[Any]]) -> ContactListPayload:
    row, errors = await attempt(info, run)
    return ContactListPayload(contact_list=None if row is None else ContactList.from_row(row), user_errors=errors)


@strawberry.type
class ContactLinkMutations:
    @strawberry.mutation(description="Link the contact to an existing company; null unlinks it.")
    async def contact_set_company(
        self, info: Info, contact_id: strawberry.ID, company_id: strawberry.ID | None = None
    ) -> ContactPayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            return await contact_links.set_company(
                session=ctx.session, principal=ctx.caller, contact_id=_contact(contact_id),
                company_id=_optional(company_id, "Company", "companyId"), now=ctx.now,
            )

        return await _contact_payload(info, run)

    @strawberry.mutation(description="Select the contact's department; null clears it.")
    async def contact_set_department(
        self, info: Info, contact_id: strawberry.ID, department_id: strawberry.ID | None = None
    ) -> ContactPayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            return await contact_links.set_department(
                session=ctx.session, principal=ctx.caller, contact_id=_contact(contact_id),
                department_id=_optional(department_id, "Department", "departmentId"), now=ctx.now,
            )

        return await _contact_payload(info, run)

    @strawberry.mutation(description="Add tags the contact does not carry yet (at most 1,000 ids per call).")
    async def contact_add_tags(self, info: Info, contact_id: strawberry.ID, tag_ids: list[strawberry.ID]) -> ContactPayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            return await contact_links.add_tags(
                session=ctx.session, principal=ctx.caller, contact_id=_contact(contact_id),
                tag_ids=parse_typed_ids(tag_ids, "Tag", field="tagIds", limit=MAX_IDS_PER_CALL), now=ctx.now,
            )

        return await _contact_payload(info, run)

    @strawberry.mutation(description="Remove tags from the contact; tags it does not carry are ignored.")
    async def contact_remove_tags(
        self, info: Info, contact_id: strawberry.ID, tag_ids: list[strawberry.ID]
    ) -> ContactPayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            return await contact_links.remove_tags(
                session=ctx.session, principal=ctx.caller, contact_id=_contact(contact_id),
                tag_ids=parse_typed_ids(tag_ids, "Tag", field="tagIds", limit=MAX_IDS_PER_CALL), now=ctx.now,
            )

        return await _contact_payload(info, run)

    @strawberry.mutation(description="Put the contact in groups it is not in yet (at most 1,000 ids per call).")
    async def contact_add_to_groups(
        self, info: Info, contact_id: strawberry.ID, group_ids: list[strawberry.ID]
    ) -> ContactPayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            return await contact_links.add_to_groups(
                session=ctx.session, principal=ctx.caller, contact_id=_contact(contact_id),
                group_ids=parse_typed_ids(group_ids, "Group", field="groupIds", limit=MAX_IDS_PER_CALL), now=ctx.now,
            )

        return await _contact_payload(info, run)

    @strawberry.mutation(description="Take the contact out of groups; groups it is not in are ignored.")
    async def contact_remove_from_groups(
        self, info: Info, contact_id: strawberry.ID, group_ids: list[strawberry.ID]
    ) -> ContactPayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            return await contact_links.remove_from_groups(
                session=ctx.session, principal=ctx.caller, contact_id=_contact(contact_id),
                group_ids=parse_typed_ids(group_ids, "Group", field="groupIds", limit=MAX_IDS_PER_CALL), now=ctx.now,
            )

        return await _contact_payload(info, run)

    @strawberry.mutation(description="Add contacts to a list (at most 1,000 per call; use a bulk action for more).")
    async def contact_list_add_contacts(
        self, info: Info, list_id: strawberry.ID, contact_ids: list[strawberry.ID]
    ) -> ContactListPayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            return await list_members.add_contacts(
                session=ctx.session, principal=ctx.caller, list_id=parse_typed_id(list_id, "ContactList", field="listId"),
                contact_ids=parse_typed_ids(contact_ids, "Contact", field="contactIds", limit=MAX_IDS_PER_CALL), now=ctx.now,
            )

        return await _list_payload(info, run)

    @strawberry.mutation(description="Remove contacts from a list; contacts not on it are ignored.")
    async def contact_list_remove_contacts(
        self, info: Info, list_id: strawberry.ID, contact_ids: list[strawberry.ID]
    ) -> ContactListPayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            return await list_members.remove_contacts(
                session=ctx.session, principal=ctx.caller, list_id=parse_typed_id(list_id, "ContactList", field="listId"),
                contact_ids=parse_typed_ids(contact_ids, "Contact", field="contactIds", limit=MAX_IDS_PER_CALL), now=ctx.now,
            )

        return await _list_payload(info, run)

    @strawberry.mutation(
        description="Unsubscribe the contact from one channel: the contact stays; the channel shows UNSUBSCRIBED "
        "with who, when and why. Unsubscribing an unsubscribed channel changes nothing."
    )
    async def contact_unsubscribe(
        self, info: Info, contact_id: strawberry.ID, channel: Channel, reason: str | None = None
    ) -> ContactPayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            return await subscriptions.unsubscribe(
                session=ctx.session, principal=ctx.caller, contact_id=_contact(contact_id),
                channel=DomainChannel(channel), reason=reason, now=ctx.now,
            )

        return await _contact_payload(info, run)

    @strawberry.mutation(
        description="Subscribe the contact to one channel with a consent: an UNSUBSCRIBED channel comes back "
        "(its opt-out stays in the history), a channel the contact had none for opens on its address (how "
        "WHATSAPP and RCS are opted in to; they need a phone), a subscribed one takes the new consent. The "
        "same consent again changes nothing. A DISCARDED contact stays discarded (sends stay blocked) until "
        "contactReactivate."
    )
    async def contact_subscribe(
        self, info: Info, contact_id: strawberry.ID, channel: Channel, consent: ConsentInput
    ) -> ContactPayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            return await subscriptions.subscribe(
                session=ctx.session, principal=ctx.caller, contact_id=_contact(contact_id),
                channel=DomainChannel(channel), consent=consent.to_domain(), now=ctx.now,
            )

        return await _contact_payload(info, run)

    @strawberry.mutation(description="Assign the contact to an agent (a user of the workspace) and/or a group; "
                         "the call sets both, so omitting one clears it and omitting both unassigns.")
    async def contact_assign(
        self, info: Info, contact_id: strawberry.ID, agent_id: strawberry.ID | None = None,
        group_id: strawberry.ID | None = None,
    ) -> ContactPayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            return await contact_links.assign(
                session=ctx.session, principal=ctx.caller, contact_id=_contact(contact_id),
                agent_id=_optional(agent_id, "User", "agentId"), group_id=_optional(group_id, "Group", "groupId"),
                now=ctx.now,
            )

        return await _contact_payload(info, run)

    @strawberry.mutation(description="A note on the contact, by the caller, at the time of the request (1 to 10,000 characters).")
    async def note_create(self, info: Info, contact_id: strawberry.ID, body: str) -> NotePayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            return await notes.create_note(
                session=ctx.session, principal=ctx.caller, contact_id=_contact(contact_id),
                body=body, now=ctx.now,
            )

        row, errors = await attempt(info, run)
        return NotePayload(note=None if row is None else Note.from_row(row), user_errors=errors)
