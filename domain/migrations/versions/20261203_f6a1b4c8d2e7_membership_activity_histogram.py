"""members of each tag/list/group per activity day and discard reason, kept by triggers

Revision ID: f6a1b4c8d2e7
Revises: e5f9a3b7c2d4
Create Date: 2026-12-03

`membership_activity_count` is the activity histogram of d4e8f2a6b1c3 (contacts per workspace, UTC
day of last activity and discard reason) for the members of one tag, list or group: a status count
within a tag (contactStatusCounts under a tag filter, a "VIP activos" segment) is its buckets plus
the exact boundary days of that tag's members, without reading the tag's rows. Keys: the contact's
workspace and bucket, the membership's kind and target. What the tables mean:
domain/models/contact_counts.py.

Every change of a membership counts +/-1 at its contact's current bucket; a contact whose bucket
changes (workspace, day of last_activity_at, discard_reason) moves all its memberships; a deleted
contact takes its memberships out before the foreign keys cascade (the cascaded deletes can no
longer see the contact, so the membership triggers skip rows whose contact is gone).

PostgreSQL: statement-level triggers append to `membership_activity_delta`, folded into the totals
by rapport_fold_counts like the other deltas; the contact delete is a row trigger (BEFORE DELETE).
A membership trigger reads its contacts FOR SHARE: a foreign key check only takes FOR KEY SHARE,
which lets another transaction change the contact's bucket meanwhile (moving only the memberships
it can see), so the count would land in the old bucket. FOR SHARE waits for such a transaction and
reads the contact as it committed; and a later bucket change waits for the membership's transaction,
then sees its rows. That holds for READ COMMITTED (the application's level) and SERIALIZABLE writers;
a REPEATABLE READ transaction that changes a contact's bucket cannot see memberships committed after
its snapshot, and rebuild_counters repairs what it leaves.

SQLite (one writer at a time): row triggers update the totals directly.

Every count trigger function (and the fold) runs with jit off: PL/pgSQL keeps the plan a statement got
on its first call in a session, and one planned for a bulk write's transition table made every later
single-row write on that connection pay a JIT compilation (measured 10 to 260 ms per update).

The partial index of the not-discarded contacts by last activity gets `id` as its last column, so
the boundary day of one tag is an index-only range of contacts joined to the membership key.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'f6a1b4c8d2e7'
down_revision: str | None = 'e5f9a3b7c2d4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NO_ACTIVITY_DAY = -2147483648
# Membership table -> (kind, column naming the tag/list/group), as in d4e8f2a6b1c3.
MEMBERSHIPS = {
    "contact_tag": ("tag", "tag_id"),
    "contact_list_member": ("list", "list_id"),
    "contact_group_member": ("group", "group_id"),
}
# (delta table, total table, key columns) that rapport_fold_counts folds.
_FOLDED_BEFORE = [
    ("contact_activity_delta", "contact_activity_count", "workspace_id, day, discard_reason"),
    ("membership_delta", "membership_count", "workspace_id, kind, target_id"),
]
_FOLDED = [
    *_FOLDED_BEFORE,
    ("membership_activity_delta", "membership_activity_count", "workspace_id, kind, target_id, day, discard_reason"),
]
_KEY = "workspace_id, kind, target_id, day, discard_reason"
# PL/pgSQL keeps the plan a trigger's statement got on its first call in a session. Planned for a bulk
# statement's transition table (20k rows), its cost passes jit_above_cost, and every later single-row
# write on that connection paid a JIT compilation (10 ms; 260 ms with d4e8f2a6b1c3's update function).
_NO_JIT = " SET jit = off"
# d4e8f2a6b1c3's trigger functions that this revision does not replace: they get the same setting.
_EARLIER_FUNCTIONS = ["rapport_contact_counts_insert", "rapport_contact_counts_delete"] + [
    f"rapport_{table}_counts_{event}" for table in MEMBERSHIPS for event in ("insert", "delete", "update")
]


def _pg_day(column: str) -> str:
    return f"coalesce(floor(extract(epoch FROM {column}) / 86400)::integer, {NO_ACTIVITY_DAY})"


def _sqlite_day(column: str) -> str:
    return f"coalesce(CAST(julianday(date({column})) - 2440587.5 AS INTEGER), {NO_ACTIVITY_DAY})"


def _tables() -> None:
    op.create_table(
        'membership_activity_count',
        sa.Column('workspace_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('target_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('day', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('discard_reason', sa.String(length=32), nullable=False),
        sa.Column('contacts', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ),
        sa.PrimaryKeyConstraint('workspace_id', 'kind', 'target_id', 'day', 'discard_reason'),
    )
    op.create_table(
        'membership_activity_delta',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('workspace_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Integer(), nullable=False),
        sa.Column('discard_reason', sa.String(length=32), nullable=False),
        sa.Column('contacts', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_membership_activity_delta_target', 'membership_activity_delta',
                    ['workspace_id', 'kind', 'target_id'], unique=False)


def _active_activity_index(columns: list[str]) -> None:
    op.drop_index("ix_contact_ws_active_activity", table_name="contact")
    op.create_index(
        "ix_contact_ws_active_activity", "contact", columns,
        postgresql_where=sa.text("discard_reason IS NULL"), sqlite_where=sa.text("discard_reason IS NULL"),
    )


def _fill(day) -> None:
    """Count the memberships that exist already (the triggers take over from here)."""
    for table, (kind, column) in MEMBERSHIPS.items():
        op.execute(
            f"INSERT INTO membership_activity_count ({_KEY}, contacts) "
            f"SELECT c.workspace_id, '{kind}', m.{column}, {day('c.last_activity_at')}, coalesce(c.discard_reason, ''), "
            f"count(*) FROM {table} m JOIN contact c ON c.id = m.contact_id "
            f"GROUP BY c.workspace_id, m.{column}, {day('c.last_activity_at')}, coalesce(c.discard_reason, '')"
        )


# -- PostgreSQL ----------------------------------------------------------------------------------

def _pg_fold(folded: list[tuple[str, str, str]], settings: str = _NO_JIT) -> str:
    moves = "".join(
        f"""
    WITH moved AS (DELETE FROM {delta} RETURNING {key}, contacts)
    INSERT INTO {total} AS c ({key}, contacts)
    SELECT {key}, sum(contacts) FROM moved GROUP BY {key} ORDER BY {key}
    ON CONFLICT ({key}) DO UPDATE SET contacts = c.contacts + excluded.contacts;"""
        for delta, total, key in folded
    )
    return f"""
