"""Test data written straight into the database, with the rollups the read side relies on."""

import itertools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain import models
from domain.db import session_factory
from domain.enums import (
    Channel,
    ContactOrigin,
    CustomFieldType,
    DiscardReason,
    MessageEventType,
    Role,
    SubscriptionStatus,
    TicketStatus,
    TurnRole,
)
from domain.rollups import NewMessageEvent, record_message_events, touch_activity
from domain.services.auth import mint_key
from domain.text import fold, search_text

_serial = itertools.count(1)


@dataclass
class WorkspaceHandle:
    """A workspace created for one test, with a key per role."""

    id: int
    name: str
    slug: str = ""
    users: dict[Role, int] = field(default_factory=dict)
    emails: dict[Role, str] = field(default_factory=dict)
    keys: dict[Role, str] = field(default_factory=dict)

    @property
    def admin_key(self) -> str:
        return self.keys[Role.ADMIN]

    @property
    def agent_key(self) -> str:
        return self.keys[Role.AGENT]


class WorkspaceFactory:
    def __init__(self, engine: AsyncEngine, *, now: datetime) -> None:
        self._sessions = session_factory(engine)
        self.now = now

    async def _add(self, obj: Any) -> Any:
        async with self._sessions() as session, session.begin():
            session.add(obj)
            await session.flush()
            return obj

    async def create(self, name: str | None = None) -> WorkspaceHandle:
        n = next(_serial)
        name = name or f"Workspace {n}"
        async with self._sessions() as session, session.begin():
            ws = models.Workspace(name=name, slug=f"ws-{n}-{id(self)}", created_at=self.now)
            session.add(ws)
            await session.flush()
            handle = WorkspaceHandle(id=ws.id, name=name, slug=ws.slug)
            for role in Role:
                user = models.User(
                    workspace_id=ws.id,
                    name=f"{role.value.title()} of {name}",
                    email=f"{role.value.lower()}{n}@example.com",
                    role=role,
                    created_at=self.now,
                )
                session.add(user)
                await session.flush()
                handle.users[role] = user.id
                handle.emails[role] = user.email
                handle.keys[role] = await mint_key(session=session, user=user, now=self.now)
        return handle

    async def contact(
        self,
        ws: WorkspaceHandle,
        name: str,
        *,
        email: str | None = None,
        phone: str | None = None,
        contact_since: datetime | None = None,
        last_activity_at: datetime | None = None,
        discard_reason: DiscardReason | None = None,
        origin: ContactOrigin = ContactOrigin.MANUAL,
        **extra: Any,
    ) -> int:
        contact = models.Contact(
            workspace_id=ws.id,
            name=name,
            name_key=fold(name),
            search_text=search_text(name, email, phone),
            email=email,
            phone=phone,
            origin=origin,
            contact_since=contact_since or self.now,
            last_activity_at=last_activity_at,
            discard_reason=discard_reason,
            discarded_at=self.now if discard_reason else None,
            created_at=self.now,
            updated_at=self.now,
            **extra,
        )
        return (await self._add(contact)).id

    async def named(self, ws: WorkspaceHandle, model: type[Any], name: str, **extra: Any) -> int:
        """A company, department, tag, list, group or flow."""
        return (await self._add(model(workspace_id=ws.id, name=name, created_at=self.now, **extra))).id

    async def member(self, ws: WorkspaceHandle, model: type[Any], contact_id: int, **target: int) -> None:
        """Put a contact in a tag/list/group/flow: member(ws, ContactTag, cid, tag_id=tid)."""
        values: dict[str, Any] = {"workspace_id": ws.id, "contact_id": contact_id, **target}
        if model is models.FlowEnrolment:
            values.update(status="ACTIVE", enrolled_at=self.now)
        else:
            values["created_at"] = self.now
        await self._add(model(**values))

    async def segment(self, ws: WorkspaceHandle, name: str, filter: dict[str, Any], search: str | None = None) -> int:
        return (
            await self._add(
                models.Segment(workspace_id=ws.id, name=name, filter=filter, search=search, created_at=self.now)
            )
        ).id

    async def custom_field(
        self, ws: WorkspaceHandle, key: str, type: CustomFieldType, *, label: str | None = None,
        choices: list[str] | None = None, position: int = 0,
    ) -> int:
        definition = models.CustomFieldDefinition(
            workspace_id=ws.id, key=key, label=label or key.title(), type=type, choices=choices, position=position
        )
        return (await self._add(definition)).id

    async def custom_value(self, ws: WorkspaceHandle, contact_id: int, field_id: int, **value: Any) -> None:
        await self._add(models.CustomFieldValue(workspace_id=ws.id, contact_id=contact_id, field_id=field_id, **value))

    async def channel(
        self, ws: WorkspaceHandle, contact_id: int, channel: Channel, address: str,
        status: SubscriptionStatus = SubscriptionStatus.SUBSCRIBED, reason: str | None = None,
        changed_at: datetime | None = None,
    ) -> None:
        await self._add(
            models.ChannelSubscription(
                workspace_id=ws.id, contact_id=contact_id, channel=channel, address=address, status=status,
                changed_at=changed_at or self.now, reason=reason,
            )
        )

    async def events(
        self, ws: WorkspaceHandle, contact_id: int, events: list[tuple[Channel, MessageEventType, str, datetime]]
    ) -> None:
        """Record message events through the same rollup code ingestion uses."""
        async with self._sessions() as session, session.begin():
            await record_message_events(
                session,
                workspace_id=ws.id,
                events=[NewMessageEvent(contact_id, ch, t, mid, at) for ch, t, mid, at in events],
                now=self.now,
            )

    async def note(self, ws: WorkspaceHandle, contact_id: int, body: str, *, author: int | None, at: datetime) -> int:
        return (
            await self._add(
                models.Note(workspace_id=ws.id, contact_id=contact_id, author_user_id=author, body=body, created_at=at)
            )
        ).id

    async def _with_activity(self, ws: WorkspaceHandle, obj: Any, contact_id: int, at: datetime) -> Any:
        async with self._sessions() as session, session.begin():
            session.add(obj)
            await session.flush()
            await touch_activity(session, workspace_id=ws.id, contact_id=contact_id, at=at)
            return obj

    async def ticket(
        self, ws: WorkspaceHandle, contact_id: int, status: TicketStatus, *, opened_at: datetime,
        subject: str = "Help", resolved_at: datetime | None = None,
    ) -> None:
        ticket = models.Ticket(
            workspace_id=ws.id, contact_id=contact_id, external_id=f"T-{next(_serial)}", subject=subject,
            status=status, opened_at=opened_at, resolved_at=resolved_at,
        )
        await self._with_activity(ws, ticket, contact_id, resolved_at or opened_at)

    async def nps(
        self, ws: WorkspaceHandle, contact_id: int, score: int, *, at: datetime, comment: str | None = None
    ) -> None:
        response = models.NpsResponse(
            workspace_id=ws.id, contact_id=contact_id, external_id=f"nps-{next(_serial)}", score=score,
            comment=comment, responded_at=at,
        )
        await self._with_activity(ws, response, contact_id, at)

    async def conversation(
        self, ws: WorkspaceHandle, contact_id: int, *, started_at: datetime,
        turns: list[tuple[TurnRole, str]], channel: Channel = Channel.WHATSAPP, **scored: Any,
    ) -> int:
        conversation = models.Conversation(
            workspace_id=ws.id, contact_id=contact_id, external_id=f"conv-{next(_serial)}", channel=channel,
            started_at=started_at, last_turn_at=started_at, turn_count=len(turns),
            customer_replied=any(role == TurnRole.CUSTOMER for role, _ in turns), **scored,
        )
        conversation = await self._with_activity(ws, conversation, contact_id, started_at)
        async with self._sessions() as session, session.begin():
            for seq, (role, text) in enumerate(turns):
                session.add(
                    models.ConversationTurn(
                        workspace_id=ws.id, conversation_id=conversation.id, seq=seq, role=role, text=text,
                        at=started_at,
                    )
                )
        return conversation.id

    async def item_interactions(
        self, ws: WorkspaceHandle, contact_id: int, item_external_id: str, name: str, times: list[datetime]
    ) -> int:
        async with self._sessions() as session, session.begin():
            item = models.Item(workspace_id=ws.id, external_id=f"{item_external_id}", name=name)
            session.add(item)
            await session.flush()
            for at in times:
                session.add(models.ItemInteraction(workspace_id=ws.id, contact_id=contact_id, item_id=item.id, occurred_at=at))
            session.add(
                models.ContactItem(
                    workspace_id=ws.id, contact_id=contact_id, item_id=item.id, interactions=len(times),
                    last_interaction_at=max(times),
                )
            )
            return item.id

    async def update_contact(self, contact_id: int, **values: Any) -> None:
        async with self._sessions() as session, session.begin():
            contact = await session.get(models.Contact, contact_id)
            assert contact is not None
            for key, value in values.items():
                setattr(contact, key, value)


