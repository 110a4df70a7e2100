"""index of channel subscriptions by state: the contacts module's channelStatus filter reads it

Revision ID: e2a7c5d9f6b4
Revises: d1f6b4c8e5a3
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'e2a7c5d9f6b4'
down_revision: str | None = 'd1f6b4c8e5a3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_channel_subscription_state", "channel_subscription",
                    ["workspace_id", "channel", "status", "contact_id"])


def downgrade() -> None:
    op.drop_index("ix_channel_subscription_state", table_name="channel_subscription")
