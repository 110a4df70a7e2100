"""Recording that a contact interacted with a catalogue item (viewed, bought, clicked a product).

The item is created on first sight by its external id and renamed when a later record names it
differently. An interaction is idempotent on (contact, item, instant); each new one moves the
contact_item rollup (how many, the latest) and the contact's last activity.
"""

from dataclasses import dataclass
from datetime import datetime

from domain.db import RequestSession, write_transaction
from domain.ingest.common import bounded_text, external_id, past_instant, require_contact
from domain.policies import Action, Principal, authorize
from domain.repositories import ingest as repo
from domain.rollups import touch_activity

MAX_ITEM_NAME = 300


@dataclass(frozen=True)
class ItemInteractionInput:
    contact_id: int
    item_external_id: str
    occurred_at: datetime
    item_name: str | None = None


async def record_item_interaction(
    *, session: RequestSession, principal: Principal, data: ItemInteractionInput, now: datetime
) -> bool:
    """True when the interaction is new; False when it was already recorded (nothing changes)."""
    authorize(principal, Action.INGEST)
    ws = principal.workspace_id
    external = external_id(data.item_external_id, field="itemExternalId")
    name = bounded_text(data.item_name, limit=MAX_ITEM_NAME, field="itemName", required=False)
    occurred_at = past_instant(data.occurred_at, now=now, field="occurredAt")
    async with write_transaction(session.raw):
        await require_contact(session.raw, workspace_id=ws, contact_id=data.contact_id)
        item_id = await repo.upsert_item(session.raw, workspace_id=ws, external_id=external, name=name)
        new = await repo.insert_interaction(
            session.raw, workspace_id=ws, contact_id=data.contact_id, item_id=item_id, at=occurred_at
        )
        if new:
            await repo.count_interaction(
                session.raw, workspace_id=ws, contact_id=data.contact_id, item_id=item_id, at=occurred_at
            )
            await touch_activity(session.raw, workspace_id=ws, contact_id=data.contact_id, at=occurred_at)
    return new
