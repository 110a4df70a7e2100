"""Catalogue items (products, content) and the contacts' interactions with them."""

from datetime import datetime

from sqlalchemy import Column, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from domain.db import BigIntKey, UtcDateTime


class Item(SQLModel, table=True):
    __tablename__ = "item"
    __table_args__ = (UniqueConstraint("workspace_id", "external_id", name="uq_item_external"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    external_id: str = Field(sa_type=String(200))
    name: str = Field(sa_type=String(300))


class ItemInteraction(SQLModel, table=True):
    __tablename__ = "item_interaction"
    __table_args__ = (
        # The same contact touching the same item at the same instant is one interaction.
        UniqueConstraint("contact_id", "item_id", "occurred_at", name="uq_item_interaction"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigIntKey, primary_key=True, autoincrement=True))
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    item_id: int = Field(foreign_key="item.id", ondelete="CASCADE")
    occurred_at: datetime = Field(sa_type=UtcDateTime)


class ContactItem(SQLModel, table=True):
    """Rollup kept on write: per contact and item, how many interactions and the latest one."""

    __tablename__ = "contact_item"
    __table_args__ = (Index("ix_contact_item_recent", "contact_id", "last_interaction_at"),)

    contact_id: int = Field(foreign_key="contact.id", primary_key=True, ondelete="CASCADE")
    item_id: int = Field(foreign_key="item.id", primary_key=True, ondelete="CASCADE")
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    interactions: int = 0
    last_interaction_at: datetime = Field(sa_type=UtcDateTime)
