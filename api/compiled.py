"""Queries executed from a plan compiled once per document: the happy path without graphql-core's
per-field machinery, and graphql-core itself whenever anything is not plain.

graphql-core executes every field alike: a resolve info, a response path, argument coercion, a
resolver wrapper, then value completion through non-null, list, leaf and object checks, with the
incremental-delivery and abort-signal bookkeeping of 3.3 around each. For the contract's documents
that machinery, not Rapport's resolvers nor its SQL, was most of the Python time of a request.

Here a query's operation is compiled (once per parsed document and operation name: api/limits.py
hands out one document object per query text) into a tree of field plans: each field's resolver,
whether it is a plain attribute, its leaf type or sub-plan, merged through fragments and inline
fragments as graphql-core's field collection merges them. Executing a plan walks the result
objects: plain attributes are read directly, other resolvers get a resolve info built only for
them, and awaitables of one level are awaited together so DataLoaders still batch.

The plan covers only the happy path. Any error (a resolver raising, a null in a non-null field, a
value its type refuses, an argument or variable graphql-core would refuse) abandons the attempt,
and the operation is executed again by graphql-core, which produces the response and errors it
always has. Only queries are compiled (a query has no effects to repeat), and only documents
without directives, introspection fields, streams or defers; the rest goes to graphql-core at once.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLAbstractType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    execute as graphql_execute,
    is_abstract_type,
    is_leaf_type,
    is_object_type,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from graphql.pyutils import Path, Undefined
from graphql.type.definition import GraphQLResolveInfoHelpers
from strawberry.schema.schema import _OperationContextAwareGraphQLResolveInfo as ResolveInfo

MAX_PLANS = 512
# False: every operation goes to graphql-core (tests compare both executors; benches measure both).
ENABLED = True


class _NotCompilable(Exception):
    """The document uses something the plan does not cover: graphql-core executes it."""


class _Abandon(Exception):
    """Something other than the happy path happened: graphql-core executes the operation again."""


# -- plans ------------------------------------------------------------------------------------


class _Completion:
    """How a field's value becomes response data."""

    __slots__ = ("non_null",)

    def __init__(self) -> None:
        self.non_null = False


class _Leaf(_Completion):
    __slots__ = ("type",)

    def __init__(self, type_: Any) -> None:
        super().__init__()
        self.type = type_


class _List(_Completion):
    __slots__ = ("item",)

    def __init__(self, item: _Completion) -> None:
        super().__init__()
        self.item = item


class _Object(_Completion):
    __slots__ = ("fields", "is_type_of")

    def __init__(self, fields: list[_Field], is_type_of: Callable[[Any, Any], bool] | None) -> None:
        super().__init__()
        self.fields = fields
        self.is_type_of = is_type_of


class _Abstract(_Completion):
    __slots__ = ("type", "nodes", "compiler", "by_type")

    def __init__(self, type_: GraphQLAbstractType, nodes: list[FieldNode], compiler: _Compiler) -> None:
        super().__init__()
        self.type = type_
        self.nodes = nodes
        self.compiler = compiler
        self.by_type: dict[str, _Object] = {}

    def of(self, type_name: Any) -> _Object:
        found = self.by_type.get(type_name)
        if found is None:
            schema = self.compiler.schema
            concrete = schema.get_type(type_name) if isinstance(type_name, str) else None
            if not isinstance(concrete, GraphQLObjectType) or not schema.is_sub_type(self.type, concrete):
                raise _Abandon
            found = self.by_type[type_name] = self.compiler.object(concrete, self.nodes)
        return found


class _Field:
    """One response key of an object: its resolver and how its value completes."""

    __slots__ = ("key", "name", "nodes", "parent", "definition", "resolve", "plain", "leaf", "completion", "typename")

    def __init__(self, key: str, nodes: list[FieldNode], parent: GraphQLObjectType) -> None:
        self.key = key
        self.name = nodes[0].name.value
        self.nodes = nodes
        self.parent = parent
        self.typename = self.name == "__typename"
        self.definition: Any = None
        self.resolve: Any = None
        self.plain = False
        self.leaf: Any = None  # the leaf type of a plain leaf field (read and coerced inline)
        self.completion: Any = None