CREATE OR REPLACE FUNCTION rapport_fold_counts() RETURNS void LANGUAGE plpgsql{settings} AS $$
BEGIN
    -- One folder at a time, and never waiting for one: a writer that finds the lock taken carries on.
    -- Under REPEATABLE READ a delete of rows another folder deleted would fail the writer: leave it.
    IF current_setting('transaction_isolation') <> 'read committed'
       OR NOT pg_try_advisory_xact_lock(hashtext('rapport_fold_counts')) THEN
        RETURN;
    END IF;{moves}
END $$;
"""


def _pg_memberships_of(contact: str) -> str:
    """(kind, target_id) of every membership of one contact, through each membership key (contact_id first)."""
    return " UNION ALL ".join(
        f"SELECT '{kind}'::varchar AS kind, {column} AS target_id FROM {table} WHERE contact_id = {contact}"
        for table, (kind, column) in MEMBERSHIPS.items()
    )


def _pg_append(select: str, table: str = "membership_activity_delta", key: str = _KEY) -> str:
    """Statements appending `select`'s (key..., contacts) rows to a delta table, and folding when due."""
    return f"""
    WITH inserted AS (
        INSERT INTO {table} ({key}, contacts)
        {select}
        RETURNING id)
    SELECT count(*), max(id) INTO added, last_id FROM inserted;
    PERFORM rapport_maybe_fold(added, last_id);"""


