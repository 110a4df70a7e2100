"""contacts module counts kept by triggers: contacts per activity day and discard reason, members per tag/list/group

Revision ID: d4e8f2a6b1c3
Revises: c3d9e5f1a7b2
Create Date: 2026-12-02

The SQL of the triggers is written out here (not imported from the application) so that this
revision always builds the same schema. What the tables mean: domain/models/contact_counts.py.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'd4e8f2a6b1c3'
down_revision: str | None = 'c3d9e5f1a7b2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NO_ACTIVITY_DAY = -2147483648
# Membership table -> (kind stored in membership_count, column naming the tag/list/group).
MEMBERSHIPS = {
    "contact_tag": ("tag", "tag_id"),
    "contact_list_member": ("list", "list_id"),
    "contact_group_member": ("group", "group_id"),
}
# Writers fold the deltas into the totals about once per this many delta rows.
FOLD_EVERY = 256


def _pg_day(column: str) -> str:
    return f"coalesce(floor(extract(epoch FROM {column}) / 86400)::integer, {NO_ACTIVITY_DAY})"


def _sqlite_day(column: str) -> str:
    # date() reads the stored UTC text; julianday of a midnight minus the epoch's is a whole number.
    return f"coalesce(CAST(julianday(date({column})) - 2440587.5 AS INTEGER), {NO_ACTIVITY_DAY})"


def _tables() -> None:
    op.create_table(
        'contact_activity_count',
        sa.Column('workspace_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('discard_reason', sa.String(length=32), nullable=False),
        sa.Column('contacts', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ),
        sa.PrimaryKeyConstraint('workspace_id', 'day', 'discard_reason'),
    )
    op.create_table(
        'contact_activity_delta',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('workspace_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Integer(), nullable=False),
        sa.Column('discard_reason', sa.String(length=32), nullable=False),
        sa.Column('contacts', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_contact_activity_delta_ws', 'contact_activity_delta', ['workspace_id'], unique=False)
    op.create_table(
        'membership_count',
        sa.Column('workspace_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('target_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('contacts', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ),
        sa.PrimaryKeyConstraint('workspace_id', 'kind', 'target_id'),
    )
    op.create_table(
        'membership_delta',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('workspace_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('contacts', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_membership_delta_ws', 'membership_delta', ['workspace_id'], unique=False)


def _fill(day) -> None:
    """Count what exists already (the triggers take over from here)."""
    op.execute(
        "INSERT INTO contact_activity_count (workspace_id, day, discard_reason, contacts) "
        f"SELECT workspace_id, {day('last_activity_at')}, coalesce(discard_reason, ''), count(*) FROM contact "
        f"GROUP BY workspace_id, {day('last_activity_at')}, coalesce(discard_reason, '')"
    )
    for table, (kind, column) in MEMBERSHIPS.items():
        op.execute(
            "INSERT INTO membership_count (workspace_id, kind, target_id, contacts) "
            f"SELECT workspace_id, '{kind}', {column}, count(*) FROM {table} GROUP BY workspace_id, {column}"
        )


# -- PostgreSQL: statement-level triggers with transition tables append grouped deltas ----------

_PG_FOLD = f"""
CREATE FUNCTION rapport_fold_counts() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- One folder at a time, and never waiting for one: a writer that finds the lock taken carries on.
    -- Under REPEATABLE READ a delete of rows another folder deleted would fail the writer: leave it.
    IF current_setting('transaction_isolation') <> 'read committed'
       OR NOT pg_try_advisory_xact_lock(hashtext('rapport_fold_counts')) THEN
        RETURN;
    END IF;
    WITH moved AS (DELETE FROM contact_activity_delta RETURNING workspace_id, day, discard_reason, contacts)
    INSERT INTO contact_activity_count AS c (workspace_id, day, discard_reason, contacts)
    SELECT workspace_id, day, discard_reason, sum(contacts) FROM moved
    GROUP BY workspace_id, day, discard_reason ORDER BY workspace_id, day, discard_reason
    ON CONFLICT (workspace_id, day, discard_reason) DO UPDATE SET contacts = c.contacts + excluded.contacts;
    WITH moved AS (DELETE FROM membership_delta RETURNING workspace_id, kind, target_id, contacts)
    INSERT INTO membership_count AS c (workspace_id, kind, target_id, contacts)
    SELECT workspace_id, kind, target_id, sum(contacts) FROM moved
    GROUP BY workspace_id, kind, target_id ORDER BY workspace_id, kind, target_id
    ON CONFLICT (workspace_id, kind, target_id) DO UPDATE SET contacts = c.contacts + excluded.contacts;
