"""How many field selections a document makes, and how often one response path repeats: the inputs of
graphql-core's overlapping-fields check, which is quadratic in the selections it has to merge.

Every field is counted where it lands once fragments are spread (a fragment's fields count at every
spread), keyed by its response path from the root ("contacts.edges.node.name"). A path reached by k
fields makes the check compare about k² pairs, each recursing into their sub-selections, so both
the total and the largest repetition are bounded before validation runs (api/limits.py).

Each fragment is measured once (memoized), so the count is linear in the document even when
fragments spread each other repeatedly; the totals themselves may be huge, and are then refused.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from graphql import FieldNode, FragmentDefinitionNode, FragmentSpreadNode, InlineFragmentNode, OperationDefinitionNode, SelectionSetNode

Path = tuple[str, ...]


@dataclass(frozen=True)
class SelectionCount:
    total: int  # field selections once fragments are spread
    most_repeated: int  # the largest number of fields sharing one response path
    repeated_path: str  # that path, for the error message


def count_selections(definitions: Iterable[object]) -> SelectionCount:
    """The total over every operation of the document (graphql-core validates them all) and the largest
    repetition within one operation (the overlap check merges each operation's selections apart)."""
    definitions = list(definitions)
    fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
    counter = _Counter(fragments)
    total, most, where = 0, 0, ""
    for definition in definitions:
        if isinstance(definition, OperationDefinitionNode):
            paths = counter.paths(definition.selection_set)
            total += sum(paths.values())
            if paths:
                path, repeated = paths.most_common(1)[0]
                if repeated > most:
                    most, where = repeated, ".".join(path)
    return SelectionCount(total, most, where)


class _Counter:
    def __init__(self, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self._memo: dict[str, Counter[Path]] = {}
        self._in_progress: set[str] = set()

    def paths(self, selection_set: SelectionSetNode | None, prefix: Path = ()) -> Counter[Path]:
        found: Counter[Path] = Counter()
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                path = (*prefix, (selection.alias or selection.name).value)
                found[path] += 1
                if selection.selection_set:
                    found.update(self.paths(selection.selection_set, path))
            elif isinstance(selection, InlineFragmentNode):
                found.update(self.paths(selection.selection_set, prefix))
            elif isinstance(selection, FragmentSpreadNode):
                for relative, n in self._fragment(selection.name.value).items():
                    found[(*prefix, *relative)] += n
        return found

    def _fragment(self, name: str) -> Counter[Path]:
        if name in self._memo:
            return self._memo[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self._in_progress:
            return Counter()  # unknown fragment or a cycle: graphql-core's own rules report them
        self._in_progress.add(name)
        try:
            self._memo[name] = self.paths(fragment.selection_set)
        finally:
            self._in_progress.discard(name)
        return self._memo[name]