def _pg_membership_function(function: str, kind: str, column: str, sources: list[tuple[str, int]]) -> str:
    changes = " UNION ALL ".join(f"SELECT contact_id, {column}, {sign} FROM {rows}" for rows, sign in sources)
    if len(sources) > 1:
        # An update: only rows whose contact or target changed count (and lock their contacts).
        changes = (f"SELECT contact_id, target_id, sum(sign) FROM ({changes}) AS u (contact_id, target_id, sign) "
                   "GROUP BY contact_id, target_id HAVING sum(sign) <> 0")
    return f"""
CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql{_NO_JIT} AS $$
DECLARE added bigint; last_id bigint;
BEGIN
    -- The rows' contacts are locked FOR SHARE (in id order), so they are read as last committed and
    -- cannot change bucket before this transaction ends. Rows whose contact is gone are skipped: a
    -- deleted contact took its memberships out already (rapport_contact_memberships_delete).
    WITH changes (contact_id, target_id, sign) AS MATERIALIZED ({changes}),
    locked AS MATERIALIZED (
        SELECT c.id, c.workspace_id, {_pg_day('c.last_activity_at')} AS day, coalesce(c.discard_reason, '') AS reason
        FROM contact c WHERE c.id IN (SELECT contact_id FROM changes) ORDER BY c.id FOR SHARE OF c
    ), inserted AS (
        INSERT INTO membership_activity_delta ({_KEY}, contacts)
        SELECT c.workspace_id, '{kind}', m.target_id, c.day, c.reason, sum(m.sign)
        FROM changes m JOIN locked c ON c.id = m.contact_id
        GROUP BY c.workspace_id, m.target_id, c.day, c.reason HAVING sum(m.sign) <> 0
        RETURNING id)
    SELECT count(*), max(id) INTO added, last_id FROM inserted;
    PERFORM rapport_maybe_fold(added, last_id);
    RETURN NULL;
END $$;
"""


def _pg_bucket(alias: str) -> str:
    return f"{alias}.workspace_id, {_pg_day(f'{alias}.last_activity_at')}, coalesce({alias}.discard_reason, '')"


# rapport_contact_counts_update as d4e8f2a6b1c3 made it: what the downgrade puts back.
_PG_CONTACT_UPDATE_BEFORE = f"""
CREATE OR REPLACE FUNCTION rapport_contact_counts_update() RETURNS trigger LANGUAGE plpgsql SET enable_nestloop = off AS $$
DECLARE added bigint; last_id bigint;
BEGIN
    WITH inserted AS (
        INSERT INTO contact_activity_delta (workspace_id, day, discard_reason, contacts)
        WITH changed (ow, od, orr, nw, nd, nr) AS (
            SELECT {_pg_bucket('o')}, {_pg_bucket('n')} FROM old_rows o JOIN new_rows n ON n.id = o.id
        )
        SELECT w, d, r, sum(c) FROM (
            SELECT ow, od, orr, -1 FROM changed WHERE (ow, od, orr) IS DISTINCT FROM (nw, nd, nr)
            UNION ALL SELECT nw, nd, nr, 1 FROM changed WHERE (ow, od, orr) IS DISTINCT FROM (nw, nd, nr)
        ) AS x (w, d, r, c) GROUP BY w, d, r HAVING sum(c) <> 0
        RETURNING id)
    SELECT count(*), max(id) INTO added, last_id FROM inserted;
    PERFORM rapport_maybe_fold(added, last_id);
    RETURN NULL;
END $$;
"""

_PG_WORKSPACE_MOVES = """SELECT w, d, r, sum(c) FROM (
            SELECT ow, od, orr, -1 FROM unnest(old_ws, old_days, old_reasons) AS o (ow, od, orr)
            UNION ALL SELECT nw, nd, nr, 1 FROM unnest(new_ws, new_days, new_reasons) AS n (nw, nd, nr)
        ) AS x (w, d, r, c) GROUP BY w, d, r HAVING sum(c) <> 0"""

_PG_MEMBERSHIP_MOVES = f"""SELECT w, k, t, d, r, sum(s) FROM (
            SELECT ch.ow, m.kind, m.target_id, ch.od, ch.orr, -1
            FROM unnest(ids, old_ws, old_days, old_reasons) AS ch (id, ow, od, orr)
            CROSS JOIN LATERAL ({_pg_memberships_of('ch.id')}) AS m
            UNION ALL
            SELECT ch.nw, m.kind, m.target_id, ch.nd, ch.nr, 1
            FROM unnest(ids, new_ws, new_days, new_reasons) AS ch (id, nw, nd, nr)
            CROSS JOIN LATERAL ({_pg_memberships_of('ch.id')}) AS m
        ) AS x (w, k, t, d, r, s) GROUP BY w, k, t, d, r HAVING sum(s) <> 0"""

