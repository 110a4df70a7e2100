"""PostgreSQL: active contacts by (activity week, contact_since, id), so a status page reads its weeks

Revision ID: a7c3e9f1b5d2
Revises: f6a1b4c8d2e7
Create Date: 2026-12-04

A page of one engagement status in the default order (contact_since DESC) scanned ix_contact_ws_since
and skipped every contact of another status: for EXPIRED that is everyone who joined since the band
began, so the page grew with the workspace (12x from 10k to 1M contacts). This index holds the
not-discarded contacts with an activity, by the UTC week of their last activity, then contact_since
and id, with last_activity_at included: domain/repositories/contacts.py `_banded` reads the first
rows of each week a status spans. PostgreSQL only (SQLite keeps ix_contact_ws_since, as the
trigram index is PostgreSQL's only); the models leave it out, like ix_contact_search_trgm.
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'a7c3e9f1b5d2'
down_revision: str | None = 'f6a1b4c8d2e7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_contact_ws_activity_week_since"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON contact "
        "(workspace_id, date_trunc('week', timezone('UTC', last_activity_at)), contact_since, id) "
        "INCLUDE (last_activity_at) WHERE discard_reason IS NULL AND last_activity_at IS NOT NULL"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {INDEX}")
