"""Set-based writes of a bulk action: one statement per table and batch, scoped to one workspace.

A batch is the job's items with positions in (after, upto]; statements select its contacts with a
subquery on job_item instead of sending thousands of ids as parameters.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Select, String, and_, case, delete, exists, func, literal, not_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import UtcDateTime
from domain.enums import Channel, DiscardReason, FlowEnrolmentStatus, SubscriptionStatus
from domain.models import ChannelSubscription, Contact, FlowEnrolment, JobItem
from domain.repositories.upsert import insert_ignore


@dataclass(frozen=True)
class BatchItem:
    position: int
    contact_id: int
    alive: bool  # False when the contact was deleted after the job was created
    discard_reason: DiscardReason | None


@dataclass(frozen=True)
class Batch:
    job_id: int
    workspace_id: int
    after: int
    upto: int

    def contact_ids(self) -> Select[Any]:
        """The ids of the batch's items, as a subquery: a range of job_item's primary key.

        Every statement that uses it keeps to rows of the workspace itself (the contact's, or the
        membership's, which is its contact's), so an item whose contact was deleted matches nothing
        there; joining contact here as well only made each batch statement read contacts twice.
        """
        return select(JobItem.contact_id).where(
            JobItem.job_id == self.job_id, JobItem.position > self.after, JobItem.position <= self.upto
        )


def _window(*, job_id: int, after: int, size: int) -> Any:
    """The next `size` items after position `after`, as a subquery.

    The LIMIT sits inside so the planner knows the window's size whatever it thinks of job_item
    (a job's items are written just before its first batch, before any ANALYZE): it then looks
    each contact up by primary key instead of scanning the workspace to hash-join them.
    """
    return (
        select(JobItem.position, JobItem.contact_id)
        .where(JobItem.job_id == job_id, JobItem.position > after)
        .order_by(JobItem.position)
        .limit(size)
        .subquery("window")
    )


async def next_items(
    session: AsyncSession, *, job_id: int, workspace_id: int, after: int, size: int
) -> list[BatchItem]:
    """The next `size` items after position `after`, each with whether its contact still exists."""
    window = _window(job_id=job_id, after=after, size=size)
    rows = await session.execute(
        select(window.c.position, window.c.contact_id, Contact.id, Contact.discard_reason)
        .select_from(window)
        .outerjoin(Contact, and_(Contact.id == window.c.contact_id, Contact.workspace_id == workspace_id))
        .order_by(window.c.position)
    )
    return [BatchItem(p, c, live is not None, reason) for p, c, live, reason in rows]


@dataclass(frozen=True)
class Window:
    items: int  # items in the window (0: the job is done)
    alive: int  # those whose contact still exists
    upto: int  # the last item's position


async def next_window(session: AsyncSession, *, job_id: int, workspace_id: int, after: int, size: int) -> Window:
    """How many of the next `size` items there are, how many still have their contact, and where the
    window ends: what an action that needs nothing per item reads, in one row instead of thousands."""
    window = _window(job_id=job_id, after=after, size=size)
    items, alive, upto = (
        await session.execute(
            select(func.count(), func.count(Contact.id), func.coalesce(func.max(window.c.position), after))
            .select_from(window)
            .outerjoin(Contact, and_(Contact.id == window.c.contact_id, Contact.workspace_id == workspace_id))
        )
    ).one()
    return Window(int(items), int(alive), int(upto))


async def add_memberships(
    session: AsyncSession, batch: Batch, *, table: Any, column: str, target_id: int, now: datetime
) -> list[int]:
    """Put the batch's contacts in a tag, group or flow; returns the contacts newly added.

    ON CONFLICT DO NOTHING leaves existing memberships (and their dates) alone, and RETURNING
    reports only the rows inserted, so the audit records real changes only.
    """
    values: dict[str, Any] = {
        column: literal(target_id),
        "workspace_id": literal(batch.workspace_id),
    }
    if table is FlowEnrolment.__table__:
        values["status"] = literal(FlowEnrolmentStatus.ACTIVE.value)
        values["enrolled_at"] = literal(now, UtcDateTime())
    else:
        values["created_at"] = literal(now, UtcDateTime())
    chosen = select(Contact.id, *values.values()).where(
        Contact.workspace_id == batch.workspace_id, Contact.id.in_(batch.contact_ids())
    )
    stmt = (
        insert_ignore(session, table, ["contact_id", column])
        .from_select(["contact_id", *values], chosen)
        .returning(table.c.contact_id)
    )
    return list((await session.execute(stmt)).scalars())


async def remove_memberships(
    session: AsyncSession, batch: Batch, *, table: Any, column: str, target_id: int
) -> list[int]:
    """Take the batch's contacts out of a tag, list or group; returns the contacts that were in it."""
    stmt = (
        delete(table)
        .where(table.c.workspace_id == batch.workspace_id, table.c[column] == target_id,
               table.c.contact_id.in_(batch.contact_ids()))
        .returning(table.c.contact_id)
    )
    return list((await session.execute(stmt)).scalars())


async def reactivate(session: AsyncSession, batch: Batch, *, force: bool, now: datetime) -> tuple[list[int], int]:
    """Make the batch's discarded contacts active again; (those changed, those kept discarded).

    Without `force`, a HARD_BOUNCE or INVALID_ADDRESS contact whose address is still the one that
    failed stays discarded (the rule of contactReactivate, domain.services.contact_edit.address_unchanged).
    """
    table = Contact.__table__
    # An address cleared since counts as changed ('' never equals a stored address), as in Python.
    current = func.coalesce(case((table.c.discard_channel == "EMAIL", table.c.email), else_=table.c.phone), "")
    unchanged = and_(
        table.c.discard_reason.in_([DiscardReason.HARD_BOUNCE, DiscardReason.INVALID_ADDRESS]),
        or_(table.c.discard_address.is_(None), table.c.discard_address == current),
    )
    mine = and_(table.c.workspace_id == batch.workspace_id, table.c.id.in_(batch.contact_ids()),
                table.c.discard_reason.is_not(None))
    kept = 0 if force else int(await session.scalar(select(func.count()).select_from(table).where(mine, unchanged)) or 0)
    stmt = (
        update(table)
        .where(mine, *(() if force else (not_(unchanged),)))
        .values(discard_reason=None, discarded_at=None, discard_channel=None, discard_address=None, updated_at=now)
        .returning(table.c.id)
    )
    return list((await session.execute(stmt)).scalars()), kept


async def unsubscribe(
    session: AsyncSession, batch: Batch, *, channel: Channel, reason: str | None, user_id: int | None, now: datetime
) -> tuple[dict[int, str | None], int]:
    """Unsubscribe the batch's contacts from `channel`: ({contact: its status before}, contacts without
    an address for the channel). A contact without a row for the channel gets an UNSUBSCRIBED one."""
    subs = ChannelSubscription.__table__
    contacts = Contact.__table__
    address = contacts.c.email if channel == Channel.EMAIL else contacts.c.phone
    chosen = and_(contacts.c.workspace_id == batch.workspace_id, contacts.c.id.in_(batch.contact_ids()))
    unreachable = int(await session.scalar(
        select(func.count()).select_from(contacts).where(
            chosen, address.is_(None),
            ~exists().where(subs.c.contact_id == contacts.c.id, subs.c.channel == channel),
        )
    ) or 0)
    updated = (await session.execute(
        update(subs)
        .where(subs.c.workspace_id == batch.workspace_id, subs.c.channel == channel,
               subs.c.status == SubscriptionStatus.SUBSCRIBED, subs.c.contact_id.in_(batch.contact_ids()))
        .values(status=SubscriptionStatus.UNSUBSCRIBED, changed_at=now, reason=reason, changed_by_user_id=user_id)
        .returning(subs.c.contact_id)
    )).scalars().all()
    fresh = select(
        contacts.c.workspace_id, contacts.c.id, literal(channel.value), address,
        literal(SubscriptionStatus.UNSUBSCRIBED.value), literal(now, UtcDateTime()), literal(reason, String()),
        literal(user_id, Integer()), literal(0), literal(0),
    ).where(chosen, address.is_not(None), ~exists().where(subs.c.contact_id == contacts.c.id, subs.c.channel == channel))
    inserted = (await session.execute(
        insert_ignore(session, subs, ["contact_id", "channel"]).from_select(
            ["workspace_id", "contact_id", "channel", "address", "status", "changed_at", "reason", "changed_by_user_id",
             "hard_bounces", "soft_bounces"], fresh,
        ).returning(subs.c.contact_id)
    )).scalars().all()
    changed: dict[int, str | None] = {c: SubscriptionStatus.SUBSCRIBED.value for c in updated}
    changed.update({c: None for c in inserted})
    return changed, unreachable


async def reactivate_enrolments(session: AsyncSession, batch: Batch, *, flow_id: int, now: datetime) -> list[int]:
    """Make the batch's COMPLETED or EXITED enrolments in a flow ACTIVE again (connecting again)."""
    table = FlowEnrolment.__table__
    stmt = (
        update(table)
        .where(
            table.c.workspace_id == batch.workspace_id,
            table.c.flow_id == flow_id,
            table.c.status != FlowEnrolmentStatus.ACTIVE,
            table.c.contact_id.in_(batch.contact_ids()),
        )
        .values(status=FlowEnrolmentStatus.ACTIVE, enrolled_at=now)
        .returning(table.c.contact_id)
    )
    return list((await session.execute(stmt)).scalars())


async def suspend(session: AsyncSession, batch: Batch, *, now: datetime) -> list[int]:
    """Suspend the batch's contacts not suspended yet; returns those changed."""
    table = Contact.__table__
    stmt = (
        update(table)
        .where(
            table.c.workspace_id == batch.workspace_id,
            table.c.id.in_(batch.contact_ids()),
            or_(table.c.discard_reason.is_(None), table.c.discard_reason != DiscardReason.SUSPENDED),
        )
        .values(discard_reason=DiscardReason.SUSPENDED, discarded_at=now, updated_at=now)
        .returning(table.c.id)
    )
    return list((await session.execute(stmt)).scalars())


async def contacts_of(session: AsyncSession, batch: Batch) -> list[Contact]:
    return list(
        await session.scalars(
            select(Contact).where(Contact.workspace_id == batch.workspace_id, Contact.id.in_(batch.contact_ids()))
        )
    )


async def target_exists(session: AsyncSession, model: Any, *, workspace_id: int, target_id: int) -> bool:
    found = await session.scalar(select(model.id).where(model.workspace_id == workspace_id, model.id == target_id))
    return found is not None
