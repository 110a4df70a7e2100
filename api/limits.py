"""Abuse limits on GraphQL documents, all enforced before a resolver (or any SQL) runs.

One schema extension, `QueryLimits`, applies five limits read from the settings
(domain.settings: max_tokens, max_query_depth, max_aliases, max_query_cost; the page-size range is
domain.repositories.paging.MAX_PAGE_SIZE):

* tokens: the parser stops after `max_tokens` tokens, comments included (graphql-core's
  `max_tokens`, as strawberry's MaxTokensLimiter sets it) -> QUERY_TOO_COMPLEX;
* depth: the deepest chain of fields with a selection set, through fragments, introspection fields
  ignored (what strawberry's QueryDepthLimiter measures) -> QUERY_TOO_COMPLEX;
* aliases: aliased fields in the document, a fragment counting once per spread (what strawberry's
  MaxAliasesLimiter counts) -> QUERY_TOO_COMPLEX;
* NUL: a string holding U+0000, in the document or in variables -> BAD_USER_INPUT (PostgreSQL
  cannot store it; no contact datum needs it);
* page size: every `first`/`last` argument of a connection field must be 1..MAX_PAGE_SIZE, variables
  resolved -> BAD_USER_INPUT with `extensions.field`;
* cost: the number of nodes the operation may return, in the spirit of GitHub's GraphQL resource
  limits: each connection field (a field with a `first` or `last` argument) requests
  `first` (or `last`; its default when absent) nodes for every node of the connections it is nested in;
  the cost is the sum over all connection fields. Above `max_query_cost` -> QUERY_TOO_COSTLY.
  Lists that are not connections (a contact's tags, say) do not multiply.
  Every response that got as far as validation reports it: `extensions.cost = {"requestedNodes": N, "limit": L}`.

Depth, aliases and cost are computed here rather than with strawberry's QueryDepthLimiter and
MaxAliasesLimiter: those walk a fragment again at every spread, which is exponential for a document
whose fragments spread each other repeatedly; here each fragment is measured once (memoized), so the
check is linear in the size of the document. They also raise uncoded errors.

Depth and aliases are checked on every operation of the document; page sizes and cost on the
operation that will run (`operationName`, or the only one).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    VariableNode,
    Visitor,
    get_named_type,
    parse,
    visit,
)
from strawberry.schema.schema import validate_document
from strawberry.extensions import SchemaExtension

from api.selections import SelectionCount, count_selections
from domain.errors import ErrorCode
from domain.repositories.paging import MAX_PAGE_SIZE
from domain.settings import Settings, get_settings

PAGE_ARGUMENTS = ("first", "last")
# graphql-core's message when `max_tokens` stops the parser.
_TOKEN_LIMIT_MESSAGE = "tokens. Parsing aborted."


@dataclass(frozen=True)
class Limits:
    max_tokens: int
    max_depth: int
    max_aliases: int
    max_cost: int
    max_page_size: int = MAX_PAGE_SIZE
    max_selections: int = 1000
    max_repeated_selections: int = 10

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            max_tokens=settings.max_tokens,
            max_depth=settings.max_query_depth,
            max_aliases=settings.max_aliases,
            max_cost=settings.max_query_cost,
            max_selections=settings.max_selections,
            max_repeated_selections=settings.max_repeated_selections,
        )


def _coded(message: str, code: ErrorCode, nodes: Any = None, **extensions: Any) -> GraphQLError:
    return GraphQLError(message, nodes, extensions={"code": code.value, **extensions})


def _settings_of(context: Any) -> Settings:
    """The app's settings (create_app stores them on app.state), else the environment's."""
    request = getattr(context, "request", None)
    app = getattr(request, "app", None) if request is not None else None
    settings = getattr(getattr(app, "state", None), "settings", None)
    return settings if isinstance(settings, Settings) else get_settings()


class QueryLimits(SchemaExtension):
    """Refuse oversized documents before execution and report every operation's cost in `extensions.cost`."""

    def __init__(self, limits: Limits | None = None) -> None:
        self._fixed = limits
        self.limits: Limits | None = None
        self.cost: int | None = None

    def on_operation(self) -> Iterator[None]:
        ec = self.execution_context
        limits = self.limits = self._fixed or Limits.from_settings(_settings_of(ec.context))
        ec.parse_options["max_tokens"] = limits.max_tokens
        yield

    def on_parse(self) -> Iterator[None]:
        ec = self.execution_context
        if ec.graphql_document is None and isinstance(ec.query, str) and len(ec.query) <= _PARSE_CACHE_MAX_CHARS:
            try:
                ec.graphql_document = _parse_cached(ec.query, **ec.parse_options)
            except GraphQLError:
                pass  # not cached: strawberry parses it again and reports the error its own way
        yield
        # The parser raised and strawberry kept its error: give the token limit its code.
        assert self.limits is not None
        for error in self.execution_context.pre_execution_errors or ():
            if _TOKEN_LIMIT_MESSAGE in error.message and "code" not in (error.extensions or {}):
                limit = self.limits.max_tokens
                error.message = f"the document has more than {limit} tokens (comments count); the limit is {limit}"
                error.extensions = {**(error.extensions or {}), "code": ErrorCode.QUERY_TOO_COMPLEX.value, "limit": limit}

    async def on_validate(self) -> AsyncIterator[None]:
        """The limits first (linear, cheap), then graphql-core's rules unless this text already passed them.

        Setting `pre_execution_errors` here makes strawberry skip its own validation pass. A new text is
        validated in a worker thread: the event loop keeps serving other requests meanwhile (the GIL
        is handed back every few milliseconds), instead of stalling for the whole validation.
        """
        ec = self.execution_context
        document = ec.graphql_document
        if document is not None and ec.pre_execution_errors is None:
            schema = ec.schema._schema
            errors = self._limit_errors(schema, document)
            if not errors:
                errors = await _VALID_DOCUMENTS.validate(schema, document, ec.query, tuple(ec.validation_rules))
            ec.pre_execution_errors = errors
        yield

    def get_results(self) -> dict[str, Any]:
        if self.cost is None or self.limits is None:
            return {}
        return {"cost": {"requestedNodes": self.cost, "limit": self.limits.max_cost}}

    def _limit_errors(self, schema: GraphQLSchema, document: DocumentNode) -> list[GraphQLError]:
        assert self.limits is not None
        ec = self.execution_context
        errors: list[GraphQLError] = _selection_errors(document, self.limits)
        if errors:
            return errors  # measuring the rest could cost what the limit is there to prevent
        variables = ec.variables if isinstance(ec.variables, Mapping) else {}
        self.cost = _measured_cost(schema, document, self.limits, variables, ec.operation_name, errors)
        where = _nul_in(variables, "variables")
        if where is not None:
            errors.append(_coded(NUL_MESSAGE, ErrorCode.BAD_USER_INPUT, field=where))
        # A literal can only hold U+0000 through a \u escape (the lexer refuses the raw character), so a
        # text without "\u" is not walked: the usual document costs no extra pass.
        if not isinstance(ec.query, str) or "\\u" in ec.query:
            nul_strings = _NulStrings()
            visit(document, nul_strings)
            errors.extend(_coded(NUL_MESSAGE, ErrorCode.BAD_USER_INPUT, node) for node in nul_strings.found)
        return errors


