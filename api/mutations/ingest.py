"""Ingestion: what messaging pipelines, helpdesks, surveys and catalogues send in (OPERATOR and ADMIN keys)."""

import strawberry

from api.context import Info
from api.ids import parse_typed_id
from api.mutations.common import UserError, attempt
from api.mutations.ingest_inputs import (
    ConversationInput,
    ItemInteractionInput,
    MessageEventInput,
    NpsResponseInput,
    TicketInput,
)
from api.types.catalog import maybe
from api.types.conversation import Conversation
from api.types.support import NpsResponse, Ticket
from domain import enums
from domain.errors import InvalidInput
from domain.ingest import conversations, items, support
from domain.ingest import events as events_service


@strawberry.type(description="accepted + duplicates + rejected is the number of events sent.")
class MessageEventsRecordPayload:
    accepted: int = strawberry.field(description="Events stored by this call.")
    duplicates: int = strawberry.field(description="Events already stored (same messageId and type): nothing changed.")
    rejected: int = strawberry.field(description="Events stored nowhere; each has a userError naming `events.<index>`.")
    user_errors: list[UserError]


@strawberry.type
class ConversationRecordPayload:
    conversation: Conversation | None
    user_errors: list[UserError]


@strawberry.type
class TicketRecordPayload:
    ticket: Ticket | None
    user_errors: list[UserError]


@strawberry.type
class NpsResponseRecordPayload:
    response: NpsResponse | None
    user_errors: list[UserError]


@strawberry.type
class ItemInteractionRecordPayload:
    accepted: bool = strawberry.field(
        description="True when this call stored the interaction; false without userErrors when it was already stored."
    )
    user_errors: list[UserError]


def _event(e: MessageEventInput) -> events_service.EventInput:
    # An unreadable id rejects this event only, not the batch: the service reports it with its index.
    contact_id: int | None = None
    problem: InvalidInput | None = None
    if e.contact_id is not None:
        try:
            contact_id = parse_typed_id(e.contact_id, "Contact", field="contactId")
        except InvalidInput as exc:
            problem = exc
    return events_service.EventInput(
        message_id=e.message_id, channel=e.channel, type=e.type, occurred_at=e.occurred_at,
        contact_id=contact_id, address=e.address, problem=problem,
        bounce=None if e.bounce is None else enums.BounceType(e.bounce),
        failure=None if e.failure is None else enums.FailureReason(e.failure),
    )


def _contact(global_id: strawberry.ID) -> int:
    return parse_typed_id(global_id, "Contact", field="contactId")


@strawberry.type
class IngestMutations:
    @strawberry.mutation(
        description="Record up to 1,000 message events, idempotent on (messageId, type). Valid events land; each "
        "invalid one is rejected with a userError naming its index. A send to a channel the contact unsubscribed "
        "from is stored as BLOCKED_UNSUBSCRIBED, a send to a DISCARDED contact as BLOCKED_DISCARDED, and later "
        "events about a blocked message are rejected (CONFLICT). A HARD bounce, a COMPLAINED event and a FAILED "
        "event with failure INVALID_ADDRESS discard the contact (HARD_BOUNCE, SPAM_COMPLAINT, INVALID_ADDRESS)."
    )
    async def message_events_record(self, info: Info, events: list[MessageEventInput]) -> MessageEventsRecordPayload:
        ctx = info.context
        batch = [_event(e) for e in events]

        async def run():  # type: ignore[no-untyped-def]
            return await events_service.record_events(session=ctx.session, principal=ctx.caller, events=batch, now=ctx.now)

        outcome, errors = await attempt(info, run)
        if outcome is None:  # the whole batch was refused: nothing stored
            return MessageEventsRecordPayload(accepted=0, duplicates=0, rejected=len(batch), user_errors=errors)
        return MessageEventsRecordPayload(
            accepted=outcome.accepted,
            duplicates=outcome.duplicates,
            rejected=outcome.rejected,
            user_errors=[UserError(field=r.field, message=r.error.message, code=r.error.code) for r in outcome.rejections],
        )

    @strawberry.mutation(description="Record a conversation with its turns; the same externalId again changes nothing.")
    async def conversation_record(self, info: Info, input: ConversationInput) -> ConversationRecordPayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            data = conversations.ConversationInput(
                external_id=input.external_id, contact_id=_contact(input.contact_id), channel=input.channel,
                started_at=input.started_at,
                turns=[conversations.TurnInput(role=t.role, text=t.text, at=t.at) for t in input.turns],
            )
            return await conversations.record_conversation(
                session=ctx.session, principal=ctx.caller, data=data, now=ctx.now, models=ctx.models
            )

        row, errors = await attempt(info, run)
        return ConversationRecordPayload(conversation=maybe(Conversation.from_row, row), user_errors=errors)

    @strawberry.mutation(description="Create or update a ticket by its externalId (status RESOLVED resolves it).")
    async def ticket_record(self, info: Info, input: TicketInput) -> TicketRecordPayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            data = support.TicketInput(
                external_id=input.external_id, contact_id=_contact(input.contact_id), subject=input.subject,
                status=input.status, opened_at=input.opened_at, resolved_at=input.resolved_at,
            )
            return await support.record_ticket(session=ctx.session, principal=ctx.caller, data=data, now=ctx.now)

        row, errors = await attempt(info, run)
        return TicketRecordPayload(ticket=maybe(Ticket.from_row, row), user_errors=errors)

    @strawberry.mutation(description="Record an NPS answer; the same externalId again changes nothing.")
    async def nps_response_record(self, info: Info, input: NpsResponseInput) -> NpsResponseRecordPayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            data = support.NpsInput(
                external_id=input.external_id, contact_id=_contact(input.contact_id), score=input.score,
                responded_at=input.responded_at, comment=input.comment,
            )
            return await support.record_nps(session=ctx.session, principal=ctx.caller, data=data, now=ctx.now)

        row, errors = await attempt(info, run)
        return NpsResponseRecordPayload(response=maybe(NpsResponse.from_row, row), user_errors=errors)

    @strawberry.mutation(description="Record that a contact interacted with an item, idempotent on (contact, item, occurredAt).")
    async def item_interaction_record(self, info: Info, input: ItemInteractionInput) -> ItemInteractionRecordPayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            data = items.ItemInteractionInput(
                contact_id=_contact(input.contact_id), item_external_id=input.item_external_id,
                occurred_at=input.occurred_at, item_name=input.item_name,
            )
            return await items.record_item_interaction(session=ctx.session, principal=ctx.caller, data=data, now=ctx.now)

        new, errors = await attempt(info, run)
        return ItemInteractionRecordPayload(accepted=bool(new), user_errors=errors)