END $$;
"""

_PG_MAYBE_FOLD = f"""
CREATE FUNCTION rapport_maybe_fold(added bigint, last_id bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- Fold when this statement's delta ids passed a multiple of {FOLD_EVERY}.
    IF added > 0 AND last_id % {FOLD_EVERY} < added THEN
        PERFORM rapport_fold_counts();
    END IF;
END $$;
"""


def _pg_contact_function(name: str, body: str) -> str:
    # Transition tables carry no statistics: joining old and new rows by id as a nested loop is
    # quadratic (a 20k-row bulk update took a minute). The setting holds only while the function runs.
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql SET enable_nestloop = off AS $$
DECLARE added bigint; last_id bigint;
BEGIN
    WITH inserted AS (
        INSERT INTO contact_activity_delta (workspace_id, day, discard_reason, contacts)
        {body}
        RETURNING id)
    SELECT count(*), max(id) INTO added, last_id FROM inserted;
    PERFORM rapport_maybe_fold(added, last_id);
    RETURN NULL;
END $$;
"""


def _pg_bucket(alias: str) -> str:
    return f"{alias}.workspace_id, {_pg_day(f'{alias}.last_activity_at')}, coalesce({alias}.discard_reason, '')"


_PG_CONTACT_INSERT = f"SELECT {_pg_bucket('n')}, count(*) FROM new_rows n GROUP BY 1, 2, 3"
_PG_CONTACT_DELETE = f"SELECT {_pg_bucket('o')}, -count(*) FROM old_rows o GROUP BY 1, 2, 3"
# Only rows whose bucket changed produce deltas: most updates (a name, or a new event the same day) none.
# Measured against a row-level trigger with a WHEN on the buckets: the same ~35 µs per single-row
# update, but a bulk update costs ~2 µs per row here against a function call per changed row there.
_PG_CONTACT_UPDATE = f"""WITH changed (ow, od, orr, nw, nd, nr) AS (
            SELECT {_pg_bucket('o')}, {_pg_bucket('n')} FROM old_rows o JOIN new_rows n ON n.id = o.id
        )
        SELECT w, d, r, sum(c) FROM (
            SELECT ow, od, orr, -1 FROM changed WHERE (ow, od, orr) IS DISTINCT FROM (nw, nd, nr)
            UNION ALL SELECT nw, nd, nr, 1 FROM changed WHERE (ow, od, orr) IS DISTINCT FROM (nw, nd, nr)
        ) AS x (w, d, r, c) GROUP BY w, d, r HAVING sum(c) <> 0"""


def _pg_membership_function(function: str, kind: str, column: str, sources: list[tuple[str, int]]) -> str:
    changes = " UNION ALL ".join(f"SELECT workspace_id, {column}, {sign} FROM {rows}" for rows, sign in sources)
    return f"""
CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE added bigint; last_id bigint;
BEGIN
    WITH inserted AS (
        INSERT INTO membership_delta (workspace_id, kind, target_id, contacts)
        SELECT workspace_id, '{kind}', target_id, sum(c) FROM ({changes}) AS x (workspace_id, target_id, c)
        GROUP BY workspace_id, target_id HAVING sum(c) <> 0
        RETURNING id)
    SELECT count(*), max(id) INTO added, last_id FROM inserted;
    PERFORM rapport_maybe_fold(added, last_id);
    RETURN NULL;
END $$;
"""


def _pg_upgrade() -> None:
    op.execute(_PG_FOLD)
    op.execute(_PG_MAYBE_FOLD)
    for event, body, tables in [
        ("insert", _PG_CONTACT_INSERT, "NEW TABLE AS new_rows"),
        ("delete", _PG_CONTACT_DELETE, "OLD TABLE AS old_rows"),
        ("update", _PG_CONTACT_UPDATE, "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ]:
        op.execute(_pg_contact_function(f"rapport_contact_counts_{event}", body))
        op.execute(
            f"CREATE TRIGGER contact_counts_{event} AFTER {event.upper()} ON contact "
            f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION rapport_contact_counts_{event}()"
        )
    # A transition table can only be declared for one event: one trigger (and function) per event.
    events = {
        "insert": ("NEW TABLE AS new_rows", [("new_rows", 1)]),
        "delete": ("OLD TABLE AS old_rows", [("old_rows", -1)]),
        "update": ("OLD TABLE AS old_rows NEW TABLE AS new_rows", [("new_rows", 1), ("old_rows", -1)]),
    }
    for table, (kind, column) in MEMBERSHIPS.items():
        for event, (transition, sources) in events.items():
            function = f"rapport_{table}_counts_{event}"
            op.execute(_pg_membership_function(function, kind, column, sources))
            op.execute(
                f"CREATE TRIGGER {table}_counts_{event} AFTER {event.upper()} ON {table} "
                f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )


def _pg_downgrade() -> None:
    for event in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS contact_counts_{event} ON contact")
        op.execute(f"DROP FUNCTION IF EXISTS rapport_contact_counts_{event}()")
        for table in MEMBERSHIPS:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_counts_{event} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS rapport_{table}_counts_{event}()")
    op.execute("DROP FUNCTION IF EXISTS rapport_maybe_fold(bigint, bigint)")
    op.execute("DROP FUNCTION IF EXISTS rapport_fold_counts()")


# -- SQLite: row-level triggers update the totals (one writer at a time: no hot-row queue) ------

def _sqlite_add(row: str, sign: str) -> str:
    return (
        "INSERT INTO contact_activity_count (workspace_id, day, discard_reason, contacts) "
        f"VALUES ({row}.workspace_id, {_sqlite_day(f'{row}.last_activity_at')}, coalesce({row}.discard_reason, ''), {sign}1) "
        f"ON CONFLICT (workspace_id, day, discard_reason) DO UPDATE SET contacts = contacts {sign} 1;"
    )


def _sqlite_member_add(row: str, sign: str, kind: str, column: str) -> str:
    return (
        "INSERT INTO membership_count (workspace_id, kind, target_id, contacts) "
        f"VALUES ({row}.workspace_id, '{kind}', {row}.{column}, {sign}1) "
        f"ON CONFLICT (workspace_id, kind, target_id) DO UPDATE SET contacts = contacts {sign} 1;"
    )


def _sqlite_upgrade() -> None:
    op.execute(f"CREATE TRIGGER contact_counts_insert AFTER INSERT ON contact BEGIN {_sqlite_add('NEW', '+')} END")
    op.execute(f"CREATE TRIGGER contact_counts_delete AFTER DELETE ON contact BEGIN {_sqlite_add('OLD', '-')} END")
    changed = (
        f"OLD.workspace_id IS NOT NEW.workspace_id "
        f"OR {_sqlite_day('OLD.last_activity_at')} IS NOT {_sqlite_day('NEW.last_activity_at')} "
        f"OR coalesce(OLD.discard_reason, '') IS NOT coalesce(NEW.discard_reason, '')"
    )
    op.execute(
        "CREATE TRIGGER contact_counts_update AFTER UPDATE OF workspace_id, last_activity_at, discard_reason "
        f"ON contact WHEN {changed} BEGIN {_sqlite_add('OLD', '-')} {_sqlite_add('NEW', '+')} END"
    )
    for table, (kind, column) in MEMBERSHIPS.items():
        op.execute(
            f"CREATE TRIGGER {table}_counts_insert AFTER INSERT ON {table} "
            f"BEGIN {_sqlite_member_add('NEW', '+', kind, column)} END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_counts_delete AFTER DELETE ON {table} "
            f"BEGIN {_sqlite_member_add('OLD', '-', kind, column)} END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_counts_update AFTER UPDATE OF workspace_id, {column} ON {table} "
            f"WHEN OLD.workspace_id IS NOT NEW.workspace_id OR OLD.{column} IS NOT NEW.{column} "
            f"BEGIN {_sqlite_member_add('OLD', '-', kind, column)} {_sqlite_member_add('NEW', '+', kind, column)} END"
        )


def _sqlite_downgrade() -> None:
    for event in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS contact_counts_{event}")
        for table in MEMBERSHIPS:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_counts_{event}")


def upgrade() -> None:
    _tables()
    if op.get_bind().dialect.name == "postgresql":
        _fill(_pg_day)
        _pg_upgrade()
    else:
        _fill(_sqlite_day)
        _sqlite_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _pg_downgrade()
    else:
        _sqlite_downgrade()
    op.drop_index('ix_membership_delta_ws', table_name='membership_delta')
    op.drop_table('membership_delta')
    op.drop_table('membership_count')
    op.drop_index('ix_contact_activity_delta_ws', table_name='contact_activity_delta')
    op.drop_table('contact_activity_delta')
    op.drop_table('contact_activity_count')