def _selection_errors(document: DocumentNode, limits: Limits) -> list[GraphQLError]:
    """The bounds that keep graphql-core's quadratic overlap check short (api/selections.py)."""
    counted = _counted(document)
    errors = []
    if counted.total > limits.max_selections:
        errors.append(_coded(
            f"the document selects {counted.total} fields (fragments counted where they are spread); the limit is"
            f" {limits.max_selections}", ErrorCode.QUERY_TOO_COMPLEX, limit=limits.max_selections,
        ))
    if counted.most_repeated > limits.max_repeated_selections:
        errors.append(_coded(
            f"`{counted.repeated_path[:200]}` is selected {counted.most_repeated} times in one operation; the limit"
            f" is {limits.max_repeated_selections}", ErrorCode.QUERY_TOO_COMPLEX, limit=limits.max_repeated_selections,
        ))
    return errors


_COUNTED: OrderedDict[int, tuple[DocumentNode, SelectionCount]] = OrderedDict()


def _counted(document: DocumentNode) -> SelectionCount:
    """Counts of a document, remembered by identity: the parse cache hands out one document per text.

    (Not an lru_cache: graphql-core's nodes hash structurally, a walk of the whole document.)
    """
    entry = _COUNTED.get(id(document))
    if entry is not None and entry[0] is document:
        _COUNTED.move_to_end(id(document))
        return entry[1]
    counted = count_selections(document.definitions)
    _COUNTED[id(document)] = (document, counted)
    while len(_COUNTED) > 512:
        _COUNTED.popitem(last=False)
    return counted


