"""Bulk actions on a selection of contacts: count it (dry run) or queue a job that applies it.

Roles: Action.WRITE, like every one-contact mutation; DELETE too, since contactDelete is an OPERATOR
action and the rule is "OPERATOR may run every mutation but tagDelete and departmentDelete".

A selection is either explicit ids or a filter and/or search (an empty filter selects every
contact). Ids of contacts that do not exist in the workspace simply do not match.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, false

from domain.db import RequestSession, write_transaction
from domain.enums import BulkAction, Channel, JobKind, JobStatus
from domain.errors import InvalidInput, NotFound
from domain.filters import ContactQuery
from domain.jobs.bulk_action import target_model
from domain.models import Contact, Job
from domain.policies import Action, Principal, authorize
from domain.repositories import catalog as catalog_repo
from domain.repositories import contacts as contacts_repo
from domain.repositories import jobs as jobs_repo
from domain.services.contacts import conditions_for
from domain.services.subscriptions import MAX_REASON

# Beyond this many ids a client should select by filter (and SQL parameter limits stay far away).
MAX_IDS = 10_000


@dataclass(frozen=True)
class Selection:
    ids: tuple[int, ...] | None = None
    query: ContactQuery | None = None


@dataclass(frozen=True)
class BulkOutcome:
    matched: int
    job: Job | None  # None for a dry run


def _nothing() -> None:
    return None


async def _conditions(
    session: RequestSession, principal: Principal, selection: Selection, now: datetime
) -> Sequence[ColumnElement[bool]]:
    if selection.ids is not None and selection.query is not None:
        raise InvalidInput("select contacts either by ids or by filter and search, not both", field="selection")
    if selection.ids is not None:
        if len(selection.ids) > MAX_IDS:
            raise InvalidInput(f"at most {MAX_IDS:,} ids; select more by filter", field="selection.ids")
        return [Contact.id.in_(selection.ids)]
    if selection.query is None:
        raise InvalidInput(
            "choose the contacts: ids, or a filter and/or search (an empty filter selects every contact)",
            field="selection",
        )
    conds = await conditions_for(session=session, principal=principal, query=selection.query, now=now)
    return [false()] if conds is None else conds  # None: the filter names a segment that is gone


def _check_options(action: BulkAction, options: "BulkOptions") -> None:
    if (options.channel is not None) != (action == BulkAction.UNSUBSCRIBE):
        raise InvalidInput("UNSUBSCRIBE needs a channel; no other action takes one", field="channel")
    if options.reason is not None and action != BulkAction.UNSUBSCRIBE:
        raise InvalidInput("only UNSUBSCRIBE takes a reason", field="reason")
    if options.reason is not None and len(options.reason) > MAX_REASON:
        raise InvalidInput(f"a reason is at most {MAX_REASON} characters", field="reason")
    if options.force and action != BulkAction.REACTIVATE:
        raise InvalidInput("only REACTIVATE takes force", field="force")


@dataclass(frozen=True)
class BulkOptions:
    """What some actions take besides a target: UNSUBSCRIBE a channel (and a reason), REACTIVATE force."""

    channel: Channel | None = None
    reason: str | None = None
    force: bool = False


async def _check_target(session: RequestSession, principal: Principal, action: BulkAction, target_id: int | None) -> None:
    model = target_model(action)
    if model is None:
        if target_id is not None:
            raise InvalidInput(f"{action.value} takes no targetId", field="targetId")
        return
    noun = model.__name__.lower()
    if target_id is None:
        raise InvalidInput(f"{action.value} needs a targetId: the {noun}", field="targetId")
    if not await catalog_repo.get_many(session, model, workspace_id=principal.workspace_id, ids=[target_id]):
        raise NotFound(f"no {noun} with this id in this workspace", field="targetId")


async def run_bulk_action(
    *,
    session: RequestSession,
    principal: Principal,
    selection: Selection,
    action: BulkAction,
    target_id: int | None,
    dry_run: bool,
    now: datetime,
    queued: Callable[[], None] = _nothing,
    options: BulkOptions = BulkOptions(),
) -> BulkOutcome:
    """Dry run: how many contacts match. Otherwise a PENDING job over a snapshot of them.

    `queued` is called once the job is committed (the API passes its runner's wake()).
    """
    authorize(principal, Action.WRITE)
    ws = principal.workspace_id
    conditions = await _conditions(session, principal, selection, now)
    await _check_target(session, principal, action, target_id)
    _check_options(action, options)
    if dry_run:
        return BulkOutcome(matched=await contacts_repo.count(session, workspace_id=ws, conditions=conditions), job=None)
    async with write_transaction(session.raw):
        job = Job(
            workspace_id=ws, kind=JobKind.BULK_ACTION, status=JobStatus.PENDING, created_by_user_id=principal.user_id,
            created_at=now, params={
                "action": action.value, "target_id": target_id,
                **({"channel": options.channel.value, "reason": options.reason} if options.channel else {}),
                **({"force": True} if options.force else {}),
            },
        )
        session.raw.add(job)
        await session.raw.flush()
        job.total = await jobs_repo.snapshot_contacts(session.raw, job_id=job.id, workspace_id=ws, conditions=conditions)
    queued()
    return BulkOutcome(matched=job.total, job=job)
