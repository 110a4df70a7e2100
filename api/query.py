"""The Query root: thin resolvers that parse arguments, call one service and map the result."""

from typing import Any

import strawberry

from api.access.types import ApiKey, AuditTrailEntry, User
from api.context import Info
from api.errors import domain_errors_as_graphql
from api.ids import parse_global_id, parse_typed_id
from api.prefetch import prefetch
from api.types.catalog import (
    Company,
    ContactList,
    CustomFieldDefinition,
    Department,
    Flow,
    Group,
    Segment,
    Tag,
    Viewer,
    Workspace,
)
from api.types.contact import Contact
from api.types.conversation import Conversation
from api.types.history import ContactHistoryEntry
from api.types.inputs import ContactFilter, ContactOrder, to_query
from api.mutations.ingest_inputs import TurnInput
from api.types.jobs import BulkJob, ImportJob
from api.types.satisfaction import SatisfactionModelVersion, SatisfactionPrediction, SatisfactionRescoreJob
from api.types.node import Connection, Edge, Node, PageInfo, page_info
from api.types.profile import ActivityEvent, Item, Note
from api.types.support import NpsResponse, Ticket
from domain import filters, models
from domain.enums import JobKind
from domain.errors import InvalidInput
from domain.reads.contact_match import ContactMatch
from domain.services import api_keys, audit
from domain.services import catalog as catalog_service
from domain.services import custom_fields as custom_fields_service
from domain.services import contacts as contacts_service
from domain.services import jobs as jobs_service
from domain.services import satisfaction_models

MAX_SEARCH_LENGTH = 200


@strawberry.type
class ContactConnection:
    match: strawberry.Private[ContactMatch | None]
    page_info: PageInfo
    edges: list[Edge[Contact]]

    @strawberry.field(description="How many contacts match the filter and search (all pages).")
    async def total_count(self, info: Info) -> int:
        ctx = info.context
        return await contacts_service.count_contacts(
            session=ctx.session, principal=ctx.caller, match=self.match, now=ctx.now
        )


@strawberry.type(description="Contacts per engagement status; `discarded` includes `suspended`.")
class ContactStatusCounts:
    total: int
    new: int
    frequent: int
    dormant: int
    expired: int
    inactive: int
    discarded: int
    suspended: int


def _search(search: str | None) -> str | None:
    if search is not None and len(search) > MAX_SEARCH_LENGTH:
        raise InvalidInput(f"`search` is limited to {MAX_SEARCH_LENGTH} characters", field="search")
    return search


# Node types that are plain workspace rows: global id type name -> (table, mapper).
_NODE_ROWS: dict[str, tuple[Any, Any]] = {
    "Company": (models.Company, Company.from_row),
    "Department": (models.Department, Department.from_row),
    "Tag": (models.Tag, Tag.from_row),
    "ContactList": (models.ContactList, ContactList.from_row),
    "Group": (models.Group, Group.from_row),
    "Segment": (models.Segment, Segment.from_row),
    "CustomFieldDefinition": (models.CustomFieldDefinition, CustomFieldDefinition.from_row),
    "Flow": (models.Flow, Flow.from_row),
    "User": (models.User, User.from_row),
    "Note": (models.Note, Note.from_row),
    "ActivityEvent": (models.MessageEvent, ActivityEvent.from_row),
    "Item": (models.Item, Item.from_row),
    "ContactHistoryEntry": (models.AuditEntry, ContactHistoryEntry.from_contact_row),
    "Conversation": (models.Conversation, Conversation.from_row),
    "Ticket": (models.Ticket, Ticket.from_row),
    "NpsResponse": (models.NpsResponse, NpsResponse.from_row),
}

# Jobs share one table; a global id names the kind too, so a BulkJob id never finds an import.
_JOB_NODES: dict[str, tuple[JobKind, Any]] = {
    "BulkJob": (JobKind.BULK_ACTION, BulkJob.from_row),
    "ImportJob": (JobKind.IMPORT, ImportJob.from_row),
    "SatisfactionRescoreJob": (JobKind.SATISFACTION_RESCORE, SatisfactionRescoreJob.from_row),
}