_MEASURED: OrderedDict[tuple[Any, ...], tuple[DocumentNode, int | None]] = OrderedDict()
_MEASURED_MAX_VARIABLES = 32


def _measured_cost(
    schema: GraphQLSchema, document: DocumentNode, limits: "Limits", variables: Mapping[str, Any],
    operation_name: str | None, errors: list[GraphQLError],
) -> int | None:
    """Depth, aliases, page sizes and cost of a document, remembered when it passed.

    The measure reads variables only as page sizes: an Int variable's value counts, any other value
    is skipped, an absent one takes its default. So (document, operation, Int values, the other
    variables' names) decides the outcome, and a passing document is not walked again (a millisecond
    per request for the contract's profile). Failures are measured afresh, as validation's are.
    """
    key = None
    if len(variables) <= _MEASURED_MAX_VARIABLES:
        signature = tuple(sorted((k, v if _is_int(v) else None) for k, v in variables.items()))
        key = (id(document), schema, limits, operation_name, signature)
        entry = _MEASURED.get(key)
        if entry is not None and entry[0] is document:
            _MEASURED.move_to_end(key)
            return entry[1]
    before = len(errors)
    measure = _Measure(schema, document.definitions, limits, variables, errors.append)
    measure.check_document(operation_name)
    if key is not None and len(errors) == before:
        _MEASURED[key] = (document, measure.cost)
        while len(_MEASURED) > 1024:
            _MEASURED.popitem(last=False)
    return measure.cost


# Parsed documents of the texts clients send again and again (the parse options, max_tokens, are part of
# the key). Documents are never mutated after parsing; long texts are not kept. Not strawberry's
# ParserCache: it lets a parse error escape the extensions, so the error would carry no code.
_PARSE_CACHE_MAX_CHARS = 20_000
_parse_cached = functools.lru_cache(maxsize=512)(parse)


