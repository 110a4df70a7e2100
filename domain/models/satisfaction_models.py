"""Which satisfaction model serves: activations, newest first per scope.

A row with a workspace applies to that workspace (set by its ADMIN through the API); a row without
one applies to every workspace that has none of its own (set with `rapport model activate`). Rows
are never updated, so the table is also the history of activations. Every server process reads the
newest row when it scores, which is how an activation reaches all of them without a restart.
"""

from datetime import datetime

from sqlalchemy import Index, String
from sqlmodel import Field, SQLModel

from domain.db import UtcDateTime


class ModelActivation(SQLModel, table=True):
    __tablename__ = "model_activation"
    __table_args__ = (Index("ix_model_activation_scope", "workspace_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int | None = Field(default=None, foreign_key="workspace.id", ondelete="CASCADE")
    version: str = Field(sa_type=String(64))
    activated_at: datetime = Field(sa_type=UtcDateTime)
    activated_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
