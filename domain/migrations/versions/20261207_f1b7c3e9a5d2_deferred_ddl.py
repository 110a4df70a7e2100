"""deferred_ddl: statements a bulk load set aside and still owes

Revision ID: f1b7c3e9a5d2
Revises: e5a8c2f6b9d3
Create Date: 2026-12-07

The demo's parallel loader (domain/demo/parallel) drops the bulk tables' secondary indexes and keys
and pauses the count triggers while it COPYs, then puts them back. The statements that put them back
are kept here, in the transaction that drops them, so a load that is killed halfway leaves them on
record and the next migration runs them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'f1b7c3e9a5d2'
down_revision: str | None = 'e5a8c2f6b9d3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'deferred_ddl',
        sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('statement', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('position'),
    )


def downgrade() -> None:
    op.drop_table('deferred_ddl')
