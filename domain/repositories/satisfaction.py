"""SQL of the satisfaction classifier's side: activations, conversations to score, stored verdicts."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import JobKind, TurnRole
from domain.models import Conversation, ConversationTurn, Job, ModelActivation, Workspace
from domain.repositories.jobs import UNFINISHED


async def active_versions(session: AsyncSession, *, workspace_id: int) -> tuple[str | None, str | None]:
    """(the workspace's own newest activation, the newest activation for every workspace)."""
    newest = (
        select(ModelActivation.version)
        .where(ModelActivation.workspace_id == workspace_id)
        .order_by(ModelActivation.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    deployment = (
        select(ModelActivation.version)
        .where(ModelActivation.workspace_id.is_(None))
        .order_by(ModelActivation.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    row = (await session.execute(select(newest, deployment))).one()
    return row[0], row[1]


async def add_activation(
    session: AsyncSession, *, workspace_id: int | None, version: str, now: datetime, user_id: int | None
) -> None:
    session.add(ModelActivation(workspace_id=workspace_id, version=version, activated_at=now, activated_by_user_id=user_id))
    await session.flush()


@dataclass(frozen=True)
class StoredTurn:
    id: int
    role: TurnRole
    text: str


async def turns_of(session: AsyncSession, *, workspace_id: int, conversation_ids: Sequence[int]) -> dict[int, list[StoredTurn]]:
    rows = await session.execute(
        select(ConversationTurn.conversation_id, ConversationTurn.id, ConversationTurn.role, ConversationTurn.text)
        .where(ConversationTurn.workspace_id == workspace_id, ConversationTurn.conversation_id.in_(conversation_ids))
        .order_by(ConversationTurn.conversation_id, ConversationTurn.seq)
    )
    grouped: dict[int, list[StoredTurn]] = defaultdict(list)
    for conversation_id, turn_id, role, text in rows:
        grouped[conversation_id].append(StoredTurn(turn_id, role, text))
    return grouped


async def conversation_ids_after(
    session: AsyncSession, *, workspace_id: int, after: int, up_to: int, limit: int
) -> list[int]:
    rows = await session.scalars(
        select(Conversation.id)
        .where(Conversation.workspace_id == workspace_id, Conversation.id > after, Conversation.id <= up_to)
        .order_by(Conversation.id)
        .limit(limit)
    )
    return list(rows)


async def conversation_span(session: AsyncSession, *, workspace_id: int) -> tuple[int, int]:
    """(how many conversations the workspace has, its highest conversation id)."""
    row = (
        await session.execute(
            select(func.count(), func.coalesce(func.max(Conversation.id), 0)).where(Conversation.workspace_id == workspace_id)
        )
    ).one()
    return int(row[0]), int(row[1])


async def store_verdicts(
    session: AsyncSession, *, conversations: Sequence[dict[str, Any]], turns: Sequence[dict[str, Any]]
) -> None:
    """Write each conversation's verdict and its turns' labels (executemany: one round trip each).

    Conversation dicts: id, label, p_satisfied, p_neutral, p_dissatisfied, version, explanation, at.
    Turn dicts: id, label, confidence (label None clears a turn's verdict).
    """
    if conversations:
        table = Conversation.__table__
        await session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(
                satisfaction_label=bindparam("b_label"),
                p_satisfied=bindparam("b_ps"),
                p_neutral=bindparam("b_pn"),
                p_dissatisfied=bindparam("b_pd"),
                model_version=bindparam("b_version"),
                satisfaction_explanation=bindparam("b_explanation", type_=table.c.satisfaction_explanation.type),
                analyzed_at=bindparam("b_at", type_=table.c.analyzed_at.type),
            ),
            [
                {
                    "b_id": c["id"], "b_label": c["label"], "b_ps": c["p_satisfied"], "b_pn": c["p_neutral"],
                    "b_pd": c["p_dissatisfied"], "b_version": c["version"], "b_explanation": c["explanation"],
                    "b_at": c["at"],
                }
                for c in conversations
            ],
            execution_options={"synchronize_session": False},
        )
    if turns:
        table = ConversationTurn.__table__
        await session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(satisfaction_label=bindparam("b_label"), satisfaction_confidence=bindparam("b_confidence")),
            [{"b_id": t["id"], "b_label": t["label"], "b_confidence": t["confidence"]} for t in turns],
            execution_options={"synchronize_session": False},
        )


async def unfinished_job(session: AsyncSession, *, workspace_id: int, kind: JobKind) -> Job | None:
    """The oldest pending or running job of this kind in the workspace."""
    return await session.scalar(
        select(Job).where(Job.workspace_id == workspace_id, Job.kind == kind, Job.status.in_(UNFINISHED)).order_by(Job.id).limit(1)
    )


async def workspaces(session: AsyncSession, *, slug: str | None) -> list[Workspace]:
    stmt = select(Workspace).order_by(Workspace.id)
    if slug is not None:
        stmt = stmt.where(Workspace.slug == slug)
    return list(await session.scalars(stmt))


async def deployment_version(session: AsyncSession) -> str | None:
    """The newest activation for every workspace (`rapport model activate`), if any."""
    return await session.scalar(
        select(ModelActivation.version).where(ModelActivation.workspace_id.is_(None)).order_by(ModelActivation.id.desc()).limit(1)
    )
