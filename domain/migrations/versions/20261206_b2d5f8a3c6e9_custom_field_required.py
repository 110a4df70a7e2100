"""custom field definitions: required

Revision ID: b2d5f8a3c6e9
Revises: a1c4e7b2d9f5
Create Date: 2026-12-06

A required custom field needs a value on every new contact and cannot be cleared by an edit.
Existing definitions are not required (false), so nothing stored before changes meaning.

Plain ADD COLUMN with a server default on both engines (no batch rebuild), so SQLite keeps the
table's AUTOINCREMENT.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b2d5f8a3c6e9'
down_revision: str | None = 'a1c4e7b2d9f5'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        'custom_field_definition',
        sa.Column('required', sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table('custom_field_definition', schema=None) as batch_op:
        batch_op.drop_column('required')
