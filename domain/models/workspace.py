"""Tenants, their users and the API keys that act as those users."""

from datetime import datetime

from sqlalchemy import Column, Index, String
from sqlmodel import Field, SQLModel

from domain.db import UtcDateTime, enum_type
from domain.enums import Role


class Workspace(SQLModel, table=True):
    __tablename__ = "workspace"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(200))
    slug: str = Field(sa_type=String(100), unique=True)
    created_at: datetime = Field(sa_type=UtcDateTime)


class User(SQLModel, table=True):
    """A person of a workspace; e-mails are stored folded (domain.text.normalize_email), one per workspace."""

    __tablename__ = "app_user"
    __table_args__ = (Index("ux_app_user_workspace_email", "workspace_id", "email", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    name: str = Field(sa_type=String(200))
    email: str = Field(sa_type=String(320))
    role: Role = Field(sa_column=Column(enum_type(Role), nullable=False))
    created_at: datetime = Field(sa_type=UtcDateTime)
    # Set: the user can no longer authenticate (keys revoked, tokens refused); kept for history and assignment.
    deactivated_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class ApiKey(SQLModel, table=True):
    """Only a SHA-256 of the key is stored; the key itself is shown once, when minted."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    key_hash: str = Field(sa_type=String(64), unique=True)
    # The key's first characters ("rpk_" + 8): shown in listings and accepted by `rapport key revoke`.
    prefix: str = Field(sa_type=String(16), index=True)
    label: str = Field(default="", sa_type=String(200))
    created_at: datetime = Field(sa_type=UtcDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # Written at most once a minute per key and process (domain.services.auth), never on every request.
    last_used_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
