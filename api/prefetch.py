"""Contact parts read before their fields resolve: the resolver that makes Contact objects (a page of
contacts, one contact by id) looks at what the document selects under them and asks the read planner
for those parts of every contact at once, in one statement (domain.reads.planner).

Each part's field then resolves synchronously from what was read: no coroutine, task or DataLoader
round per contact and field, which was most of the Python time a 25-contact page cost. A part the
selection does not name (or whose arguments are invalid: the field itself reports that) is loaded
by the field through the request's `contact_parts` loader, as before; both paths read the same
planner part, so they answer the same.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from graphql import (
    FieldNode,
    GraphQLError,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLResolveInfo,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import VariableValues, get_argument_values

from api.context import Info
from domain.errors import DomainError

Want = tuple[Any, ...]
# GraphQL field of Contact -> the planner part it reads, from the field's arguments (keyword names as
# in GraphQL); raises DomainError on an invalid argument, exactly as the field does. Filled by
# api.types.contact, which owns both the fields and their wants.
PARTS: dict[str, Callable[..., Want]] = {}


def _subfields(
    info: GraphQLResolveInfo, selection_sets: Iterable[SelectionSetNode | None], type_name: str, name: str | None = None
) -> list[FieldNode]:
    """The fields selected in `selection_sets` on an object of `type_name` (through fragments), or only
    those named `name`."""
    found: list[FieldNode] = []
    pending = [s for s in selection_sets if s is not None]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                if name is None or selection.name.value == name:
                    found.append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or _applies(info, condition.name.value, type_name):
                    pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = info.fragments.get(selection.name.value)
                if fragment is not None and _applies(info, fragment.type_condition.name.value, type_name):
                    pending.append(fragment.selection_set)
    return found


def _applies(info: GraphQLResolveInfo, condition: str, type_name: str) -> bool:
    if condition == type_name:
        return True
    abstract = info.schema.get_type(condition)
    concrete = info.schema.get_type(type_name)
    if abstract is None or not isinstance(concrete, GraphQLObjectType):
        return False
    return any(get_named_type(i).name == condition for i in concrete.interfaces)


def selected_wants(info: Info, path: Sequence[str] = ()) -> list[Want]:
    """The planner parts the document selects of the Contacts under this field, at `path` below it
    (("edges", "node") for a connection; () when the field returns contacts itself)."""
    raw: GraphQLResolveInfo = info._raw_info
    nodes: list[FieldNode] = list(raw.field_nodes)
    parent = get_named_type(raw.return_type)
    for step in path:
        assert isinstance(parent, GraphQLObjectType)
        nodes = _subfields(raw, (n.selection_set for n in nodes), parent.name, step)
        parent = get_named_type(parent.fields[step].type)
    contact = raw.schema.get_type("Contact")
    assert isinstance(contact, GraphQLObjectType)
    variables = raw.variable_values
    if not isinstance(variables, VariableValues):  # Strawberry hands resolvers the plain coerced dict
        variables = VariableValues(sources={}, coerced=variables or {})
    wants: list[Want] = []
    for node in _subfields(raw, (n.selection_set for n in nodes), "Contact"):
        part = PARTS.get(node.name.value)
        if part is None:
            continue
        try:
            args = get_argument_values(contact.fields[node.name.value], node, variables)
            want = part(**args)
        except (DomainError, GraphQLError, TypeError):
            continue  # an invalid (or unforeseen) argument: the field loads the part itself, and reports it
        if want not in wants:
            wants.append(want)
    return wants


async def prefetch(info: Info, contacts: Sequence[Any], path: Sequence[str] = ()) -> None:
    """Read the selected parts of `contacts` (api.types.contact.Contact objects) in one statement and
    keep them on each contact."""
    if not contacts:
        return
    wants = selected_wants(info, path)
    if not wants:
        return
    keys = [(c.row.id, want) for c in contacts for want in wants]
    values = await info.context.loaders.contact_parts.load_many(keys)
    for (_, want), contact, value in zip(keys, (c for c in contacts for _ in wants), values, strict=True):
        contact.parts[want] = value
