"""message events that discard: bounce kinds, complaints, invalid addresses, sends blocked by a discard

Revision ID: c9e5a3b7d4f2
Revises: b8d4f2a6c3e1
Create Date: 2026-12-04

- message_event.detail: HARD/SOFT for a BOUNCED event, INVALID_ADDRESS/OTHER for a FAILED one.
- contact_channel_daily.complained: COMPLAINED events per day (spam reports).
- channel_subscription.hard_bounces, soft_bounces, last_bounce_at: each channel's bounces, kept on
  write. Bounces stored before this revision never said their kind: they are counted as soft (none
  of them discarded anyone), from the events themselves.
- contact.discard_channel, discard_address: the channel and address of the event that discarded a
  contact, for the reactivation rule (an unchanged address needs `force`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c9e5a3b7d4f2'
down_revision: str | None = 'b8d4f2a6c3e1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('message_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('detail', sa.String(length=32), nullable=True))
    with op.batch_alter_table('contact_channel_daily', schema=None) as batch_op:
        batch_op.add_column(sa.Column('complained', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('channel_subscription', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hard_bounces', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('soft_bounces', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('last_bounce_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discard_channel', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('discard_address', sa.String(length=320), nullable=True))
    op.execute(
        "UPDATE channel_subscription SET soft_bounces = b.n, last_bounce_at = b.latest "
        "FROM (SELECT contact_id, channel, count(*) AS n, max(occurred_at) AS latest FROM message_event "
        "WHERE type = 'BOUNCED' GROUP BY contact_id, channel) AS b "
        "WHERE channel_subscription.contact_id = b.contact_id AND channel_subscription.channel = b.channel"
    )


def downgrade() -> None:
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_column('discard_address')
        batch_op.drop_column('discard_channel')
    with op.batch_alter_table('channel_subscription', schema=None) as batch_op:
        batch_op.drop_column('last_bounce_at')
        batch_op.drop_column('soft_bounces')
        batch_op.drop_column('hard_bounces')
    with op.batch_alter_table('contact_channel_daily', schema=None) as batch_op:
        batch_op.drop_column('complained')
    with op.batch_alter_table('message_event', schema=None) as batch_op:
        batch_op.drop_column('detail')