class _Compiler:
    def __init__(self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        self.schema = schema
        self.fragments = fragments

    def object(self, type_: GraphQLObjectType, nodes: Sequence[FieldNode]) -> _Object:
        is_type_of = type_.is_type_of
        if is_type_of is not None and getattr(is_type_of, "__module__", "") != "strawberry.schema.schema_converter":
            raise _NotCompilable  # only Strawberry's own isinstance checks, which ignore the resolve info
        sets = [n.selection_set for n in nodes if n.selection_set is not None]
        return _Object(self.fields(type_, sets), is_type_of)

    def fields(self, type_: GraphQLObjectType, selection_sets: Sequence[SelectionSetNode]) -> list[_Field]:
        grouped: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()

        def collect(selection_set: SelectionSetNode) -> None:
            for selection in selection_set.selections:
                if selection.directives:
                    raise _NotCompilable
                if isinstance(selection, FieldNode):
                    grouped.setdefault((selection.alias or selection.name).value, []).append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    if condition is None or self._applies(condition.name.value, type_):
                        collect(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.fragments.get(name)
                    if fragment is None or fragment.directives or getattr(fragment, "variable_definitions", None):
                        raise _NotCompilable
                    if name not in visited and self._applies(fragment.type_condition.name.value, type_):
                        visited.add(name)
                        collect(fragment.selection_set)

        for selection_set in selection_sets:
            collect(selection_set)
        return [self._field(key, nodes, type_) for key, nodes in grouped.items()]

    def _applies(self, condition: str, type_: GraphQLObjectType) -> bool:
        if condition == type_.name:
            return True
        named = self.schema.get_type(condition)
        return isinstance(named, GraphQLAbstractType) and self.schema.is_sub_type(named, type_)

    def _field(self, key: str, nodes: list[FieldNode], parent: GraphQLObjectType) -> _Field:
        field = _Field(key, nodes, parent)
        if field.typename:
            return field
        if field.name.startswith("__"):
            raise _NotCompilable  # introspection: graphql-core's
        definition = parent.fields.get(field.name)
        if definition is None or definition.resolve is None or definition.subscribe is not None:
            raise _NotCompilable
        field.definition = definition
        field.resolve = definition.resolve
        field.plain = bool(getattr(definition.resolve, "_is_default", False)) and not definition.args
        field.completion = self._completion(definition.type, nodes)
        if field.plain and isinstance(field.completion, _Leaf):
            field.leaf = field.completion.type
        return field

    def _completion(self, type_: GraphQLOutputType, nodes: list[FieldNode]) -> _Completion:
        if isinstance(type_, GraphQLNonNull):
            inner = self._completion(type_.of_type, nodes)
            inner.non_null = True
            return inner
        if isinstance(type_, GraphQLList):
            return _List(self._completion(type_.of_type, nodes))
        if is_leaf_type(type_):
            return _Leaf(type_)
        if is_object_type(type_):
            return self.object(type_, nodes)  # type: ignore[arg-type]
        if is_abstract_type(type_) and type_.resolve_type is not None:  # type: ignore[union-attr]
            return _Abstract(type_, nodes, self)  # type: ignore[arg-type]
        raise _NotCompilable


class _Plan:
    __slots__ = ("operation", "root", "fragments")

    def __init__(self, operation: OperationDefinitionNode, root: _Object,
                 fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.operation = operation
        self.root = root
        self.fragments = fragments


# (schema, document, operation name) by identity -> (the document, its plan or None when not compilable).
# The document is held with its entry, so its id cannot be reused by another while the entry lives.
_PLANS: OrderedDict[tuple[int, int, str | None], tuple[DocumentNode, _Plan | None]] = OrderedDict()


def _plan(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None) -> _Plan | None:
    key = (id(schema), id(document), operation_name)
    entry = _PLANS.get(key)
    if entry is not None and entry[0] is document:
        _PLANS.move_to_end(key)
        return entry[1]
    plan = _compile(schema, document, operation_name)
    _PLANS[key] = (document, plan)
    while len(_PLANS) > MAX_PLANS:
        _PLANS.popitem(last=False)
    return plan


def _compile(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None) -> _Plan | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        if len(operations) != 1:
            return None
        (operation,) = operations
    else:
        named = [o for o in operations if o.name is not None and o.name.value == operation_name]
        if len(named) != 1:
            return None
        (operation,) = named
    root_type = schema.query_type
    if operation.operation != OperationType.QUERY or operation.directives or root_type is None:
        return None
    if any(v.directives for v in operation.variable_definitions or ()):
        return None
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    try:
        compiler = _Compiler(schema, fragments)
        root = _Object(compiler.fields(root_type, [operation.selection_set]), None)
    except _NotCompilable:
        return None
    return _Plan(operation, root, fragments)


def compiles(schema: GraphQLSchema, query: str, operation_name: str | None = None) -> bool:
    """Whether this query text's operation runs from a plan (for tests and benches)."""
    from graphql import parse

    return _compile(schema, parse(query), operation_name) is not None


# -- execution --------------------------------------------------------------------------------


async def _gather(awaitables: Sequence[Awaitable[Any]]) -> list[Any]:
    return list(await asyncio.gather(*awaitables))


_HELPERS = GraphQLResolveInfoHelpers(gather=_gather, track=lambda values: None)


class _Run:
    """One execution of a plan."""

    def __init__(self, schema: GraphQLSchema, plan: _Plan, variables: VariableValues, root_value: Any, context: Any,
                 is_awaitable: Callable[[Any], bool], operation_extensions: Any) -> None:
        self.schema = schema
        self.plan = plan
        self.variables = variables
        self.root_value = root_value
        self.context = context
        self.is_awaitable = is_awaitable
        self.operation_extensions = operation_extensions
        self.pending: list[tuple[Any, Any, Any, _Completion, _Field, Path]] = []
        self.arguments: dict[int, dict[str, Any]] = {}

    def info(self, field: _Field, path: Path) -> Any:
        return ResolveInfo(
            field.name, field.nodes, field.definition.type, field.parent, path, self.schema, self.plan.fragments,
            self.root_value, self.plan.operation, self.variables.coerced, self.context, self.is_awaitable, None,
            _HELPERS, self.operation_extensions,
        )

    def args(self, field: _Field) -> dict[str, Any]:
        found = self.arguments.get(id(field))
        if found is None:
            definition = field.definition
            if not definition.args:
                found = {}
            else:
                found = get_argument_values(definition, field.nodes[0], self.variables)
            self.arguments[id(field)] = found
        return found

    def object(self, plan: _Object, source: Any, path: Path | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        for field in plan.fields:
            key = field.key
            if field.typename:
                out[key] = field.parent.name
                continue
            leaf = field.leaf
            if field.plain:
                value = field.resolve(source, None)
                if leaf is not None and value is not None and not is_awaitable(value) and not isinstance(value, Exception):
                    coerced = leaf.coerce_output_value(value)
                    if coerced is None or coerced is Undefined:
                        raise _Abandon
                    out[key] = coerced
                    continue
                field_path = Path(path, key, field.parent.name)
            else:
                field_path = Path(path, key, field.parent.name)
                value = field.resolve(source, self.info(field, field_path), **self.args(field))
            if is_awaitable(value):
                out[key] = None
                self.pending.append((out, key, value, field.completion, field, field_path))
                continue
            out[key] = self.complete(field.completion, value, field, field_path)
        return out

    def complete(self, completion: _Completion, value: Any, field: _Field, path: Path) -> Any:
        if value is None or value is Undefined:
            if completion.non_null:
                raise _Abandon
            return None
        if isinstance(value, Exception):
            raise _Abandon
        if isinstance(completion, _Leaf):
            coerced = completion.type.coerce_output_value(value)
            if coerced is None or coerced is Undefined:
                raise _Abandon
            return coerced
        if isinstance(completion, _Object):
            if completion.is_type_of is not None and not completion.is_type_of(value, None):
                raise _Abandon
            return self.object(completion, value, path)
        if isinstance(completion, _List):
            if isinstance(value, str | bytes | Mapping) or not hasattr(value, "__iter__"):
                raise _Abandon
            items: list[Any] = []
            item_completion = completion.item
            for index, item in enumerate(value):
                item_path = path.add_key(index, None)
                if self.is_awaitable(item):
                    items.append(None)
                    self.pending.append((items, index, item, item_completion, field, item_path))
                else:
                    items.append(self.complete(item_completion, item, field, item_path))
            return items
        assert isinstance(completion, _Abstract)
        type_name = completion.type.resolve_type(value, self.info(field, path), completion.type)  # type: ignore[misc]
        if self.is_awaitable(type_name):
            _close(type_name)
            raise _Abandon
        return self.complete(completion.of(type_name), value, field, path)

    async def data(self) -> dict[str, Any]:
        try:
            data = self.object(self.plan.root, self.root_value, None)
            while self.pending:
                batch, self.pending = self.pending, []
                values = await asyncio.gather(*(p[2] for p in batch), return_exceptions=True)
                for (container, key, _, completion, field, path), value in zip(batch, values, strict=True):
                    if isinstance(value, BaseException):
                        raise _Abandon
                    container[key] = self.complete(completion, value, field, path)
            return data
        except BaseException:
            for pending in self.pending:
                _close(pending[2])
            self.pending = []
            raise


def _close(awaitable: Any) -> None:
    """An awaitable the attempt will not await: a coroutine is closed (a shared Future is left alone)."""
    close = getattr(awaitable, "close", None)
    if asyncio.iscoroutine(awaitable) and close is not None:
        close()


def execute(schema: GraphQLSchema, document: DocumentNode, **kwargs: Any) -> Any:
    """graphql-core's `execute`, through a compiled plan when the operation has one (see the module)."""
    middleware = kwargs.get("middleware")
    if (middleware is not None and getattr(middleware, "middlewares", ())) or kwargs.get("hooks") is not None:
        return graphql_execute(schema, document, **kwargs)
    plan = _plan(schema, document, kwargs.get("operation_name")) if ENABLED else None
    if plan is None:
        return graphql_execute(schema, document, **kwargs)
    coerced = get_variable_values(schema, plan.operation.variable_definitions or [], kwargs.get("variable_values") or {})
    if not isinstance(coerced, VariableValues):
        return graphql_execute(schema, document, **kwargs)  # variable errors: reported graphql-core's way
    is_awaitable = kwargs.get("is_awaitable") or (lambda value: hasattr(value, "__await__"))
    run = _Run(schema, plan, coerced, kwargs.get("root_value"), kwargs.get("context_value"), is_awaitable,
               kwargs.get("operation_extensions"))

    async def attempt() -> ExecutionResult:
        try:
            return ExecutionResult(data=await run.data())
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - the happy path ended: graphql-core answers, errors and all
            result = graphql_execute(schema, document, **kwargs)
            return await result if is_awaitable(result) else result

    return attempt()
