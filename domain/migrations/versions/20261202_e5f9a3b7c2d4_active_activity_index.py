"""index of the contacts not discarded by last activity: the status counts' boundary days read it alone

Revision ID: e5f9a3b7c2d4
Revises: d4e8f2a6b1c3
Create Date: 2026-12-02

The status counts count, for each of the three band boundaries, the not-discarded contacts of one
activity day exactly. Through ix_contact_ws_activity that visits every such contact's row to read
its discard_reason (18k rows and 70 ms per boundary day at 1M contacts); this partial index holds
exactly those contacts, so the count is an index-only range.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e5f9a3b7c2d4'
down_revision: str | None = 'd4e8f2a6b1c3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_contact_ws_active_activity", "contact", ["workspace_id", "last_activity_at"],
        postgresql_where=sa.text("discard_reason IS NULL"), sqlite_where=sa.text("discard_reason IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_contact_ws_active_activity", table_name="contact")
