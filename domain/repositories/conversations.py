"""Batched reads of conversations and their turns: one statement per batch of parents."""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from domain.db import RequestSession
from domain.models import Conversation, ConversationTurn
from domain.repositories.paging import Page, first_n_per_parent


async def conversations_pages(
    session: RequestSession, *, workspace_id: int, contact_ids: Sequence[int], first: int, offset: int
) -> dict[int, Page[Any]]:
    """Each contact's conversations, newest first."""
    stmt = select(
        Conversation.id,
        Conversation.contact_id,
        Conversation.external_id,
        Conversation.channel,
        Conversation.started_at,
        Conversation.last_turn_at,
        Conversation.turn_count,
        Conversation.customer_replied,
        Conversation.satisfaction_label,
        Conversation.p_satisfied,
        Conversation.p_neutral,
        Conversation.p_dissatisfied,
        Conversation.model_version,
        Conversation.analyzed_at,
        Conversation.satisfaction_explanation,
    ).where(Conversation.workspace_id == workspace_id, Conversation.contact_id.in_(contact_ids))
    return await first_n_per_parent(
        session,
        stmt,
        parent=Conversation.contact_id,
        order_by=[Conversation.started_at.desc(), Conversation.id.desc()],
        first=first,
        offset=offset,
    )


async def turns_by_conversation(
    session: RequestSession, *, workspace_id: int, conversation_ids: Sequence[int]
) -> dict[int, list[ConversationTurn]]:
    """Every turn of many conversations, each conversation's in the order spoken."""
    rows = await session.scalars(
        select(ConversationTurn)
        .where(ConversationTurn.workspace_id == workspace_id, ConversationTurn.conversation_id.in_(conversation_ids))
        .order_by(ConversationTurn.conversation_id, ConversationTurn.seq)
    )
    grouped: dict[int, list[ConversationTurn]] = defaultdict(list)
    for turn in rows:
        grouped[turn.conversation_id].append(turn)
    return grouped
