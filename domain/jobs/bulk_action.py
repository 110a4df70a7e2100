"""The BULK_ACTION job: applies one action to the contacts snapshotted in job_item, a batch at a time.

Each batch is set-based (one INSERT ... SELECT or UPDATE per table) and, in the same transaction,
writes one audit entry per contact it changed and advances the job's cursor and counters.

Counting: `processed` counts every item handled, so processed == total at the end; `failed` counts
the items among them whose contact was deleted after the job was created (nothing to apply to);
`skipped` those the action left as they were on purpose: REACTIVATE without `force` leaves a
hard-bounced or invalid contact whose address has not changed discarded, UNSUBSCRIBE a contact
without an address for the channel. Contacts that already had (or lacked) the tag, list, group,
flow, suspension, activity or unsubscription are processed, unchanged, unaudited.
"""

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain import audit_shape
from domain.enums import AuditAction, BulkAction, Channel, JobKind
from domain.errors import NotFound
from domain.jobs import registry
from domain.models import ContactList, ContactListMember, ContactTag, Flow, FlowEnrolment, Group, GroupMember, Job, Tag
from domain.repositories import audit as audit_repo
from domain.repositories import bulk_writes as writes
from domain.repositories.contact_writes import delete_contacts

BATCH_SIZE = 5_000

# Actions that put contacts in something: (target model, membership table, its target column, and the
# set the audit entry names). The entry is the one a single contact's change writes (audit_shape.SET_ACTIONS).
MEMBERSHIP_ACTIONS: dict[BulkAction, tuple[Any, Any, str, str]] = {
    BulkAction.ADD_TAG: (Tag, ContactTag.__table__, "tag_id", "tag_ids"),
    BulkAction.ADD_TO_GROUP: (Group, GroupMember.__table__, "group_id", "group_ids"),
    BulkAction.ADD_TO_LIST: (ContactList, ContactListMember.__table__, "list_id", "list_ids"),
    BulkAction.CONNECT_FLOW: (Flow, FlowEnrolment.__table__, "flow_id", "flow_ids"),
}
# Actions that take contacts out of something: the same, the audit being the removal's.
REMOVAL_ACTIONS: dict[BulkAction, tuple[Any, Any, str, str]] = {
    BulkAction.REMOVE_TAG: (Tag, ContactTag.__table__, "tag_id", "tag_ids"),
    BulkAction.REMOVE_FROM_GROUP: (Group, GroupMember.__table__, "group_id", "group_ids"),
    BulkAction.REMOVE_FROM_LIST: (ContactList, ContactListMember.__table__, "list_id", "list_ids"),
}


def target_model(action: BulkAction) -> Any | None:
    """What `targetId` names for an action (a Tag, ContactList, Group or Flow), or None when it takes none."""
    entry = MEMBERSHIP_ACTIONS.get(action) or REMOVAL_ACTIONS.get(action)
    return entry[0] if entry else None


AuditRows = list[tuple[int | None, str, list[dict[str, Any]]]]


async def _add_to(
    session: AsyncSession, batch: writes.Batch, action: BulkAction, target_id: int, now: datetime
) -> AuditRows:
    model, table, column, audit_field = MEMBERSHIP_ACTIONS[action]
    if not await writes.target_exists(session, model, workspace_id=batch.workspace_id, target_id=target_id):
        # Failing the job is clearer than silently finishing it with nothing applied.
        raise NotFound(f"the {model.__name__.lower()} of this job was deleted while it ran")
    changed = await writes.add_memberships(session, batch, table=table, column=column, target_id=target_id, now=now)
    if action == BulkAction.CONNECT_FLOW:
        changed += await writes.reactivate_enrolments(session, batch, flow_id=target_id, now=now)
    change = [audit_shape.set_change(audit_field, added=[target_id])]
    added_action, _ = audit_shape.SET_ACTIONS[audit_field]
    return [(c, added_action, change) for c in sorted(changed)]


async def _remove_from(
    session: AsyncSession, batch: writes.Batch, action: BulkAction, target_id: int
) -> AuditRows:
    model, table, column, audit_field = REMOVAL_ACTIONS[action]
    if not await writes.target_exists(session, model, workspace_id=batch.workspace_id, target_id=target_id):
        raise NotFound(f"the {model.__name__.lower()} of this job was deleted while it ran")
    changed = await writes.remove_memberships(session, batch, table=table, column=column, target_id=target_id)
    change = [audit_shape.set_change(audit_field, removed=[target_id])]
    _, removed_action = audit_shape.SET_ACTIONS[audit_field]
    assert removed_action is not None
    return [(c, removed_action, change) for c in sorted(changed)]


