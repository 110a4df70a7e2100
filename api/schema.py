"""The Strawberry schema and its SDL."""

import functools
from collections.abc import AsyncIterator
from typing import Any

import strawberry
from strawberry.tools import merge_types
from strawberry.types.graphql import OperationType
from graphql import ExecutionResult, GraphQLError
from graphql import execute as graphql_execute
from strawberry.extensions import DisableIntrospection, SchemaExtension
from strawberry.schema.config import StrawberryConfig

from api import compiled
from api.errors import ClassifiedErrors, CodedError, log_faults
from api.limits import QueryLimits
from api.mutations import Mutation
from api.query import Query
from api.subscriptions import Subscription
from api.access.queries import AccessQueries
from api.access.types import ApiKey, AuditTrailEntry, User
from api.types.catalog import Company, ContactList, Department, Flow, Group, Segment, Tag, Workspace
from api.types.contact import Contact
from api.types.jobs import BulkJob, ImportJob
from api.types.satisfaction import SatisfactionRescoreJob
from api.types.profile import ActivityEvent, Item, Note
from api.types.scalars import SCALAR_OVERRIDES
from domain.errors import ErrorCode


# The Query root: the contact domain's fields (api/query.py) and access's (api/access/queries.py).
QUERY = merge_types("Query", (Query, AccessQueries))


class ExecutionGuards(SchemaExtension):
    """Before anything executes: a caller (api/authentication.py refuses requests without one first; this
    is the backstop), and the right transport: queries and mutations over HTTP, subscriptions over
    WebSocket (a WebSocket has no request session for query resolvers; an HTTP request cannot stream)."""

    async def on_execute(self) -> AsyncIterator[None]:
        ec = self.execution_context
        if getattr(ec.context, "principal", None) is None:
            ec.result = _unauthenticated()
        elif ec.result is None:
            session = getattr(ec.context, "session", None)
            over_websocket = session is None
            if over_websocket != (ec.operation_type == OperationType.SUBSCRIPTION):
                message = (
                    "queries and mutations are served over HTTP: POST them to /graphql"
                    if over_websocket
                    else "subscriptions are served over WebSocket (graphql-transport-ws) at /graphql"
                )
                ec.result = ExecutionResult(data=None, errors=[CodedError(message, ErrorCode.BAD_USER_INPUT)])
            elif session is not None:
                # A query reads without a transaction of its own on PostgreSQL (domain.db.RequestSession).
                await session.begin_operation(read_only=ec.operation_type == OperationType.QUERY)
        yield


def _unauthenticated() -> ExecutionResult:
    error: GraphQLError = CodedError(
        "a valid API key is required: send the header `Authorization: Bearer <key>`", ErrorCode.UNAUTHENTICATED
    )
    return ExecutionResult(data=None, errors=[error])


class RapportSchema(strawberry.Schema):
    """Strawberry logs every error with its message and traceback; here only faults are logged, by
    api.errors.log_faults (request id, exception class; never the message, which may hold data)."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        log_faults(errors)

    def _get_execute_function(self) -> Any:
        # Queries run from a plan compiled once per document, graphql-core for the rest (api/compiled.py).
        base = super()._get_execute_function()
        return compiled.execute if base is graphql_execute else base


def build_schema(*, production: bool = False, max_batch_operations: int = 0) -> strawberry.Schema:
    """The schema; `production` adds api.production's extensions (no introspection, no suggestions, masked errors).

    With `max_batch_operations`, the HTTP view accepts batches of up to that many operations (a JSON
    array; api/body_limits.py checks them first and api/app.py runs them one after another).
    """
    # QueryLimits (api/limits.py): token, selection, depth, alias, page-size and cost limits; `extensions.cost`.
    # ClassifiedErrors (api/errors.py): every error's code; faults masked in every mode.
    extensions: list[Any] = [
        ExecutionGuards, QueryLimits,
        functools.partial(ClassifiedErrors, production=production),
    ]
    if production:
        extensions.append(DisableIntrospection)  # graphql-core's NoSchemaIntrospectionCustomRule; __typename stays
    return RapportSchema(
        query=QUERY,
        mutation=Mutation,
        subscription=Subscription,
        # Types reachable only through `node(id:)` must still be in the schema.
        types=[
            Contact, Company, Department, Tag, ContactList, Group, Segment, Flow, User, Workspace, Note, Item, ActivityEvent,
            BulkJob, ImportJob, SatisfactionRescoreJob, ApiKey, AuditTrailEntry,
        ],
        extensions=extensions,
        config=StrawberryConfig(
            batching_config={"max_operations": max_batch_operations} if max_batch_operations > 0 else None
        ),
        scalar_overrides=SCALAR_OVERRIDES,
    )


schema = build_schema()


def schema_sdl() -> str:
    return schema.as_str() + "\n"
