"""Workspace-defined contact fields and their typed values."""

from datetime import date

from sqlalchemy import JSON, Boolean, Column, Date, Float, String, Text, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from domain.enums import CustomFieldType
from domain.db import enum_type


class CustomFieldDefinition(SQLModel, table=True):
    __tablename__ = "custom_field_definition"
    __table_args__ = (UniqueConstraint("workspace_id", "key", name="uq_custom_field_key"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    key: str = Field(sa_type=String(64))
    label: str = Field(sa_type=String(200))
    type: CustomFieldType = Field(sa_column=Column(enum_type(CustomFieldType), nullable=False))
    # For CHOICE fields: the allowed values.
    choices: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    position: int = 0
    # A new contact must have a value, and no edit may clear it (contacts stored before keep theirs blank).
    required: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, default=False, server_default=false()))


class CustomFieldValue(SQLModel, table=True):
    """One typed value; exactly the column matching the definition's type is set."""

    __tablename__ = "custom_field_value"

    contact_id: int = Field(foreign_key="contact.id", primary_key=True, ondelete="CASCADE")
    field_id: int = Field(foreign_key="custom_field_definition.id", primary_key=True, ondelete="CASCADE")
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    value_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    value_number: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    value_date: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    value_bool: bool | None = None
