"""SQLite: every table with an integer id never reuses one (AUTOINCREMENT)

Revision ID: f3b8d6e1a7c9
Revises: e2a7c5d9f6b4
Create Date: 2026-12-04

Without AUTOINCREMENT SQLite gives a new row the largest id + 1, so deleting the newest tag and
creating another handed out the deleted tag's id again: old history entries, job snapshots and
bookmarked global ids then named the new tag. Ids are public, so no table may reuse them. SQLite can
only add AUTOINCREMENT by rebuilding a table (alembic's batch mode: copy, drop, rename), which
domain.migrate runs with foreign keys off, checking them before it commits (a table dropped with
foreign keys on would cascade its deletes). The copied rows keep their ids, and the sequence starts at
the largest. PostgreSQL sequences never reuse a value: nothing to do there.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'f3b8d6e1a7c9'
down_revision: str | None = 'e2a7c5d9f6b4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _tables_to_rebuild(bind) -> list[str]:
    inspector = sa.inspect(bind)
    tables = []
    for name in inspector.get_table_names():
        if name == "alembic_version":
            continue
        pk = inspector.get_pk_constraint(name).get("constrained_columns") or []
        if pk != ["id"]:
            continue
        sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).scalar()
        if "AUTOINCREMENT" not in (sql or "").upper():
            tables.append(name)
    return sorted(tables)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    enforced = bind.exec_driver_sql("PRAGMA foreign_keys").scalar()
    if enforced:
        raise RuntimeError("rebuilding tables needs foreign keys off: run it through domain.migrate.upgrade")
    for name in _tables_to_rebuild(bind):
        with op.batch_alter_table(name, recreate="always", table_kwargs={"sqlite_autoincrement": True}):
            pass


def downgrade() -> None:
    pass  # ids that are never reused harm nobody
