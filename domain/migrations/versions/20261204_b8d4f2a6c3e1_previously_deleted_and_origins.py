"""imports count the rows that came back suspended; SATISFACTION_RESCORE is no contact origin

Revision ID: b8d4f2a6c3e1
Revises: a7c3e9f1b5d2
Create Date: 2026-12-04

`job.previously_deleted`: rows of an import that created a contact whose e-mail or phone had been
deleted before (they come back SUSPENDED); jobs that exist already counted none. A contact whose
origin was given as SATISFACTION_RESCORE (a job kind, never an origin; only a client could set it,
through contactCreate) becomes API, the origin of what a client creates.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b8d4f2a6c3e1'
down_revision: str | None = 'a7c3e9f1b5d2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previously_deleted', sa.Integer(), nullable=False, server_default='0'))
    op.execute("UPDATE contact SET origin = 'API' WHERE origin = 'SATISFACTION_RESCORE'")


def downgrade() -> None:
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_column('previously_deleted')