class _NulStrings(Visitor):
    """String literals of the document that hold U+0000 (written as an escape: the lexer refuses it raw)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[StringValueNode] = []

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        if "\x00" in node.value:
            self.found.append(node)


class _KnownValidDocuments:
    """Query texts that passed graphql-core's validation, per schema and rule set (an LRU of digests).

    Validation is the most expensive step of a typical request (tens of milliseconds for the contract's
    profile query, against a few for executing it), and clients send the same few documents again and
    again. Only successes are remembered: a failing document is validated afresh each time, so cached
    error objects are never shared between responses. The key is a digest of the text, so memory stays
    bounded whatever the size of the documents.
    """

    def __init__(self, maxsize: int = 1024) -> None:
        self.maxsize = maxsize
        self._valid: OrderedDict[tuple[GraphQLSchema, tuple[Any, ...], bytes], None] = OrderedDict()

    async def validate(
        self, schema: GraphQLSchema, document: DocumentNode, query: str | None, rules: tuple[Any, ...]
    ) -> list[GraphQLError]:
        key = None if query is None else (schema, rules, hashlib.sha256(query.encode("utf-8", "surrogatepass")).digest())
        if key is not None and key in self._valid:
            self._valid.move_to_end(key)
            return []
        errors = await asyncio.to_thread(validate_document, schema, document, rules)
        if not errors and key is not None:
            self._valid[key] = None
            while len(self._valid) > self.maxsize:
                self._valid.popitem(last=False)
        return errors


_VALID_DOCUMENTS = _KnownValidDocuments()


# PostgreSQL cannot store U+0000 in text, and no contact datum needs it: refused everywhere, up front.
NUL_MESSAGE = "text may not contain the NUL character (U+0000)"


def _nul_in(value: Any, path: str) -> str | None:
    """The path of the first string holding U+0000 in a variables value, or None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, Mapping):
        items: Any = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _nul_in(item, f"{path}.{key}")
        if found is not None:
            return found
    return None