# The contact update trigger (contact_counts_update) now moves the contacts' memberships too: one
# function finds the contacts whose bucket changed, for both histograms.
_PG_CONTACT_UPDATE = f"""
CREATE OR REPLACE FUNCTION rapport_contact_counts_update() RETURNS trigger LANGUAGE plpgsql SET enable_nestloop = off{_NO_JIT} AS $$
DECLARE added bigint; last_id bigint;
    ids integer[]; old_ws integer[]; old_days integer[]; old_reasons text[];
    new_ws integer[]; new_days integer[]; new_reasons text[];
BEGIN
    -- Only rows whose bucket changed count: most updates (a name, or a new event the same day) none.
    -- Old and new rows are paired by a hash join: transition tables have no statistics, and a nested
    -- loop over them is quadratic (a 20k-row bulk update took a minute).
    SELECT array_agg(o.id), array_agg(o.workspace_id), array_agg({_pg_day('o.last_activity_at')}),
           array_agg(coalesce(o.discard_reason, '')), array_agg(n.workspace_id),
           array_agg({_pg_day('n.last_activity_at')}), array_agg(coalesce(n.discard_reason, ''))
    INTO ids, old_ws, old_days, old_reasons, new_ws, new_days, new_reasons
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE ({_pg_bucket('o')}) IS DISTINCT FROM ({_pg_bucket('n')});
    IF ids IS NULL THEN
        RETURN NULL;
    END IF;
    {_pg_append(_PG_WORKSPACE_MOVES, table="contact_activity_delta", key="workspace_id, day, discard_reason")}
    -- Their memberships, looked up by contact: index probes in a nested loop. Memberships another
    -- transaction adds meanwhile wait for these contacts (FOR SHARE) and count at the new bucket.
    PERFORM set_config('enable_nestloop', 'on', true);
    {_pg_append(_PG_MEMBERSHIP_MOVES)}
    RETURN NULL;
END $$;
"""

# Before a contact row goes (its memberships with it, by the foreign keys' cascade, whose deletes can
# no longer see the contact): its memberships leave the histogram at its bucket.
_PG_CONTACT_DELETE = f"""
CREATE FUNCTION rapport_contact_memberships_delete() RETURNS trigger LANGUAGE plpgsql{_NO_JIT} AS $$
DECLARE added bigint; last_id bigint;
BEGIN
    {_pg_append(f'''SELECT OLD.workspace_id, m.kind, m.target_id, {_pg_day('OLD.last_activity_at')},
               coalesce(OLD.discard_reason, ''), -count(*)
        FROM ({_pg_memberships_of('OLD.id')}) AS m GROUP BY m.kind, m.target_id''')}
    RETURN OLD;
END $$;
"""