async def _reactivate(
    session: AsyncSession, batch: writes.Batch, items: list[writes.BatchItem], force: bool, now: datetime
) -> tuple[AuditRows, int]:
    """(audit rows, contacts left discarded because their failed address is unchanged)."""
    old = {i.contact_id: i.discard_reason for i in items}
    changed, kept = await writes.reactivate(session, batch, force=force, now=now)
    changes = {
        reason: [{"field": "discard_reason", "old": reason.value if reason else None, "new": None}]
        for reason in set(old.values())
    }
    audit = [(c, AuditAction.CONTACT_REACTIVATED.value, changes[old[c]]) for c in sorted(changed)]
    return audit, kept


async def _unsubscribe(
    session: AsyncSession, batch: writes.Batch, job: Job, now: datetime
) -> tuple[AuditRows, int]:
    channel = Channel(job.params["channel"])
    reason = job.params.get("reason")
    changed, unreachable = await writes.unsubscribe(
        session, batch, channel=channel, reason=reason, user_id=job.created_by_user_id, now=now
    )
    prefix = f"channels.{channel.value}."
    # The same entry as contactUnsubscribe writes (a reason only when one was given).
    reason_change = [{"field": prefix + "reason", "old": None, "new": reason}] if reason is not None else []
    audit = [
        (c, AuditAction.CONTACT_UNSUBSCRIBED.value, [{"field": prefix + "status", "old": old, "new": "UNSUBSCRIBED"}, *reason_change])
        for c, old in sorted(changed.items())
    ]
    return audit, unreachable


async def _suspend(
    session: AsyncSession, batch: writes.Batch, items: list[writes.BatchItem], now: datetime
) -> AuditRows:
    old = {i.contact_id: i.discard_reason.value if i.discard_reason else None for i in items}
    changed = await writes.suspend(session, batch, now=now)
    # The same entry as contactSuspend writes, so the history reads alike whichever way it happened;
    # one list per former reason, shared by the entries (the audit writer serialises each list once).
    changes = {
        reason: [{"field": "discard_reason", "old": reason, "new": "SUSPENDED"}] for reason in set(old.values())
    }
    return [(c, AuditAction.CONTACT_SUSPENDED.value, changes[old[c]]) for c in sorted(changed)]


async def _delete(session: AsyncSession, batch: writes.Batch, job: Job, now: datetime) -> AuditRows:
    contacts = await writes.contacts_of(session, batch)
    deleted = await delete_contacts(session, workspace_id=batch.workspace_id, contacts=contacts, now=now)
    if not deleted:
        return []
    # A deleted contact keeps no history (only its tombstone); the workspace keeps who deleted how many:
    # those this batch deleted, not those another request deleted between our read and our DELETE.
    changes = [{"field": "contacts", "old": len(deleted), "new": 0}, {"field": "job", "old": None, "new": job.id}]
    return [(None, "CONTACTS_DELETED", changes)]


class BulkActionHandler:
    def __init__(self, batch_size: int = BATCH_SIZE) -> None:
        self.batch_size = batch_size

    async def run_batch(self, session: AsyncSession, job: Job, *, now: datetime, services: registry.JobServices) -> bool:
        action = BulkAction(job.params["action"])
        target_id = job.params.get("target_id")
        # Only suspensions and reactivations need each item (the discard reason the audit entry
        # quotes as the old value); every other action reads the window's counts alone.
        per_item = action in (BulkAction.SUSPEND, BulkAction.REACTIVATE)
        where = {"job_id": job.id, "workspace_id": job.workspace_id, "after": job.cursor, "size": self.batch_size}
        if per_item:
            items = await writes.next_items(session, **where)
            window = writes.Window(len(items), sum(1 for i in items if i.alive), items[-1].position if items else 0)
        else:
            items = []
            window = await writes.next_window(session, **where)
        if not window.items:
            return True
        batch = writes.Batch(job_id=job.id, workspace_id=job.workspace_id, after=job.cursor, upto=window.upto)
        alive = [i for i in items if i.alive]
        skipped = 0
        if action in MEMBERSHIP_ACTIONS:
            audit = await _add_to(session, batch, action, target_id, now)
        elif action in REMOVAL_ACTIONS:
            audit = await _remove_from(session, batch, action, target_id)
        elif action == BulkAction.SUSPEND:
            audit = await _suspend(session, batch, alive, now)
        elif action == BulkAction.REACTIVATE:
            audit, skipped = await _reactivate(session, batch, alive, bool(job.params.get("force")), now)
        elif action == BulkAction.UNSUBSCRIBE:
            audit, skipped = await _unsubscribe(session, batch, job, now)
        else:
            audit = await _delete(session, batch, job, now)
        job.skipped += skipped
        await audit_repo.write_entries(
            session, workspace_id=job.workspace_id, actor_user_id=job.created_by_user_id, entries=audit, at=now
        )
        job.cursor = batch.upto
        job.processed += window.items
        job.failed += window.items - window.alive
        return window.items < self.batch_size or job.processed >= job.total


registry.register(JobKind.BULK_ACTION, BulkActionHandler())
