"""Recording a conversation with its turns, idempotent on the pipeline's external id.

The first record of an external id wins: sending it again returns the stored conversation and
changes nothing. A new conversation is scored by the satisfaction model serving the workspace in
the same transaction; if no model can serve, it is stored unscored (null, never invented) and a
rescore fills it in later.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.db import RequestSession, write_transaction
from domain.enums import Channel, TurnRole
from domain.errors import InvalidInput
from domain.ingest.common import bounded_text, check_owner, external_id, past_instant, require_contact
from domain.models import Conversation
from domain.policies import Action, Principal, authorize
from domain.repositories import ingest as repo
from domain.rollups import touch_activity
from domain.services.satisfaction_models import score_on_record
from ml.serving import ModelServer

MAX_TURNS = 1000
MAX_TURN_TEXT = 10_000


@dataclass(frozen=True)
class TurnInput:
    role: TurnRole
    text: str
    at: datetime | None = None


@dataclass(frozen=True)
class ConversationInput:
    external_id: str
    contact_id: int
    channel: Channel
    started_at: datetime
    turns: Sequence[TurnInput]


def _turns(turns: Sequence[TurnInput], now: datetime) -> list[dict[str, object]]:
    if len(turns) > MAX_TURNS:
        raise InvalidInput(f"a conversation is recorded with at most {MAX_TURNS} turns", field="turns")
    rows = []
    for i, turn in enumerate(turns):
        text = bounded_text(turn.text, limit=MAX_TURN_TEXT, field=f"turns.{i}.text", required=True)
        at = None if turn.at is None else past_instant(turn.at, now=now, field=f"turns.{i}.at")
        rows.append({"role": turn.role, "text": text, "at": at})
    return rows


async def record_conversation(
    *, session: RequestSession, principal: Principal, data: ConversationInput, now: datetime,
    models: ModelServer | None = None,
) -> Conversation:
    authorize(principal, Action.INGEST)
    ws = principal.workspace_id
    external = external_id(data.external_id, field="externalId")
    started_at = past_instant(data.started_at, now=now, field="startedAt")
    turns = _turns(data.turns, now)
    turn_times = [t["at"] for t in turns if t["at"] is not None]
    last_turn_at = max(turn_times) if turn_times else None  # type: ignore[type-var]
    async with write_transaction(session.raw):
        await require_contact(session.raw, workspace_id=ws, contact_id=data.contact_id)
        conversation, created = await repo.insert_or_get(
            session.raw,
            Conversation,
            {
                "workspace_id": ws,
                "external_id": external,
                "contact_id": data.contact_id,
                "channel": data.channel,
                "started_at": started_at,
                "last_turn_at": last_turn_at,
                "turn_count": len(turns),
                # The basis of the interaction rate: did the contact write at all?
                "customer_replied": any(t["role"] == TurnRole.CUSTOMER for t in turns),
            },
            unique=("workspace_id", "external_id"),
        )
        if not created:
            check_owner(conversation.contact_id, data.contact_id, "conversation", external)
            return conversation
        await repo.insert_turns(session.raw, workspace_id=ws, conversation_id=conversation.id, turns=turns)
        latest = max(started_at, last_turn_at) if last_turn_at else started_at
        await touch_activity(session.raw, workspace_id=ws, contact_id=data.contact_id, at=latest)
        await score_on_record(session.raw, models=models, workspace_id=ws, conversation_id=conversation.id, now=now)
    await session.raw.refresh(conversation)
    return conversation
