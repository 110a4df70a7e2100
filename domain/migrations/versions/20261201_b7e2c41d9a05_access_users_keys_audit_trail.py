"""access: deactivated users, one e-mail per workspace, key expiry and last use, the workspace audit trail

Revision ID: b7e2c41d9a05
Revises: 454fd10f9358
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.db


revision: str = 'b7e2c41d9a05'
down_revision: str | None = '454fd10f9358'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # E-mails become the user's login name (JWT `sub`, `rapport user ...`): fold them before the unique index.
    op.execute("UPDATE app_user SET email = lower(trim(email))")
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deactivated_at', domain.db.UtcDateTime(timezone=True), nullable=True))
        batch_op.create_index('ux_app_user_workspace_email', ['workspace_id', 'email'], unique=True)

    with op.batch_alter_table('api_key', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', domain.db.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_used_at', domain.db.UtcDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_api_key_prefix'), ['prefix'], unique=False)

    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_type', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('subject_id', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('source', sa.String(length=16), nullable=True))
        batch_op.create_index('ix_audit_workspace_time', ['workspace_id', 'at', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_workspace_time')
        batch_op.drop_column('source')
        batch_op.drop_column('subject_id')
        batch_op.drop_column('subject_type')

    with op.batch_alter_table('api_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_key_prefix'))
        batch_op.drop_column('last_used_at')
        batch_op.drop_column('expires_at')

    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_index('ux_app_user_workspace_email')
        batch_op.drop_column('deactivated_at')
