"""Companies, departments, tags and lists named in the file, found by name or created.

Names match ignoring case and accents ("Acmé" finds "ACME"), the way the headers do. A name the
workspace does not have yet is created (all four are things an OPERATOR may create one by one),
spelled as in the file's first row that uses it. A dry run creates nothing: a missing name gets a
negative stand-in id so the counts still say what would change.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Company, ContactList, Department, Tag
from domain.repositories import imports as repo
from domain.text import fold

MODELS: dict[str, Any] = {"company": Company, "department": Department, "tags": Tag, "lists": ContactList}


class NameIds:
    """Folded name -> id for one kind, plus the ids that exist (to drop stale option ids)."""

    def __init__(self, rows: Iterable[tuple[int, str]]) -> None:
        self.by_name: dict[str, int] = {}
        self.ids: set[int] = set()
        # The same few names recur on thousands of rows: fold each spelling once.
        self._spellings: dict[str, int] = {}
        for pk, key in rows:  # (id, stored folded name)
            self.by_name.setdefault(key, pk)
            self.ids.add(pk)

    def get(self, name: str) -> int:
        found = self._spellings.get(name)
        if found is None:
            found = self._spellings[name] = self.by_name[fold(name)]
        return found


async def resolve(
    session: AsyncSession, kind: str, names: Iterable[str], *, workspace_id: int, now: datetime, create: bool,
    ids: Iterable[int] = (),
) -> NameIds:
    """The ids of `names` (created when missing, unless a dry run) and which of `ids` still exist;
    only the batch's own names are read, through the stored folded names, however many the workspace has."""
    model = MODELS[kind]
    spelled: dict[str, str] = {}
    for name in names:
        spelled.setdefault(fold(name), name)  # the first spelling of each name in the batch
    ids = list(ids)
    known = NameIds(await repo.names(session, model, workspace_id=workspace_id, keys=spelled, ids=ids))
    missing = {key: name for key, name in spelled.items() if key not in known.by_name}
    if not missing:
        return known
    if not create:
        for n, key in enumerate(missing, start=1):
            known.by_name[key] = -n
        return known
    await repo.create_named(session, model, workspace_id=workspace_id, names=missing.values(), now=now)
    return NameIds(await repo.names(session, model, workspace_id=workspace_id, keys=spelled, ids=ids))
