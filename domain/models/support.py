"""Notes, tickets and NPS answers attached to a contact."""

from datetime import datetime

from sqlalchemy import Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from domain.db import UtcDateTime, enum_type
from domain.enums import TicketStatus


class Note(SQLModel, table=True):
    __tablename__ = "note"
    __table_args__ = (Index("ix_note_contact_time", "contact_id", "created_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    author_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_type=UtcDateTime)


class Ticket(SQLModel, table=True):
    __tablename__ = "ticket"
    __table_args__ = (
        UniqueConstraint("workspace_id", "external_id", name="uq_ticket_external"),
        Index("ix_ticket_contact", "contact_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    external_id: str = Field(sa_type=String(200))
    subject: str = Field(sa_type=String(500))
    status: TicketStatus = Field(sa_column=Column(enum_type(TicketStatus), nullable=False))
    opened_at: datetime = Field(sa_type=UtcDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class NpsResponse(SQLModel, table=True):
    __tablename__ = "nps_response"
    __table_args__ = (
        UniqueConstraint("workspace_id", "external_id", name="uq_nps_external"),
        Index("ix_nps_contact_time", "contact_id", "responded_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    external_id: str = Field(sa_type=String(200))
    score: int
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    responded_at: datetime = Field(sa_type=UtcDateTime)
