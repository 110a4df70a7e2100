"""Tickets and NPS answers as recorded from helpdesks and surveys."""

from datetime import datetime
from typing import Any

import strawberry

from api.ids import to_global_id
from api.types.enums import NpsCategory, TicketStatus
from api.types.node import Node
from domain.nps import nps_category


@strawberry.type(description="A support ticket of a contact, kept in step with the helpdesk by its external id.")
class Ticket(Node):
    external_id: str
    subject: str
    status: TicketStatus
    opened_at: datetime
    resolved_at: datetime | None

    @classmethod
    def from_row(cls, row: Any) -> "Ticket":
        return cls(
            id=to_global_id("Ticket", row.id),
            external_id=row.external_id,
            subject=row.subject,
            status=row.status,
            opened_at=row.opened_at,
            resolved_at=row.resolved_at,
        )


@strawberry.type(description="One answer to an NPS survey.")
class NpsResponse(Node):
    external_id: str
    score: int
    category: NpsCategory
    comment: str | None
    responded_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> "NpsResponse":
        return cls(
            id=to_global_id("NpsResponse", row.id),
            external_id=row.external_id,
            score=row.score,
            category=nps_category(row.score),
            comment=row.comment,
            responded_at=row.responded_at,
        )
