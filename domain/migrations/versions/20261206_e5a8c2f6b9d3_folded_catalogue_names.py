"""catalogue names unique ignoring case and accents in the database: a stored folded name

Revision ID: e5a8c2f6b9d3
Revises: c3e6a9d4f7b1
Create Date: 2026-12-06

Tags, departments, groups, contact lists, companies and segments were unique ignoring case and accents only
by a check in Python, so two requests creating "Envío" and "envio" at the same moment could both
pass it. Each table gains `name_key`, the name as domain.text.fold folds it, under a unique index
(workspace, name_key): the database now refuses the second. Names that fold alike but were both
stored before the rule keep their names; the later ones get a key that cannot clash (the fold, a
unit separator and the row id), so the index can be built and nothing is renamed.

ADD COLUMN with a default on both engines (SQLite keeps each table's AUTOINCREMENT; no rebuild), the
keys filled from Python in batches by id; on PostgreSQL the default is dropped afterwards (every
writer sets the key; SQLite cannot drop a column default without rebuilding the table).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from domain.text import fold

revision: str = 'e5a8c2f6b9d3'
down_revision: str | None = 'c3e6a9d4f7b1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ('company', 'department', 'tag', 'contact_list', 'contact_group', 'segment')
_BATCH = 5_000


def _fill(bind, name: str) -> None:
    table = sa.table(name, sa.column('id', sa.Integer), sa.column('workspace_id', sa.Integer),
                     sa.column('name', sa.String), sa.column('name_key', sa.String))
    taken: set[tuple[int, str]] = set()
    last = 0
    while True:
        rows = bind.execute(
            sa.select(table.c.id, table.c.workspace_id, table.c.name)
            .where(table.c.id > last).order_by(table.c.id).limit(_BATCH)
        ).all()
        if not rows:
            return
        last = rows[-1][0]
        keys = []
        for row_id, workspace_id, row_name in rows:
            key = fold(row_name)
            if (workspace_id, key) in taken:  # an older row of the workspace folds alike: keep both names
                key = f'{key}\u001f{row_id}'
            taken.add((workspace_id, key))
            keys.append({'row_id': row_id, 'key': key})
        bind.execute(table.update().where(table.c.id == sa.bindparam('row_id')).values(name_key=sa.bindparam('key')), keys)


def upgrade() -> None:
    bind = op.get_bind()
    for name in _TABLES:
        op.add_column(name, sa.Column('name_key', sa.String(length=400), nullable=False, server_default=''))
        _fill(bind, name)
        if bind.dialect.name == 'postgresql':
            op.alter_column(name, 'name_key', server_default=None)
        op.create_index(f'uq_{name}_name_key', name, ['workspace_id', 'name_key'], unique=True)


def downgrade() -> None:
    for name in _TABLES:
        op.drop_index(f'uq_{name}_name_key', table_name=name)
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_column('name_key')
