"""GraphQL execution with a short path for plain leaf fields.

Most fields of a response are a Strawberry type's own attribute returning a scalar or an enum (a
contact's name, a tag's id). graphql-core resolves each one like any field: it builds a resolve
info, looks for arguments, calls Strawberry's wrapper, then completes the value through the
non-null, list and leaf checks; that was about a third of the Python time of a 25-contact page.

For a field that is Strawberry's plain attribute (no resolver, arguments, extensions or middleware)
of a leaf type, `execute_field` reads the attribute and coerces it directly. Anything unusual (a
null, an awaitable, a value the type refuses, an exception) goes through graphql-core's own path,
which reads the same attribute again and reports exactly what it always has; so the response and its
errors are the same whichever path served a field.
"""

from typing import Any

from graphql import GraphQLField, GraphQLLeafType, GraphQLNonNull, GraphQLObjectType, is_leaf_type
from graphql.pyutils import Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

# id(field definition) -> (attribute getter, leaf type) for plain leaf fields, None for the others.
# Field definitions live as long as the schema, so their ids stay theirs.
_PLAIN_LEAVES: dict[int, tuple[Any, GraphQLLeafType] | None] = {}


def _plain_leaf(field_def: GraphQLField) -> tuple[Any, GraphQLLeafType] | None:
    resolve = field_def.resolve
    if resolve is None or not getattr(resolve, "_is_default", False) or field_def.args:
        return None
    leaf = field_def.type.of_type if isinstance(field_def.type, GraphQLNonNull) else field_def.type
    if not is_leaf_type(leaf):
        return None
    return resolve, leaf  # type: ignore[return-value]


class RapportExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def execute_field(
        self, parent_type: GraphQLObjectType, source: Any, field_details_list: Any, path: Any, position_context: Any
    ) -> Any:
        middleware = self.middleware_manager
        if middleware is None or not middleware.middlewares:  # Strawberry passes an empty manager
            node = field_details_list[0].node
            field_def = parent_type.fields.get(node.name.value)  # None for __typename and introspection
            if field_def is not None and not node.arguments:
                key = id(field_def)
                try:
                    plan = _PLAIN_LEAVES[key]
                except KeyError:
                    plan = _PLAIN_LEAVES[key] = _plain_leaf(field_def)
                if plan is not None:
                    resolve, leaf = plan
                    try:
                        value = resolve(source, None)
                        if value is not None and not self.is_awaitable(value) and not isinstance(value, Exception):
                            coerced = leaf.coerce_output_value(value)
                            if coerced is not None and coerced is not Undefined:
                                return coerced
                    except Exception:  # noqa: BLE001 - graphql-core's path below reports it
                        pass
        return super().execute_field(parent_type, source, field_details_list, path, position_context)
