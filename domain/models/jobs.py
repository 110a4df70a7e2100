"""Background jobs (bulk actions, imports): durable state so a restarted server resumes them."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, String, Text
from sqlmodel import Field, SQLModel

from domain.db import UtcDateTime, enum_type
from domain.enums import JobKind, JobStatus


class Job(SQLModel, table=True):
    __tablename__ = "job"
    __table_args__ = (Index("ix_job_status", "status", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    kind: JobKind = Field(sa_column=Column(enum_type(JobKind), nullable=False))
    status: JobStatus = Field(sa_column=Column(enum_type(JobStatus), nullable=False))
    created_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(sa_type=UtcDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # What to do: the bulk action and its target, or the import options.
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    total: int = 0
    processed: int = 0
    failed: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    # Import errors found beyond the ones stored in job_row_error (domain.imports.handler.MAX_STORED_ERRORS).
    omitted_errors: int = 0
    # Imports: created rows whose e-mail or phone had been deleted before (they came back SUSPENDED).
    previously_deleted: int = 0
    # Position of the last item whose effects are committed; work resumes after it.
    cursor: int = 0
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class JobItem(SQLModel, table=True):
    """The contacts a bulk job works on, fixed when the job is created (its `total`)."""

    __tablename__ = "job_item"

    job_id: int = Field(foreign_key="job.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True)
    contact_id: int


class JobFile(SQLModel, table=True):
    """An uploaded file a job reads (the CSV of an import), kept until the job is done."""

    __tablename__ = "job_file"

    job_id: int = Field(foreign_key="job.id", primary_key=True, ondelete="CASCADE")
    filename: str = Field(sa_type=String(300))
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class JobRowError(SQLModel, table=True):
    """One rejected row of an import: row number, column and why."""

    __tablename__ = "job_row_error"
    __table_args__ = (Index("ix_job_row_error_job", "job_id", "row"),)

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="job.id", ondelete="CASCADE")
    row: int
    column: str | None = Field(default=None, sa_type=String(200))
    message: str = Field(sa_type=String(500))
