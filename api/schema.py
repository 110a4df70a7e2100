"""The Strawberry schema and its SDL."""

from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension

from api.errors import CodedError, ErrorCodes
from api.limits import QueryLimits
from api.mutations import Mutation
from api.query import Query
from api.types.catalog import Company, ContactList, Department, Flow, Group, Segment, Tag, User, Workspace
from api.types.contact import Contact
from api.types.jobs import BulkJob, ImportJob
from api.types.satisfaction import SatisfactionRescoreJob
from api.types.profile import ActivityEvent, Item, Note
from domain.errors import ErrorCode


class RequireAuthentication(SchemaExtension):
    """Refuse to execute anything for a request without a valid API key."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        if getattr(context, "principal", None) is None:
            self.execution_context.result = _unauthenticated()
        yield


def _unauthenticated() -> ExecutionResult:
    error: GraphQLError = CodedError(
        "a valid API key is required: send the header `Authorization: Bearer <key>`", ErrorCode.UNAUTHENTICATED
    )
    return ExecutionResult(data=None, errors=[error])


def build_schema(*, production: bool = False) -> strawberry.Schema:
    """The schema; `production` adds api.production's extensions (no introspection, no suggestions, masked errors)."""
    # QueryLimits (api/limits.py): token, depth, alias, page-size and cost limits; `extensions.cost`.
    extensions: list[Any] = [RequireAuthentication, ErrorCodes, QueryLimits]
    if production:
        from api.production import production_extensions

        extensions += production_extensions()
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        # Types reachable only through `node(id:)` must still be in the schema.
        types=[
            Contact, Company, Department, Tag, ContactList, Group, Segment, Flow, User, Workspace, Note, Item, ActivityEvent,
            BulkJob, ImportJob, SatisfactionRescoreJob,
        ],
        extensions=extensions,
    )


schema = build_schema()


def schema_sdl() -> str:
    return schema.as_str() + "\n"
