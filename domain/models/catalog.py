"""What contacts are organised by: companies, departments, lists, groups, tags, segments, flows."""

from datetime import datetime

from typing import Any

from sqlalchemy import JSON, Column, Index, String, UniqueConstraint, event
from sqlmodel import Field, SQLModel

from domain.db import UtcDateTime, enum_type
from domain.enums import FlowEnrolmentStatus
from domain.text import fold

# Catalogue names are unique per workspace ignoring case, accents and runs of spaces: the folded name
# is stored (`name_key`) under a unique index, so two writers racing with "Envío" and "envio" cannot
# both win. Every SQLAlchemy insert fills it from `name` (the column default below; the ORM events at
# the end of this module for inserts and renames); a writer of raw rows (COPY) sets it with fold().
NAME_KEY_LENGTH = 400  # fold() of a 200-character name: casefold may lengthen it ("ß" -> "ss")


def _folded_name(context: Any) -> str:
    return fold(context.get_current_parameters()["name"])


def _name_key() -> Any:
    return Field(default="", sa_column=Column(String(NAME_KEY_LENGTH), nullable=False, default=_folded_name))


def _unique_name_key(table: str) -> Index:
    return Index(f"uq_{table}_name_key", "workspace_id", "name_key", unique=True)


class Company(SQLModel, table=True):
    __tablename__ = "company"
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_company_name"), _unique_name_key("company"))

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    name: str = Field(sa_type=String(200))
    name_key: str = _name_key()
    domain: str | None = Field(default=None, sa_type=String(200))
    created_at: datetime = Field(sa_type=UtcDateTime)


class Department(SQLModel, table=True):
    __tablename__ = "department"
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_department_name"), _unique_name_key("department"))

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    name: str = Field(sa_type=String(200))
    name_key: str = _name_key()
    created_at: datetime = Field(sa_type=UtcDateTime)


class Tag(SQLModel, table=True):
    __tablename__ = "tag"
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_tag_name"), _unique_name_key("tag"))

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    name: str = Field(sa_type=String(200))
    name_key: str = _name_key()
    created_at: datetime = Field(sa_type=UtcDateTime)


class ContactTag(SQLModel, table=True):
    __tablename__ = "contact_tag"
    __table_args__ = (Index("ix_contact_tag_tag", "tag_id", "contact_id"),)

    contact_id: int = Field(foreign_key="contact.id", primary_key=True, ondelete="CASCADE")
    tag_id: int = Field(foreign_key="tag.id", primary_key=True, ondelete="CASCADE")
    workspace_id: int = Field(foreign_key="workspace.id")
    created_at: datetime = Field(sa_type=UtcDateTime)


class ContactList(SQLModel, table=True):
    __tablename__ = "contact_list"
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_contact_list_name"), _unique_name_key("contact_list"))

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    name: str = Field(sa_type=String(200))
    name_key: str = _name_key()
    created_at: datetime = Field(sa_type=UtcDateTime)


class ContactListMember(SQLModel, table=True):
    __tablename__ = "contact_list_member"
    __table_args__ = (Index("ix_contact_list_member_list", "list_id", "contact_id"),)

    contact_id: int = Field(foreign_key="contact.id", primary_key=True, ondelete="CASCADE")
    list_id: int = Field(foreign_key="contact_list.id", primary_key=True, ondelete="CASCADE")
    workspace_id: int = Field(foreign_key="workspace.id")
    created_at: datetime = Field(sa_type=UtcDateTime)


class Group(SQLModel, table=True):
    __tablename__ = "contact_group"
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_contact_group_name"), _unique_name_key("contact_group"))

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    name: str = Field(sa_type=String(200))
    name_key: str = _name_key()
    created_at: datetime = Field(sa_type=UtcDateTime)


class GroupMember(SQLModel, table=True):
    __tablename__ = "contact_group_member"
    __table_args__ = (Index("ix_contact_group_member_group", "group_id", "contact_id"),)

    contact_id: int = Field(foreign_key="contact.id", primary_key=True, ondelete="CASCADE")
    group_id: int = Field(foreign_key="contact_group.id", primary_key=True, ondelete="CASCADE")
    workspace_id: int = Field(foreign_key="workspace.id")
    created_at: datetime = Field(sa_type=UtcDateTime)


class Segment(SQLModel, table=True):
    """A saved filter plus search, evaluated live each time it is read."""

    __tablename__ = "segment"
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_segment_name"), _unique_name_key("segment"))

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    name: str = Field(sa_type=String(200))
    name_key: str = _name_key()
    filter: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    search: str | None = Field(default=None, sa_type=String(200))
    created_at: datetime = Field(sa_type=UtcDateTime)


class Flow(SQLModel, table=True):
    __tablename__ = "flow"
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_flow_name"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    name: str = Field(sa_type=String(200))
    created_at: datetime = Field(sa_type=UtcDateTime)


class FlowEnrolment(SQLModel, table=True):
    __tablename__ = "flow_enrolment"
    __table_args__ = (Index("ix_flow_enrolment_flow", "flow_id", "contact_id"),)

    contact_id: int = Field(foreign_key="contact.id", primary_key=True, ondelete="CASCADE")
    flow_id: int = Field(foreign_key="flow.id", primary_key=True, ondelete="CASCADE")
    workspace_id: int = Field(foreign_key="workspace.id")
    status: FlowEnrolmentStatus = Field(sa_column=Column(enum_type(FlowEnrolmentStatus), nullable=False))
    enrolled_at: datetime = Field(sa_type=UtcDateTime)


# The catalogue rows whose names are unique ignoring case and accents (flows, named by the flow
# builder, compare exactly).
FOLDED_NAMES = (Company, Department, Tag, ContactList, Group, Segment)


def _fold_on_write(mapper: Any, connection: Any, target: Any) -> None:
    target.name_key = fold(target.name)


for _model in FOLDED_NAMES:
    event.listen(_model, "before_insert", _fold_on_write)
    event.listen(_model, "before_update", _fold_on_write)