def _catalog_connection(page: Any, mapper: Any, after: str | None) -> Connection[Any]:
    return Connection(
        total_count=page.total_count or 0,
        page_info=page_info(page.cursors, page.has_next_page, after is not None),
        edges=[Edge(cursor=c, node=mapper(r)) for r, c in zip(page.items, page.cursors, strict=True)],
    )


async def _catalog(info: Info, model: Any, mapper: Any, first: int, after: str | None) -> Connection[Any]:
    with domain_errors_as_graphql():
        page = await catalog_service.list_by_name(
            session=info.context.session, principal=info.context.caller, model=model, first=first, after=after
        )
    return _catalog_connection(page, mapper, after)


async def _with_parts(info: Info, contact: Contact) -> Contact:
    await prefetch(info, [contact])
    return contact


@strawberry.type
class Query:
    @strawberry.field(description="One contact of your workspace by id; null if there is none.")
    async def contact(self, info: Info, id: strawberry.ID) -> Contact | None:
        with domain_errors_as_graphql():
            pk = parse_typed_id(id, "Contact")
        row = await info.context.loaders.contact_by_id.load(pk)
        return None if row is None else await _with_parts(info, Contact.from_row(row))

    @strawberry.field(description="Any object of your workspace by its global id; null if there is none.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        with domain_errors_as_graphql():
            type_name, pk = parse_global_id(id)
        ctx = info.context
        if type_name == "Contact":
            row = await ctx.loaders.contact_by_id.load(pk)
            return None if row is None else await _with_parts(info, Contact.from_row(row))
        if type_name == "Workspace":
            if pk != ctx.caller.workspace_id:
                return None
            return Workspace.from_row(await catalog_service.viewer_workspace(session=ctx.session, principal=ctx.caller))
        if type_name == "ApiKey":
            key = await api_keys.visible_key(session=ctx.session, principal=ctx.caller, key_id=pk)
            return None if key is None else ApiKey.from_listing(key, ctx.now)
        if type_name == "AuditTrailEntry":
            entry = await audit.visible_entry(session=ctx.session, principal=ctx.caller, entry_id=pk)
            return None if entry is None else AuditTrailEntry.from_row(entry)
        if type_name in _JOB_NODES:
            kind, job_mapper = _JOB_NODES[type_name]
            job = await jobs_service.get_job(session=ctx.session, principal=ctx.caller, job_id=pk, kind=kind)
            return None if job is None else job_mapper(job)
        if type_name not in _NODE_ROWS:
            return None
        model, mapper = _NODE_ROWS[type_name]
        rows = await catalog_service.get_many(session=ctx.session, principal=ctx.caller, model=model, ids=[pk])
        return mapper(rows[0]) if rows else None

    @strawberry.field(
        description="Classify turns with the model serving your workspace, as a whole and at each customer turn. "
        "Nothing is stored."
    )
    async def satisfaction_predict(self, info: Info, turns: list[TurnInput]) -> SatisfactionPrediction:
        ctx = info.context
        assert ctx.models is not None, "the app always has a model server"
        given = [satisfaction_models.PredictTurn(role=t.role, text=t.text) for t in turns]
        with domain_errors_as_graphql():
            scored = await satisfaction_models.predict(session=ctx.session, models=ctx.models, principal=ctx.caller, turns=given)
        return SatisfactionPrediction.from_scored(scored)

    @strawberry.field(description="Versions of the satisfaction classifier, newest first, with their held-out metrics.")
    async def satisfaction_models(self, info: Info) -> list[SatisfactionModelVersion]:
        ctx = info.context
        assert ctx.models is not None, "the app always has a model server"
        listed = await satisfaction_models.list_models(session=ctx.session, models=ctx.models, principal=ctx.caller)
        return [SatisfactionModelVersion.from_listing(m) for m in listed]

    @strawberry.field(description="The caller: the key's (or token's) user and workspace.")
    async def viewer(self, info: Info) -> Viewer:
        ctx = info.context
        if ctx.identity is not None:  # read with the credential (as fresh as its check): no statement here
            user, workspace = ctx.identity.user, ctx.identity.workspace
        else:
            user = await ctx.loaders.user_by_id.load(ctx.caller.user_id)
            workspace = await catalog_service.viewer_workspace(session=ctx.session, principal=ctx.caller)
        return Viewer(user=User.from_row(user), workspace=Workspace.from_row(workspace), role=ctx.caller.role)

    @strawberry.field(description="The contacts module: filter, search (name, e-mail, phone; accents and case ignored), order.")
    async def contacts(
        self,
        info: Info,
        first: int = 25,
        after: str | None = None,
        filter: ContactFilter | None = None,
        search: str | None = None,
        order_by: ContactOrder | None = None,
    ) -> ContactConnection:
        ctx = info.context
        with domain_errors_as_graphql():
            page, match = await contacts_service.list_contacts(
                session=ctx.session,
                principal=ctx.caller,
                query=to_query(filter, _search(search)),
                order=order_by.to_domain() if order_by else filters.ContactOrder(),
                first=first,
                after=after,
                now=ctx.now,
            )
        edges = [Edge(cursor=c, node=Contact.from_row(r)) for r, c in zip(page.items, page.cursors, strict=True)]
        await prefetch(info, [e.node for e in edges], ("edges", "node"))
        return ContactConnection(
            match=match, page_info=page_info(page.cursors, page.has_next_page, after is not None), edges=edges
        )

    @strawberry.field(description="Contacts per status under every filter but `status`, so each status button shows its own count.")
    async def contact_status_counts(
        self, info: Info, filter: ContactFilter | None = None, search: str | None = None
    ) -> ContactStatusCounts:
        ctx = info.context
        with domain_errors_as_graphql():
            counts = await contacts_service.status_counts(
                session=ctx.session, principal=ctx.caller, query=to_query(filter, _search(search)), now=ctx.now
            )
        return ContactStatusCounts(**counts)

    @strawberry.field
    async def tags(self, info: Info, first: int = 25, after: str | None = None) -> Connection[Tag]:
        return await _catalog(info, models.Tag, Tag.from_row, first, after)

    @strawberry.field
    async def groups(self, info: Info, first: int = 25, after: str | None = None) -> Connection[Group]:
        return await _catalog(info, models.Group, Group.from_row, first, after)

    @strawberry.field
    async def contact_lists(self, info: Info, first: int = 25, after: str | None = None) -> Connection[ContactList]:
        return await _catalog(info, models.ContactList, ContactList.from_row, first, after)

    @strawberry.field
    async def segments(self, info: Info, first: int = 25, after: str | None = None) -> Connection[Segment]:
        return await _catalog(info, models.Segment, Segment.from_row, first, after)

    @strawberry.field
    async def flows(self, info: Info, first: int = 25, after: str | None = None) -> Connection[Flow]:
        return await _catalog(info, models.Flow, Flow.from_row, first, after)

    @strawberry.field
    async def companies(self, info: Info, first: int = 25, after: str | None = None) -> Connection[Company]:
        return await _catalog(info, models.Company, Company.from_row, first, after)

    @strawberry.field
    async def departments(self, info: Info, first: int = 25, after: str | None = None) -> Connection[Department]:
        return await _catalog(info, models.Department, Department.from_row, first, after)

    @strawberry.field(description="The workspace's custom contact fields, in form order (position, then key).")
    async def custom_field_definitions(self, info: Info) -> list[CustomFieldDefinition]:
        with domain_errors_as_graphql():
            rows = await custom_fields_service.list_definitions(session=info.context.session, principal=info.context.caller)
        return [CustomFieldDefinition.from_row(r) for r in rows]