def _pg_upgrade() -> None:
    op.execute(_pg_fold(_FOLDED))
    for function in _EARLIER_FUNCTIONS:
        op.execute(f"ALTER FUNCTION {function}() SET jit = off")
    # A transition table can only be declared for one event (and no column list): one trigger per event.
    events = {
        "insert": ("NEW TABLE AS new_rows", [("new_rows", 1)]),
        "delete": ("OLD TABLE AS old_rows", [("old_rows", -1)]),
        "update": ("OLD TABLE AS old_rows NEW TABLE AS new_rows", [("new_rows", 1), ("old_rows", -1)]),
    }
    for table, (kind, column) in MEMBERSHIPS.items():
        for event, (transition, sources) in events.items():
            function = f"rapport_{table}_activity_{event}"
            op.execute(_pg_membership_function(function, kind, column, sources))
            op.execute(
                f"CREATE TRIGGER {table}_activity_{event} AFTER {event.upper()} ON {table} "
                f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
    op.execute(_PG_CONTACT_UPDATE)
    op.execute(_PG_CONTACT_DELETE)
    op.execute(
        "CREATE TRIGGER contact_memberships_delete BEFORE DELETE ON contact "
        "FOR EACH ROW EXECUTE FUNCTION rapport_contact_memberships_delete()"
    )


def _pg_downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS contact_memberships_delete ON contact")
    op.execute("DROP FUNCTION IF EXISTS rapport_contact_memberships_delete()")
    op.execute(_PG_CONTACT_UPDATE_BEFORE)
    for table in MEMBERSHIPS:
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_activity_{event} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS rapport_{table}_activity_{event}()")
    op.execute(_pg_fold(_FOLDED_BEFORE, settings=""))
    for function in _EARLIER_FUNCTIONS:
        op.execute(f"ALTER FUNCTION {function}() RESET jit")


# -- SQLite --------------------------------------------------------------------------------------

def _sqlite_count(select: str) -> str:
    return (
        f"INSERT INTO membership_activity_count ({_KEY}, contacts) {select} "
        f"ON CONFLICT ({_KEY}) DO UPDATE SET contacts = contacts + excluded.contacts;"
    )


def _sqlite_member(row: str, sign: int, kind: str, column: str) -> str:
    # No row when the contact is gone (a cascade of its delete): it took its memberships out already.
    return _sqlite_count(
        f"SELECT c.workspace_id, '{kind}', {row}.{column}, {_sqlite_day('c.last_activity_at')}, "
        f"coalesce(c.discard_reason, ''), {sign} FROM contact c WHERE c.id = {row}.contact_id"
    )


def _sqlite_contact(row: str, sign: int) -> str:
    """Every membership of the contact (OLD's id), counted at `row`'s bucket."""
    return " ".join(
        _sqlite_count(
            f"SELECT {row}.workspace_id, '{kind}', m.{column}, {_sqlite_day(f'{row}.last_activity_at')}, "
            f"coalesce({row}.discard_reason, ''), {sign} FROM {table} m WHERE m.contact_id = OLD.id"
        )
        for table, (kind, column) in MEMBERSHIPS.items()
    )


def _sqlite_upgrade() -> None:
    for table, (kind, column) in MEMBERSHIPS.items():
        op.execute(
            f"CREATE TRIGGER {table}_activity_insert AFTER INSERT ON {table} "
            f"BEGIN {_sqlite_member('NEW', 1, kind, column)} END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_activity_delete AFTER DELETE ON {table} "
            f"BEGIN {_sqlite_member('OLD', -1, kind, column)} END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_activity_update AFTER UPDATE OF contact_id, {column} ON {table} "
            f"WHEN OLD.contact_id IS NOT NEW.contact_id OR OLD.{column} IS NOT NEW.{column} "
            f"BEGIN {_sqlite_member('OLD', -1, kind, column)} {_sqlite_member('NEW', 1, kind, column)} END"
        )
    changed = (
        f"OLD.workspace_id IS NOT NEW.workspace_id "
        f"OR {_sqlite_day('OLD.last_activity_at')} IS NOT {_sqlite_day('NEW.last_activity_at')} "
        f"OR coalesce(OLD.discard_reason, '') IS NOT coalesce(NEW.discard_reason, '')"
    )
    op.execute(
        "CREATE TRIGGER contact_memberships_update AFTER UPDATE OF workspace_id, last_activity_at, discard_reason "
        f"ON contact WHEN {changed} BEGIN {_sqlite_contact('OLD', -1)} {_sqlite_contact('NEW', 1)} END"
    )
    op.execute(f"CREATE TRIGGER contact_memberships_delete BEFORE DELETE ON contact BEGIN {_sqlite_contact('OLD', -1)} END")


def _sqlite_downgrade() -> None:
    for event in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS contact_memberships_{event}")
    for table in MEMBERSHIPS:
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_activity_{event}")


def upgrade() -> None:
    _tables()
    _active_activity_index(["workspace_id", "last_activity_at", "id"])
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
    _active_activity_index(["workspace_id", "last_activity_at"])
    op.drop_index('ix_membership_activity_delta_target', table_name='membership_activity_delta')
    op.drop_table('membership_activity_delta')
    op.drop_table('membership_activity_count')
