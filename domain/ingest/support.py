"""Recording tickets and NPS answers from support and survey tools.

A ticket is an upsert on its external id: the helpdesk sends the ticket again whenever it changes,
and the latest record received wins (that is how a ticket gets resolved, or reopened). An NPS
answer never changes once given, so its first record wins and a repeat changes nothing.
"""

from dataclasses import dataclass
from datetime import datetime

from domain.db import RequestSession, write_transaction
from domain.enums import TicketStatus
from domain.errors import InvalidInput
from domain.ingest.common import bounded_text, check_owner, external_id, past_instant, require_contact
from domain.models import NpsResponse, Ticket
from domain.policies import Action, Principal, authorize
from domain.repositories import ingest as repo
from domain.rollups import touch_activity

MAX_SUBJECT = 500
MAX_COMMENT = 5000


@dataclass(frozen=True)
class TicketInput:
    external_id: str
    contact_id: int
    subject: str
    status: TicketStatus
    opened_at: datetime
    resolved_at: datetime | None = None


@dataclass(frozen=True)
class NpsInput:
    external_id: str
    contact_id: int
    score: int
    responded_at: datetime
    comment: str | None = None


def _ticket_times(data: TicketInput, now: datetime) -> tuple[datetime, datetime | None]:
    opened_at = past_instant(data.opened_at, now=now, field="openedAt")
    if data.resolved_at is None:
        return opened_at, None
    if data.status == TicketStatus.OPEN:
        raise InvalidInput("an open ticket has no resolvedAt; send status RESOLVED to resolve it", field="resolvedAt")
    resolved_at = past_instant(data.resolved_at, now=now, field="resolvedAt")
    if resolved_at < opened_at:
        raise InvalidInput("a ticket cannot be resolved before it was opened", field="resolvedAt")
    return opened_at, resolved_at


async def record_ticket(*, session: RequestSession, principal: Principal, data: TicketInput, now: datetime) -> Ticket:
    authorize(principal, Action.INGEST)
    ws = principal.workspace_id
    external = external_id(data.external_id, field="externalId")
    subject = bounded_text(data.subject, limit=MAX_SUBJECT, field="subject", required=True)
    opened_at, resolved_at = _ticket_times(data, now)
    async with write_transaction(session.raw):
        await require_contact(session.raw, workspace_id=ws, contact_id=data.contact_id)
        # A resolution without a time is dated when we learn of it, once: a repeat keeps that date.
        first_resolution = resolved_at or (now if data.status == TicketStatus.RESOLVED else None)
        ticket, created = await repo.insert_or_get(
            session.raw,
            Ticket,
            {
                "workspace_id": ws, "external_id": external, "contact_id": data.contact_id, "subject": subject,
                "status": data.status, "opened_at": opened_at, "resolved_at": first_resolution,
            },
            unique=("workspace_id", "external_id"),
        )
        if not created:
            check_owner(ticket.contact_id, data.contact_id, "ticket", external)
            if data.status == TicketStatus.OPEN:
                resolved_at = None  # reopened
            elif resolved_at is None:
                resolved_at = ticket.resolved_at or now
            changes = {"subject": subject, "status": data.status, "opened_at": opened_at, "resolved_at": resolved_at}
            for key, value in changes.items():
                if getattr(ticket, key) != value:
                    setattr(ticket, key, value)
            await session.raw.flush()
        latest = max(ticket.opened_at, ticket.resolved_at) if ticket.resolved_at else ticket.opened_at
        await touch_activity(session.raw, workspace_id=ws, contact_id=data.contact_id, at=latest)
    return ticket


async def record_nps(*, session: RequestSession, principal: Principal, data: NpsInput, now: datetime) -> NpsResponse:
    authorize(principal, Action.INGEST)
    ws = principal.workspace_id
    external = external_id(data.external_id, field="externalId")
    if not 0 <= data.score <= 10:
        raise InvalidInput(f"an NPS score is a whole number from 0 to 10, not {data.score}", field="score")
    comment = bounded_text(data.comment, limit=MAX_COMMENT, field="comment", required=False)
    responded_at = past_instant(data.responded_at, now=now, field="respondedAt")
    async with write_transaction(session.raw):
        await require_contact(session.raw, workspace_id=ws, contact_id=data.contact_id)
        response, created = await repo.insert_or_get(
            session.raw,
            NpsResponse,
            {
                "workspace_id": ws, "external_id": external, "contact_id": data.contact_id, "score": data.score,
                "comment": comment, "responded_at": responded_at,
            },
            unique=("workspace_id", "external_id"),
        )
        if not created:
            check_owner(response.contact_id, data.contact_id, "NPS answer", external)
            return response
        # Happiness shows the latest answer by time answered; last activity moves the same way.
        await touch_activity(session.raw, workspace_id=ws, contact_id=data.contact_id, at=responded_at)
    return response
