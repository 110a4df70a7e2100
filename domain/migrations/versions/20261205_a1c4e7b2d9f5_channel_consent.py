"""consent per channel: legal basis, source, when, who and the wording agreed to

Revision ID: a1c4e7b2d9f5
Revises: f3b8d6e1a7c9
Create Date: 2026-12-05

channel_subscription gains the latest consent on record for the channel. Rows stored before this
revision have none (null): nobody recorded one.

Plain ADD COLUMN on both engines (no batch rebuild), so SQLite keeps the table's AUTOINCREMENT.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'a1c4e7b2d9f5'
down_revision: str | None = 'f3b8d6e1a7c9'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT_COLUMNS = (('consent_basis', 32), ('consent_source', 32))


def upgrade() -> None:
    for name, length in _TEXT_COLUMNS:
        op.add_column('channel_subscription', sa.Column(name, sa.String(length=length), nullable=True))
    op.add_column('channel_subscription', sa.Column('consent_at', sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite adds a column with its reference in one ALTER; Alembic would want a table rebuild.
        op.execute('ALTER TABLE channel_subscription ADD COLUMN consent_by_user_id INTEGER REFERENCES app_user (id)')
    else:
        op.add_column('channel_subscription', sa.Column('consent_by_user_id', sa.Integer(), nullable=True))
        op.create_foreign_key(None, 'channel_subscription', 'app_user', ['consent_by_user_id'], ['id'])
    op.add_column('channel_subscription', sa.Column('consent_text', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('channel_subscription', schema=None) as batch_op:
        for name in ('consent_text', 'consent_by_user_id', 'consent_at', 'consent_source', 'consent_basis'):
            batch_op.drop_column(name)
