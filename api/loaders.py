"""Per-request DataLoaders: every related read is batched into one statement per loader and batch.

Loaders are built for one request and one principal; they call the read planner (`domain.reads`:
every part of a contact in one statement) or repository `get_many`-style functions scoped to the
principal's workspace, and return results in key order.
"""

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from domain.db import RequestSession
from domain.reads.contacts import contact_rows
from domain.reads.planner import Want, read_parts
from domain.models import ContactList, Group, Tag, User
from domain.policies import Principal
from domain.repositories import audit as audit_repo
from domain.repositories import catalog as catalog_repo
from domain.repositories import conversations as conversations_repo
from domain.repositories.paging import Page
from domain.services import contacts as contacts_service
from domain.services import imports as imports_service

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _by_id(rows: Sequence[Any], keys: Sequence[int]) -> list[Any]:
    found = {r.id: r for r in rows}
    return [found.get(k) for k in keys]


async def _grouped_by_params(
    keys: Sequence[tuple[Any, ...]], fetch: Callable[[list[int], tuple[Any, ...]], Awaitable[dict[int, V]]], default: V
) -> list[V]:
    """Keys are (contact id, *params): one fetch per distinct params, results back in key order."""
    by_params: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for contact_id, *params in keys:
        by_params[tuple(params)].append(contact_id)
    results: dict[tuple[Any, ...], V] = {}
    for params, contact_ids in by_params.items():
        fetched = await fetch(sorted(set(contact_ids)), params)
        for contact_id in contact_ids:
            results[(contact_id, *params)] = fetched.get(contact_id, default)
    return [results[tuple(k)] for k in keys]


class Loaders:
    def __init__(self, *, session: RequestSession, principal: Principal, now: datetime) -> None:
        self._session = session
        self._principal = principal
        self._ws = principal.workspace_id
        self._now = now

        self.contact_by_id: DataLoader[int, Any] = DataLoader(self._contacts)
        self.user_by_id = self._entity_loader(User)

        # Every part of a contact the profile shows (tags, notes, metrics...): one statement per batch.
        self.contact_parts: DataLoader[tuple[int, Want], Any] = DataLoader(self._parts)
        self.conversations_page = DataLoader(self._conversation_pages)
        self.turns_by_conversation: DataLoader[int, list[Any]] = DataLoader(self._turns)
        self.history_page = DataLoader(self._history)
        self.history_count: DataLoader[int, int] = DataLoader(self._history_counts)

        self.contact_count_by_tag = self._member_count_loader(Tag)
        self.contact_count_by_list = self._member_count_loader(ContactList)
        self.contact_count_by_group = self._member_count_loader(Group)
        self.contact_count_by_segment: DataLoader[int, int] = DataLoader(self._segment_sizes)
        self.import_errors_page: DataLoader[tuple[int, int, int], Page[Any]] = DataLoader(self._import_errors)

    # -- entities by id -------------------------------------------------------------------------

    async def _contacts(self, keys: list[int]) -> list[Any]:
        rows = await contact_rows(self._session, principal=self._principal, ids=keys)
        return _by_id(rows, keys)

    def _entity_loader(self, model: type[Any]) -> DataLoader[int, Any]:
        async def load(keys: list[int]) -> list[Any]:
            rows = await catalog_repo.get_many(self._session, model, workspace_id=self._ws, ids=keys)
            return _by_id(rows, keys)

        return DataLoader(load)

    def _member_count_loader(self, model: type[Any]) -> DataLoader[int, int]:
        async def load(keys: list[int]) -> list[int]:
            counts = await catalog_repo.member_counts(self._session, model, workspace_id=self._ws, ids=keys)
            return [counts.get(k, 0) for k in keys]

        return DataLoader(load)

    async def _segment_sizes(self, keys: list[int]) -> list[int]:
        sizes = await contacts_service.segment_sizes(
            session=self._session, principal=self._principal, segment_ids=keys, now=self._now
        )
        return [sizes.get(k, 0) for k in keys]

    async def _import_errors(self, keys: list[tuple[int, int, int]]) -> list[Page[Any]]:
        async def fetch(ids: list[int], params: tuple[Any, ...]) -> dict[int, Page[Any]]:
            first, offset = params
            return await imports_service.row_error_pages(
                session=self._session, principal=self._principal, job_ids=ids, first=first, offset=offset
            )

        return await _grouped_by_params(keys, fetch, Page.empty())

    # -- per contact ----------------------------------------------------------------------------

    async def _parts(self, keys: list[tuple[int, Want]]) -> list[Any]:
        return await read_parts(self._session, principal=self._principal, keys=keys, now=self._now)

    async def _history(self, keys: list[tuple[int, int, str | None]]) -> list[Page[Any]]:
        async def fetch(ids: list[int], params: tuple[Any, ...]) -> dict[int, Page[Any]]:
            first, after = params
            return await audit_repo.history_pages(
                self._session, workspace_id=self._ws, contact_ids=ids, first=first, after=after
            )

        return await _grouped_by_params(keys, fetch, Page(items=(), cursors=(), has_next_page=False))

    async def _history_counts(self, keys: list[int]) -> list[int]:
        counts = await audit_repo.history_counts(self._session, workspace_id=self._ws, contact_ids=keys)
        return [counts.get(k, 0) for k in keys]

    async def _conversation_pages(self, keys: list[tuple[int, int, int]]) -> list[Page[Any]]:
        async def fetch(ids: list[int], params: tuple[Any, ...]) -> dict[int, Page[Any]]:
            first, offset = params
            return await conversations_repo.conversations_pages(
                self._session, workspace_id=self._ws, contact_ids=ids, first=first, offset=offset
            )

        return await _grouped_by_params(keys, fetch, Page.empty())

    async def _turns(self, keys: list[int]) -> list[list[Any]]:
        grouped = await conversations_repo.turns_by_conversation(self._session, workspace_id=self._ws, conversation_ids=keys)
        return [grouped.get(k, []) for k in keys]