class _Measure:
    """Depth, aliases, page sizes and cost of one document, each fragment measured once."""

    def __init__(
        self,
        schema: GraphQLSchema,
        definitions: Any,
        limits: Limits,
        variables: Mapping[str, Any],
        report: Any,
    ) -> None:
        self.schema = schema
        self.limits = limits
        self.variables = variables
        self.report = report
        self.operations = [d for d in definitions if isinstance(d, OperationDefinitionNode)]
        self.fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
        self._shape: dict[str, tuple[int, int]] = {}  # fragment -> (depth, aliases)
        self._unit_cost: dict[str, int] = {}  # fragment -> cost per enclosing node
        self._in_progress: set[str] = set()
        self._operation: OperationDefinitionNode | None = None
        self.cost: int | None = None

    def check_document(self, operation_name: str | None) -> None:
        for operation in self.operations:
            depth, _ = self._shape_of(operation.selection_set)
            if depth > self.limits.max_depth:
                name = operation.name.value if operation.name else "anonymous"
                self.report(_coded(
                    f"operation '{name}' is {depth} levels deep; the limit is {self.limits.max_depth}",
                    ErrorCode.QUERY_TOO_COMPLEX, operation, limit=self.limits.max_depth,
                ))
        aliases = sum(self._shape_of(operation.selection_set)[1] for operation in self.operations)
        if aliases > self.limits.max_aliases:
            self.report(_coded(
                f"the document uses {aliases} aliases; the limit is {self.limits.max_aliases}",
                ErrorCode.QUERY_TOO_COMPLEX, limit=self.limits.max_aliases,
            ))
        self._operation = self._selected(operation_name)
        if self._operation is None:
            return  # graphql-core reports the missing or ambiguous operation
        root = self.schema.get_root_type(self._operation.operation)
        if root is None:
            return
        self.cost = self._cost(self._operation.selection_set, root)
        if self.cost > self.limits.max_cost:
            self.report(_coded(
                f"the query may return up to {self.cost} nodes; the limit is {self.limits.max_cost}."
                " Ask for fewer nodes per connection (first/last) or fewer nested connections.",
                ErrorCode.QUERY_TOO_COSTLY, self._operation, cost=self.cost, limit=self.limits.max_cost,
            ))

    def _selected(self, operation_name: str | None) -> OperationDefinitionNode | None:
        if operation_name:
            return next((o for o in self.operations if o.name and o.name.value == operation_name), None)
        return self.operations[0] if len(self.operations) == 1 else None

    # -- depth and aliases (every operation) -------------------------------------------------------

    def _shape_of(self, selection_set: SelectionSetNode | None) -> tuple[int, int]:
        depth, aliases = 0, 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                if selection.alias:
                    aliases += 1
                if selection.selection_set:
                    child_depth, child_aliases = self._shape_of(selection.selection_set)
                    aliases += child_aliases
                    if not selection.name.value.startswith("__"):  # introspection has no depth (as in strawberry)
                        depth = max(depth, 1 + child_depth)
            elif isinstance(selection, InlineFragmentNode):
                child_depth, child_aliases = self._shape_of(selection.selection_set)
                depth, aliases = max(depth, child_depth), aliases + child_aliases
            elif isinstance(selection, FragmentSpreadNode):
                child_depth, child_aliases = self._fragment_shape(selection.name.value)
                depth, aliases = max(depth, child_depth), aliases + child_aliases
        return depth, aliases

    def _fragment_shape(self, name: str) -> tuple[int, int]:
        if name in self._shape:
            return self._shape[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self._in_progress:
            return 0, 0  # unknown fragment or a cycle: graphql-core's own rules report them
        self._in_progress.add(name)
        try:
            self._shape[name] = self._shape_of(fragment.selection_set)
        finally:
            self._in_progress.discard(name)
        return self._shape[name]

    # -- page sizes and cost (the operation that runs) ---------------------------------------------

    def _cost(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None) -> int:
        """Nodes requested under `selection_set` for one enclosing node (the cost is linear in it)."""
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                field = _field(parent, selection.name.value)
                if field is None:
                    continue  # introspection or an unknown field (reported by graphql-core)
                size = self._page_size(field, selection)
                below = self._cost(selection.selection_set, get_named_type(field.type))
                total += below if size is None else size + size * below
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                scope = self.schema.get_type(condition.name.value) if condition else parent
                total += self._cost(selection.selection_set, scope)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment_cost(selection.name.value)
        return total

    def _fragment_cost(self, name: str) -> int:
        if name in self._unit_cost:
            return self._unit_cost[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self._in_progress:
            return 0
        self._in_progress.add(name)
        try:
            scope = self.schema.get_type(fragment.type_condition.name.value)
            # Measured (and its page sizes checked) once, however often it is spread.
            self._unit_cost[name] = self._cost(fragment.selection_set, scope)
        finally:
            self._in_progress.discard(name)
        return self._unit_cost[name]

    def _page_size(self, field: GraphQLField, node: FieldNode) -> int | None:
        """The nodes a connection field returns per enclosing node; None for any other field."""
        present = [name for name in PAGE_ARGUMENTS if name in field.args]
        if not present:
            return None
        given = {arg.name.value: arg.value for arg in node.arguments or ()}
        sizes: list[int] = []
        for name in present:
            value = self._value(given[name]) if name in given else _ABSENT
            if value is _ABSENT:  # not given (or an unset variable): the argument's default applies
                default = field.args[name].default_value
                value = default if _is_int(default) else None
            if not _is_int(value):
                continue  # null or not an Int: graphql-core's coercion refuses it
            if not 1 <= value <= self.limits.max_page_size:
                self.report(_coded(
                    f"`{name}` must be between 1 and {self.limits.max_page_size} (got {value} on `{node.name.value}`)",
                    ErrorCode.BAD_USER_INPUT, node, field=name,
                ))
            sizes.append(max(value, 0))
        # Neither given nor defaulted (e.g. only `last: Int`): the most a page may hold.
        return max(sizes) if sizes else self.limits.max_page_size

    def _value(self, value: Any) -> Any:
        """An argument's value with variables resolved; _ABSENT for a variable with no value and no default."""
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):
            name = value.name.value
            if name in self.variables:
                return self.variables[name]
            for definition in self._operation.variable_definitions if self._operation else ():
                if definition.variable.name.value == name and definition.default_value is not None:
                    default = definition.default_value
                    return int(default.value) if isinstance(default, IntValueNode) else None
            return _ABSENT
        return None


_ABSENT = object()


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _field(parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
    if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)):
        return parent.fields.get(name)
    return None
