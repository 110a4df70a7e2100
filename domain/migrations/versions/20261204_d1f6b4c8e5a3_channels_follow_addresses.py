"""every contact with an e-mail has an EMAIL channel, every contact with a phone an SMS channel

Revision ID: d1f6b4c8e5a3
Revises: c9e5a3b7d4f2
Create Date: 2026-12-04

A contact's channels follow its addresses (domain/repositories/channel_addresses.py): created with an
e-mail and a phone, it shows EMAIL and SMS at once. Contacts stored before got a channel only with
their first message; this adds the missing EMAIL and SMS rows, SUBSCRIBED, dated when the contact was
created. WHATSAPP and RCS still appear only once the phone has used them.
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'd1f6b4c8e5a3'
down_revision: str | None = 'c9e5a3b7d4f2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for channel, column in (("EMAIL", "email"), ("SMS", "phone")):
        op.execute(
            "INSERT INTO channel_subscription (workspace_id, contact_id, channel, address, status, changed_at, "
            "hard_bounces, soft_bounces) "
            f"SELECT c.workspace_id, c.id, '{channel}', c.{column}, 'SUBSCRIBED', c.created_at, 0, 0 FROM contact c "
            f"WHERE c.{column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM channel_subscription s "
            f"WHERE s.contact_id = c.id AND s.channel = '{channel}')"
        )


def downgrade() -> None:
    pass  # the rows are real subscriptions now; nothing tells the added ones apart
