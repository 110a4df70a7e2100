"""imports: count the row errors a job found beyond the ones it stores

Revision ID: c3d9e5f1a7b2
Revises: b7e2c41d9a05
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'c3d9e5f1a7b2'
down_revision: str | None = 'b7e2c41d9a05'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Jobs that exist already stored every error they found: none omitted.
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('omitted_errors', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_column('omitted_errors')
