"""contactsBulkAction: one action on explicit contacts or on everything a filter and search match."""

import strawberry

from api.context import Info
from api.ids import parse_global_id, parse_typed_id, parse_typed_ids
from api.mutations.common import UserError, attempt, wake_job_runner
from api.query import MAX_SEARCH_LENGTH
from api.types.enums import BulkAction, Channel
from api.types.inputs import ContactFilter, to_query
from api.types.jobs import BulkJob
from domain.enums import BulkAction as Action
from domain.enums import Channel as DomainChannel
from domain.errors import InvalidInput
from domain.jobs.bulk_action import target_model
from domain.services import bulk


@strawberry.input(
    description="Which contacts: explicit `ids`, or everything matching `filter` and `search` (one way, not both). "
    "An empty filter selects every contact of the workspace."
)
class ContactSelection:
    ids: list[strawberry.ID] | None = None
    filter: ContactFilter | None = None
    search: str | None = None


@strawberry.type
class ContactsBulkActionPayload:
    matched: int | None = strawberry.field(
        description="Contacts the selection matches; a real run snapshots exactly these (the job's total)."
    )
    job: BulkJob | None = strawberry.field(
        description="The job applying the action, polled with node(id:); null for a dry run. "
        "`processed` counts every contact handled; `failed` those deleted before their turn; `skipped` those "
        "left as they were on purpose (REACTIVATE without force: an unchanged failed address; UNSUBSCRIBE: no "
        "address for the channel)."
    )
    user_errors: list[UserError]


def _selection(selection: ContactSelection) -> bulk.Selection:
    ids = None
    if selection.ids is not None:
        ids = parse_typed_ids(selection.ids, "Contact", field="selection.ids", limit=bulk.MAX_IDS)
    if selection.search is not None and len(selection.search) > MAX_SEARCH_LENGTH:
        raise InvalidInput(f"`search` is limited to {MAX_SEARCH_LENGTH} characters", field="selection.search")
    query = None
    if selection.filter is not None or selection.search is not None:
        query = to_query(selection.filter, selection.search)
    return bulk.Selection(ids=ids, query=query)


def _target(target_id: strawberry.ID | None, action: Action) -> int | None:
    if target_id is None:
        return None
    model = target_model(action)
    if model is None:  # the service explains that this action takes no target
        return parse_global_id(target_id, field="targetId")[1]
    return parse_typed_id(target_id, model.__name__, field="targetId")


@strawberry.type
class BulkMutations:
    @strawberry.mutation(
        description="On a selection: ADD_TAG / REMOVE_TAG (targetId: a Tag), ADD_TO_GROUP / REMOVE_FROM_GROUP (a "
        "Group), ADD_TO_LIST / REMOVE_FROM_LIST (a ContactList), CONNECT_FLOW (a Flow), SUSPEND, REACTIVATE (force: "
        "also hard-bounced or invalid contacts whose address has not changed), UNSUBSCRIBE (channel, reason) or "
        "DELETE. dryRun only counts. Otherwise a job applies it in batches in the background and survives a "
        "restart; poll it with node(id:). OPERATOR and ADMIN (DELETE too, like contactDelete)."
    )
    async def contacts_bulk_action(
        self,
        info: Info,
        selection: ContactSelection,
        action: BulkAction,
        target_id: strawberry.ID | None = None,
        dry_run: bool | None = False,
        channel: Channel | None = None,
        reason: str | None = None,
        force: bool | None = False,
    ) -> ContactsBulkActionPayload:
        ctx = info.context

        async def run() -> bulk.BulkOutcome:
            domain_action = Action(action)
            return await bulk.run_bulk_action(
                session=ctx.session, principal=ctx.caller, selection=_selection(selection), action=domain_action,
                target_id=_target(target_id, domain_action), dry_run=bool(dry_run), now=ctx.now,
                queued=wake_job_runner(info),
                options=bulk.BulkOptions(
                    channel=None if channel is None else DomainChannel(channel),
                    reason=(reason or "").strip() or None, force=bool(force),
                ),
            )

        outcome, errors = await attempt(info, run)
        if outcome is None:
            return ContactsBulkActionPayload(matched=None, job=None, user_errors=errors)
        job = BulkJob.from_row(outcome.job) if outcome.job is not None else None
        return ContactsBulkActionPayload(matched=outcome.matched, job=job, user_errors=errors)
