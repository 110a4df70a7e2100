"""Set-based reads and writes of a CSV import: a few statements per batch, never one per row.

Writes go through Core executemany (SQLAlchemy splits them into multi-row statements under each
driver's parameter limit), so a batch of thousands of rows costs a handful of round trips.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, func, or_, select, union
from sqlalchemy import update as sa_update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import bindparam

from domain.enums import Channel, Role, SubscriptionStatus
from domain.models import (
    ChannelSubscription,
    Contact,
    ContactTombstone,
    CustomFieldValue,
    JobFile,
    User,
    Workspace,
)
from domain.repositories.contact_writes import MEMBERSHIP_TABLES
from domain.repositories.fast_insert import insert_many, insert_tuples
from domain.repositories.upsert import dialect_insert, insert_ignore
from domain.text import fold

# What an import compares and may change on an existing contact.
MATCH_COLUMNS = (
    Contact.id, Contact.name, Contact.email, Contact.phone, Contact.language, Contact.company_id, Contact.department_id,
)
VALUE_COLUMNS = ("value_text", "value_number", "value_date", "value_bool")


def _values(name: str, values: Sequence[Any]) -> Any:
    """An IN list bound as one expanding parameter: no per-value clause objects for lists of thousands."""
    return bindparam(name, list(values), expanding=True)


async def widen_sqlite_cache(session: AsyncSession) -> None:
    """Give SQLite a 64 MB page cache on this connection (the default 2 MB thrashes on a large import).

    Random inserts into the e-mail, phone and name indexes of 100k contacts touch far more pages
    than the default cache holds; measured, this alone saves about a quarter of the write time.
    The setting stays on the pooled connection, which only lets it cache more.
    """
    connection = await session.connection()
    if connection.dialect.name == "sqlite":
        await connection.exec_driver_sql("PRAGMA cache_size = -65536")


async def job_file(session: AsyncSession, *, job_id: int) -> JobFile | None:
    return await session.get(JobFile, job_id)


async def delete_job_file(session: AsyncSession, *, job_id: int) -> None:
    await session.execute(delete(JobFile).where(JobFile.job_id == job_id))


async def contacts_by_keys(
    session: AsyncSession, *, workspace_id: int, emails: Sequence[str], phones: Sequence[str]
) -> list[Row[Any]]:
    """Contacts of the workspace having any of these normalised e-mails or phones (one statement).

    A UNION rather than `email IN .. OR phone IN ..`: SQLite plans the OR as a scan of the whole
    workspace, while each half of the UNION uses its unique (workspace_id, email/phone) index.
    """
    mine = Contact.workspace_id == workspace_id
    parts = []
    if emails:
        parts.append(select(*MATCH_COLUMNS).where(mine, Contact.email.in_(_values("e", emails))))
    if phones:
        parts.append(select(*MATCH_COLUMNS).where(mine, Contact.phone.in_(_values("p", phones))))
    if not parts:
        return []
    result = await session.execute(parts[0] if len(parts) == 1 else union(*parts))
    return list(result.all())


async def lock_contacts_by_keys(
    session: AsyncSession, *, workspace_id: int, emails: Sequence[str], phones: Sequence[str]
) -> None:
    """Lock the contacts a batch may update before reading them, as a 1:1 edit locks its contact.

    PostgreSQL: one FOR NO KEY UPDATE in id order, so edits and other imports of these contacts wait
    (and two batches never deadlock); what the batch then reads is what it changes. SQLite needs
    nothing: the batch holds the database's write lock from its first statement (jobs.claim).
    """
    connection = await session.connection()
    if connection.dialect.name != "postgresql" or not (emails or phones):
        return
    keys = []
    if emails:
        keys.append(Contact.email.in_(_values("e", emails)))
    if phones:
        keys.append(Contact.phone.in_(_values("p", phones)))
    await session.execute(
        select(Contact.id).where(Contact.workspace_id == workspace_id, or_(*keys)).order_by(Contact.id)
        .with_for_update(key_share=True)
    )


async def tombstoned(session: AsyncSession, *, workspace_id: int, hashes: Sequence[str]) -> set[str]:
    """Which of these e-mail/phone hashes are tombstones of the workspace.

    Most workspaces have few tombstones next to a batch of thousands of hashes: then reading all of
    them is one cheap statement instead of an IN list of every hash.
    """
    if not hashes:
        return set()
    where = ContactTombstone.workspace_id == workspace_id
    count = await session.scalar(select(func.count()).select_from(ContactTombstone).where(where))
    if count <= len(hashes):
        every = await session.scalars(select(ContactTombstone.value_hash).where(where))
        return set(every).intersection(hashes)
    found = await session.scalars(
        select(ContactTombstone.value_hash).where(where, ContactTombstone.value_hash.in_(_values("h", hashes)))
    )
    return set(found)


async def names(
    session: AsyncSession, model: Any, *, workspace_id: int, keys: Iterable[str], ids: Iterable[int] = ()
) -> list[tuple[int, str]]:
    """(id, folded name) of the companies, departments, tags or lists of the workspace whose folded
    name is one of `keys` or whose id is one of `ids`, oldest first (through the unique name_key index)."""
    wanted, known = sorted(set(keys)), sorted(set(ids))
    if not wanted and not known:
        return []
    result = await session.execute(
        select(model.id, model.name_key)
        .where(model.workspace_id == workspace_id, or_(model.name_key.in_(wanted), model.id.in_(known)))
        .order_by(model.id)
    )
    return [(i, k) for i, k in result.all()]


async def create_named(
    session: AsyncSession, model: Any, *, workspace_id: int, names: Iterable[str], now: datetime
) -> None:
    """Create by name; a name another writer created meanwhile (or one that folds alike) is left as it is."""
    rows = [{"workspace_id": workspace_id, "name": n, "name_key": fold(n), "created_at": now} for n in names]
    if rows:
        await session.execute(insert_ignore(session, model.__table__, ["workspace_id", "name_key"]), rows)


async def insert_contacts(
    session: AsyncSession, *, workspace_id: int, rows: list[dict[str, Any]], constants: dict[str, Any]
) -> list[int]:
    """Insert contacts (each has an e-mail or a phone); their new ids in the order of `rows`.

    `constants` are the columns every new contact shares (origin, timestamps). The ids are read
    back as "above the highest id before the insert" and matched by e-mail or phone: cheaper than
    INSERT ... RETURNING (which SQLite splits into small statements) or an IN list of every e-mail.
    """
    if not rows:
        return []
    highest = await session.scalar(select(func.coalesce(func.max(Contact.id), 0)))
    await insert_many(session, Contact.__table__, rows, constants={"workspace_id": workspace_id, **constants})
    result = await session.execute(
        select(Contact.id, Contact.email, Contact.phone).where(
            Contact.id > highest, Contact.workspace_id == workspace_id
        )
    )
    by_email, by_phone = {}, {}
    for contact_id, email, phone in result.all():
        by_email[email] = by_phone[phone] = contact_id
    return [by_email[r["email"]] if r["email"] else by_phone[r["phone"]] for r in rows]


async def update_contacts(session: AsyncSession, *, workspace_id: int, rows: list[dict[str, Any]]) -> None:
    """Rewrite the importable columns of existing contacts; each row carries `contact_id` and every column."""
    if not rows:
        return
    table = Contact.__table__
    columns = [k for k in rows[0] if k != "contact_id"]
    # Bound names must differ from column names in an UPDATE's SET clause, hence the prefix.
    stmt = (
        sa_update(table)
        .where(table.c.workspace_id == workspace_id, table.c.id == bindparam("b_contact_id"))
        .values({c: bindparam(f"b_{c}") for c in columns})
    )
    # Core executemany: one prepared UPDATE run for every row.
    await session.execute(stmt, [{f"b_{k}": v for k, v in r.items()} for r in rows])


async def custom_values(
    session: AsyncSession, *, workspace_id: int, contact_ids: Sequence[int]
) -> dict[int, dict[int, dict[str, Any]]]:
    """contact id -> field id -> the typed value columns."""
    if not contact_ids:
        return {}
    table = CustomFieldValue.__table__
    result = await session.execute(
        select(table.c.contact_id, table.c.field_id, *(table.c[c] for c in VALUE_COLUMNS)).where(
            table.c.workspace_id == workspace_id, table.c.contact_id.in_(_values("ids", contact_ids))
        )
    )
    grouped: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
    for contact_id, field_id, *values in result.all():
        grouped[contact_id][field_id] = dict(zip(VALUE_COLUMNS, values, strict=True))
    return grouped


async def insert_custom_values(
    session: AsyncSession, *, workspace_id: int, values: Sequence[tuple[int, int, str, Any]]
) -> None:
    """(contact id, field id, value column, value) of contacts that have no values yet (just created).

    Grouped by the one column each value sets: three parameters per row bind far less than the four
    value columns with three of them NULL.
    """
    by_column: dict[str, list[tuple[int, int, Any]]] = defaultdict(list)
    for contact_id, field_id, column, value in values:
        by_column[column].append((contact_id, field_id, value))
    for column, rows in by_column.items():
        await insert_tuples(
            session, CustomFieldValue.__table__, ["contact_id", "field_id", column], rows,
            constants={"workspace_id": workspace_id},
        )


async def upsert_custom_values(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    stmt = dialect_insert(session, CustomFieldValue.__table__)
    stmt = stmt.on_conflict_do_update(
        index_elements=["contact_id", "field_id"], set_={c: stmt.excluded[c] for c in VALUE_COLUMNS}
    )
    await session.execute(stmt, rows)


async def memberships(
    session: AsyncSession, kind: str, *, workspace_id: int, contact_ids: Sequence[int]
) -> dict[int, set[int]]:
    """contact id -> the tag (or list) ids it has."""
    if not contact_ids:
        return {}
    table, column = MEMBERSHIP_TABLES[kind]
    result = await session.execute(
        select(table.contact_id, getattr(table, column)).where(
            table.workspace_id == workspace_id, table.contact_id.in_(_values("ids", contact_ids))
        )
    )
    grouped: dict[int, set[int]] = defaultdict(set)
    for contact_id, target in result.all():
        grouped[contact_id].add(target)
    return grouped


async def add_memberships(
    session: AsyncSession, kind: str, *, workspace_id: int, pairs: Iterable[tuple[int, int]], now: datetime
) -> None:
    table, column = MEMBERSHIP_TABLES[kind]
    await insert_tuples(
        session, table.__table__, ["contact_id", column], list(pairs),
        constants={"workspace_id": workspace_id, "created_at": now}, ignore_conflicts=True,
    )


async def workspace_slugs(session: AsyncSession) -> list[str]:
    return list(await session.scalars(select(Workspace.slug).order_by(Workspace.id)))


async def workspace_admin(session: AsyncSession, *, slug: str) -> tuple[int, int, Role] | None:
    """(workspace id, user id, role) of the workspace's first ADMIN user: who a command-line import acts as."""
    row = (
        await session.execute(
            select(Workspace.id, User.id, User.role)
            .join(User, User.workspace_id == Workspace.id)
            .where(Workspace.slug == slug, User.role == Role.ADMIN)
            .order_by(User.id)
            .limit(1)
        )
    ).first()
    return None if row is None else (row[0], row[1], Role(row[2]))


async def consent_states(
    session: AsyncSession, *, workspace_id: int, contact_ids: Sequence[int]
) -> dict[tuple[int, Channel], tuple[SubscriptionStatus, Any, Any, Any, Any]]:
    """(contact, channel) -> (status, consent basis, source, wording, time) of existing contacts' channels."""
    if not contact_ids:
        return {}
    subs = ChannelSubscription.__table__
    rows = await session.execute(
        select(subs.c.contact_id, subs.c.channel, subs.c.status, subs.c.consent_basis, subs.c.consent_source,
               subs.c.consent_text, subs.c.consent_at)
        .where(subs.c.workspace_id == workspace_id, subs.c.contact_id.in_(sorted(set(contact_ids))))
    )
    return {(int(c), Channel(ch)): (SubscriptionStatus(st), b, src, t, at) for c, ch, st, b, src, t, at in rows}
