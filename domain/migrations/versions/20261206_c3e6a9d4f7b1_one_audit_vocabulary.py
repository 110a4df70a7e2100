"""one audit vocabulary: membership entries under one name per change, set changes as added/removed

Revision ID: c3e6a9d4f7b1
Revises: b2d5f8a3c6e9
Create Date: 2026-12-06

Bulk jobs wrote TAG_ADDED, GROUP_ADDED and FLOW_CONNECTED where one contact's change wrote
CONTACT_TAGS_ADDED and CONTACT_GROUPS_ADDED, lists were CONTACT_ADDED_TO_LIST / _REMOVED_FROM_LIST,
and a membership change was stored either as the whole set before and after (`old`/`new`, under
tag_ids, tagIds or tags) or as the one id touched. Every entry now says it one way: the actions
CONTACT_{TAGS,LISTS,GROUPS}_{ADDED,REMOVED} and CONTACT_FLOWS_ADDED, and each set change
`{"field": "tag_ids", "added": [...], "removed": [...]}` (ids sorted; field one of tag_ids, list_ids,
group_ids, flow_ids). Rows are rewritten in batches by id, so a large audit table is never held in
memory at once. Entries with no set change keep their bytes.

Downgrade renames the actions back and leaves the changes in the new shape (the old whole sets are
not recoverable from the deltas).
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c3e6a9d4f7b1'
down_revision: str | None = 'b2d5f8a3c6e9'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ACTIONS = {
    'TAG_ADDED': 'CONTACT_TAGS_ADDED',
    'GROUP_ADDED': 'CONTACT_GROUPS_ADDED',
    'FLOW_CONNECTED': 'CONTACT_FLOWS_ADDED',
    'CONTACT_ADDED_TO_LIST': 'CONTACT_LISTS_ADDED',
    'CONTACT_REMOVED_FROM_LIST': 'CONTACT_LISTS_REMOVED',
}
# Every name a membership set was stored under, and the one it has now.
_SET_FIELDS = {
    'tag_ids': 'tag_ids', 'tagIds': 'tag_ids', 'tags': 'tag_ids',
    'list_ids': 'list_ids', 'listIds': 'list_ids', 'lists': 'list_ids',
    'group_ids': 'group_ids', 'groupIds': 'group_ids', 'groups': 'group_ids',
    'flow_ids': 'flow_ids', 'flowIds': 'flow_ids', 'flows': 'flow_ids',
}
_BATCH = 5_000

audit_entry = sa.table('audit_entry', sa.column('id', sa.BigInteger), sa.column('action', sa.String),
                       sa.column('changes', sa.JSON))


def _ids(value) -> set:
    if value is None:
        return set()
    if isinstance(value, list):
        return {v for v in value if v is not None}
    return {value}


def rewrite(changes):
    """The changes with each membership set change as added/removed; None when nothing changes."""
    if not isinstance(changes, list):
        return None
    out, touched = [], False
    for change in changes:
        name = change.get('field') if isinstance(change, dict) else None
        if name not in _SET_FIELDS or 'added' in change:
            out.append(change)
            continue
        old, new = _ids(change.get('old')), _ids(change.get('new'))
        out.append({'field': _SET_FIELDS[name], 'added': sorted(new - old), 'removed': sorted(old - new)})
        touched = True
    return out if touched else None


def upgrade() -> None:
    bind = op.get_bind()
    for old, new in _ACTIONS.items():
        bind.execute(audit_entry.update().where(audit_entry.c.action == old).values(action=new))
    # Only entries whose text names a set field can hold one; the text filter spares the rest a parse.
    text = sa.cast(audit_entry.c.changes, sa.Text)
    mentions = sa.or_(*(text.like(f'%"{name}"%') for name in _SET_FIELDS))
    last = 0
    while True:
        rows = bind.execute(
            sa.select(audit_entry.c.id, audit_entry.c.changes)
            .where(audit_entry.c.id > last, mentions).order_by(audit_entry.c.id).limit(_BATCH)
        ).all()
        if not rows:
            break
        last = rows[-1][0]
        updates = []
        for entry_id, changes in rows:
            if isinstance(changes, str):  # a driver that hands JSON back as text
                changes = json.loads(changes)
            rewritten = rewrite(changes)
            if rewritten is not None:
                updates.append({'entry_id': entry_id, 'rewritten': rewritten})
        if updates:
            bind.execute(
                audit_entry.update().where(audit_entry.c.id == sa.bindparam('entry_id'))
                .values(changes=sa.bindparam('rewritten', type_=sa.JSON)),
                updates,
            )


def downgrade() -> None:
    bind = op.get_bind()
    for old, new in _ACTIONS.items():
        bind.execute(audit_entry.update().where(audit_entry.c.action == new).values(action=old))
