"""The contact, and the tombstone a deleted contact leaves behind."""

from datetime import datetime

from sqlalchemy import Column, Index, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from domain.db import UtcDateTime, enum_type
from domain.enums import ContactOrigin, DiscardReason


class Contact(SQLModel, table=True):
    __tablename__ = "contact"
    __table_args__ = (
        UniqueConstraint("workspace_id", "email", name="uq_contact_workspace_email"),
        UniqueConstraint("workspace_id", "phone", name="uq_contact_workspace_phone"),
        # Each sort order of the contacts module has its own keyset index.
        Index("ix_contact_ws_name", "workspace_id", "name_key", "id"),
        Index("ix_contact_ws_since", "workspace_id", "contact_since", "id"),
        Index("ix_contact_ws_activity", "workspace_id", "last_activity_at", "id"),
        # The not-discarded contacts by last activity: the status counts' boundary days (domain/reads/contact_counts.py),
        # with the id to join a boundary day to one tag's memberships.
        Index(
            "ix_contact_ws_active_activity", "workspace_id", "last_activity_at", "id",
            postgresql_where=text("discard_reason IS NULL"), sqlite_where=text("discard_reason IS NULL"),
        ),
        Index("ix_contact_ws_company", "workspace_id", "company_id"),
        Index("ix_contact_ws_department", "workspace_id", "department_id"),
        Index("ix_contact_ws_discard", "workspace_id", "discard_reason"),
        # Never reuse a deleted contact's id on SQLite: ids are public (global ids, job snapshots).
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    name: str = Field(sa_type=String(200))
    # Accent- and case-folded name: the sort key of "order by name".
    name_key: str = Field(sa_type=String(200))
    # Folded name, e-mail and phone digits: what `search` matches against.
    search_text: str = Field(sa_type=String(600))
    email: str | None = Field(default=None, sa_type=String(320))
    phone: str | None = Field(default=None, sa_type=String(20))
    language: str | None = Field(default=None, sa_type=String(8))
    origin: ContactOrigin = Field(sa_column=Column(enum_type(ContactOrigin), nullable=False))
    contact_since: datetime = Field(sa_type=UtcDateTime)
    company_id: int | None = Field(default=None, foreign_key="company.id")
    department_id: int | None = Field(default=None, foreign_key="department.id")
    assigned_agent_id: int | None = Field(default=None, foreign_key="app_user.id")
    assigned_group_id: int | None = Field(default=None, foreign_key="contact_group.id")
    discard_reason: DiscardReason | None = Field(
        default=None, sa_column=Column(enum_type(DiscardReason), nullable=True)
    )
    discarded_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # Discarded by a message event (hard bounce, complaint, invalid address): the channel and the
    # address it went to, so that reactivation can tell whether the address has changed since.
    discard_channel: str | None = Field(default=None, sa_type=String(32))
    discard_address: str | None = Field(default=None, sa_type=String(320))
    # Rollup kept on write: the latest activity of any kind (see domain.engagement).
    last_activity_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)


class ContactTombstone(SQLModel, table=True):
    """What stays of a deleted contact: a hash of its normalised e-mail or phone, nothing else."""

    __tablename__ = "contact_tombstone"
    __table_args__ = (UniqueConstraint("workspace_id", "kind", "value_hash", name="uq_tombstone"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    kind: str = Field(sa_type=String(8))  # "email" or "phone"
    value_hash: str = Field(sa_type=String(64))
    deleted_at: datetime = Field(sa_type=UtcDateTime)
