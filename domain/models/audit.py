"""The audit trail: who changed what, when, with old and new values (a contact's history is its part of it)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, String
from sqlmodel import Field, SQLModel

from domain.db import BigIntKey, UtcDateTime


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_contact_time", "workspace_id", "contact_id", "at", "id"),
        Index("ix_audit_workspace_time", "workspace_id", "at", "id"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigIntKey, primary_key=True, autoincrement=True))
    workspace_id: int = Field(foreign_key="workspace.id")
    # No foreign key: deleting a contact removes its history explicitly, in the same transaction.
    contact_id: int | None = Field(default=None)
    actor_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    action: str = Field(sa_type=String(64))
    at: datetime = Field(sa_type=UtcDateTime)
    # [{"field": ..., "old": ..., "new": ...}], values as JSON scalars or lists.
    changes: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # What an entry that is not about a contact changed: ("User", id), ("ApiKey", id); null for contact entries.
    subject_type: str | None = Field(default=None, sa_type=String(32))
    subject_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # Where the change came from: "API" (a GraphQL caller) or "CLI" (the installation's operator); null: before this was kept.
    source: str | None = Field(default=None, sa_type=String(16))
