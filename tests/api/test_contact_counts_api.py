"""Counts the contacts module shows stay exact through the real write paths, and as time passes.

Random sequences of the contract's own operations (contactCreate, a CSV import, message events that
move last activity, suspend and reactivate, delete, bulk ADD_TAG and SUSPEND jobs, tags added and
removed) run against one workspace while another gets writes too; then contactStatusCounts (of the
workspace and within a tag), the status-filtered, tag-filtered and unfiltered totalCount, and
FilterOptions' tag counts and segment sizes (a segment of statuses within a tag, as "VIP activos")
are compared with a recount of every contact (its status computed in Python), at the server's clock
and at later clocks that age contacts across band boundaries. Hypothesis drives it from a worker thread, as in
test_fuzz.py.
"""

import asyncio
import itertools
from datetime import timedelta
from typing import Any

import httpx
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.ids import to_global_id
from domain.clock import FixedClock
from domain.enums import Role
from domain.models import Tag
from tests.api.action_helpers import act
from tests.api.fuzz_helpers import LoopBridge, fuzz_app
from tests.api.test_import import finish, upload
from tests.conftest import NOW
from tests.contract.documents import document
from tests.count_checks import target_truth, truth
from tests.graphql_client import data_of, gql

DAY = timedelta(days=1)
CONTACTS = document("contacts")
BULK = "ContactsBulkAction"
# Clocks the counts are read at: now, then later as contacts age across boundaries (16, 46, 121 days).
LATER = [timedelta(0), 12 * timedelta(hours=1), 5 * DAY, 31 * DAY, 76 * DAY]
_serial = itertools.count(1)

ages = st.sampled_from([0, 1, 14, 15, 16, 44, 46, 119, 121, 300])
hours = st.integers(0, 23)
pick = st.integers(0, 50)
operation = st.one_of(
    st.tuples(st.just("create"), st.booleans(), st.none()),
    st.tuples(st.just("import"), st.integers(1, 3), st.none()),
    st.tuples(st.just("event"), pick, st.tuples(ages, hours)),
    st.tuples(st.just("suspend"), pick, st.none()),
    st.tuples(st.just("reactivate"), pick, st.none()),
    st.tuples(st.just("delete"), pick, st.none()),
    st.tuples(st.just("bulk_tag"), st.lists(pick, min_size=1, max_size=4), st.none()),
    st.tuples(st.just("bulk_suspend"), st.sampled_from(["NEW", "DORMANT", "INACTIVE"]), st.none()),
    st.tuples(st.just("tag"), pick, st.booleans()),
    st.tuples(st.just("untag"), pick, st.none()),
)


class Module:
    """One workspace driven through the API, keeping the ids it created."""

    def __init__(self, http: httpx.AsyncClient, engine: Any, ws: Any, tags: list[int]) -> None:
        self.http, self.engine, self.ws, self.tags = http, engine, ws, tags
        self.contacts: list[str] = []

    @property
    def key(self) -> str:
        return self.ws.keys[Role.OPERATOR]

    def _contact(self, p: int) -> str | None:
        return self.contacts[p % len(self.contacts)] if self.contacts else None

    async def _bulk(self, selection: dict[str, Any], action: str, target: str | None = None) -> None:
        payload = await act(self.http, BULK, {"selection": selection, "action": action, "targetId": target,
                                              "dryRun": False}, key=self.key)
        if payload["job"] is not None:
            await finish(self.engine, FixedClock(NOW), payload)

    async def apply(self, op: tuple[str, Any, Any]) -> None:
        kind, a, b = op
        n = next(_serial)
        if kind == "create":
            tags = [to_global_id("Tag", self.tags[0])] if a else []
            payload = await act(self.http, "ContactCreate", {"input": {
                "name": f"Person {n}", "email": f"p{n}@example.com", "phone": None, "companyId": None,
                "departmentId": None, "customFields": [], "tagIds": tags, "listIds": []}}, key=self.key)
            self.contacts.append(payload["contact"]["id"])
        elif kind == "import":
            rows = "".join(f"Imported {n}-{i},i{n}x{i}@example.com\n" for i in range(a))
            payload = await upload(self.http, self.ws.admin_key, "Nombre,E-mail\n" + rows)
            await finish(self.engine, FixedClock(NOW), payload)
            found = await gql(self.http, "{ contacts(first: 100) { edges { node { id } } } }", key=self.key)
            self.contacts = [e["node"]["id"] for e in data_of(found)["contacts"]["edges"]]
        elif (contact := self._contact(a if isinstance(a, int) else 0)) is None:
            return
        elif kind == "event":
            age, hour = b
            at = (NOW - age * DAY - hour * timedelta(hours=1)).isoformat().replace("+00:00", "Z")
            events = [{"messageId": f"m{n}", "contactId": contact, "address": None, "channel": "EMAIL",
                       "type": "DELIVERED", "occurredAt": at}]
            payload = data_of(await gql(self.http, document("ingest"), {"events": events}, key=self.key,
                                        operation_name="MessageEventsRecord"))["messageEventsRecord"]
            assert payload["accepted"] == 1, payload
        elif kind in ("suspend", "reactivate"):
            await act(self.http, "ContactSuspend" if kind == "suspend" else "ContactReactivate", {"id": contact},
                      key=self.key)
        elif kind == "delete":
            await act(self.http, "ContactDelete", {"id": contact}, key=self.ws.admin_key)
            self.contacts.remove(contact)
        elif kind == "bulk_tag":
            ids = sorted({self._contact(p) for p in a})
            await self._bulk({"ids": ids}, "ADD_TAG", to_global_id("Tag", self.tags[1]))
        elif kind == "bulk_suspend":
            await self._bulk({"filter": {"status": [a]}}, "SUSPEND")
        elif kind == "tag":
            await act(self.http, "ContactAddTags", {"contactId": contact,
                                                     "tagIds": [to_global_id("Tag", t) for t in self.tags[: 1 + b]]},
                      key=self.key)
        elif kind == "untag":
            await act(self.http, "ContactRemoveTags", {"contactId": contact,
                                                        "tagIds": [to_global_id("Tag", self.tags[0])]}, key=self.key)


async def shown(http: httpx.AsyncClient, ws: Any, tags: list[int]) -> dict[str, Any]:
    """What the contacts module shows: status buttons, totals per status and per tag, tag picker counts."""
    key = ws.agent_key
    counts = data_of(await gql(http, CONTACTS, {"first": 1}, key=key, operation_name="ContactsPage"))
    result = {"buttons": counts["contactStatusCounts"], "total": counts["contacts"]["totalCount"]}
    for status in ("NEW", "FREQUENT", "DORMANT", "EXPIRED", "INACTIVE", "DISCARDED"):
        page = await gql(http, CONTACTS, {"first": 1, "filter": {"status": [status]}}, key=key,
                         operation_name="ContactsPage")
        result[status] = data_of(page)["contacts"]["totalCount"]
    page = await gql(http, CONTACTS, {"first": 1, "filter": {"tagIds": [to_global_id("Tag", tags[0])]}}, key=key,
                     operation_name="ContactsPage")
    result["tag0"] = data_of(page)["contacts"]["totalCount"]
    result["tag0 buttons"] = data_of(page)["contactStatusCounts"]
    options = data_of(await gql(http, CONTACTS, key=key, operation_name="FilterOptions"))
    result["tags"] = {e["node"]["name"]: e["node"]["contactCount"] for e in options["tags"]["edges"]}
    result["segments"] = {e["node"]["name"]: e["node"]["contactCount"] for e in options["segments"]["edges"]}
    return result


async def expected(engine: Any, ws: Any, tags: list[int], now: Any) -> dict[str, Any]:
    statuses, members = await truth(engine, ws.id, now)
    result = {"buttons": statuses, "total": statuses["total"]}
    for status in ("NEW", "FREQUENT", "DORMANT", "EXPIRED", "INACTIVE", "DISCARDED"):
        result[status] = statuses[status.lower()]
    result["tag0"] = members.get(("tag", tags[0]), 0)
    within = (await target_truth(engine, ws.id, now, [("tag", tags[0])]))[("tag", tags[0])]
    result["tag0 buttons"] = within
    result["tags"] = {f"t{i}": members.get(("tag", t), 0) for i, t in enumerate(tags)}
    result["segments"] = {"active t0": within["new"] + within["frequent"], "dormant or gone t0":
                          within["dormant"] + within["expired"] + within["discarded"]}
    return result


@pytest_asyncio.fixture
async def modules(engine, models, workspaces):
    app = fuzz_app(engine, FixedClock(NOW), models)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://rapport.test") as http:
        yield http


async def _module(http, engine, workspaces) -> Module:
    """A workspace with two tags and a few contacts, created and imported through the API."""
    ws = await workspaces.create()
    tags = [await workspaces.named(ws, Tag, f"t{i}") for i in range(2)]
    # Segments of statuses within one tag (as the demo's "VIP activos"), sized by FilterOptions.
    await workspaces.segment(ws, "active t0", {"status": ["NEW", "FREQUENT"], "tagIds": [tags[0]]})
    await workspaces.segment(ws, "dormant or gone t0", {"status": ["DORMANT", "EXPIRED", "DISCARDED"], "tagIds": [tags[0]]})
    m = Module(http, engine, ws, tags)
    # Every write path once before the random part, so that each example exercises all of them.
    tour = [("create", True, None), ("create", False, None), ("import", 2, None), ("event", 0, (20, 3)),
            ("event", 1, (3, 0)), ("event", 2, (15, 23)), ("suspend", 3, None), ("create", True, None),
            ("tag", 4, True), ("bulk_tag", [0, 2], None), ("bulk_suspend", "FREQUENT", None),
            ("reactivate", 3, None), ("untag", 4, None), ("delete", 1, None), ("event", 5, (121, 1))]
    for op in tour:
        await m.apply(op)
    return m


async def test_counts_shown_equal_a_recount_after_random_api_writes_and_as_time_passes(engine, models, workspaces, modules):
    bridge = LoopBridge(asyncio.get_running_loop(), timeout=120)
    later_apps = {d: fuzz_app(engine, FixedClock(NOW + d), models) for d in LATER}

    async def check(m: Module) -> None:
        for d, app in later_apps.items():
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://rapport.test") as http:
                assert await shown(http, m.ws, m.tags) == await expected(engine, m.ws, m.tags, NOW + d), d

    @settings(max_examples=5, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(ops=st.lists(st.tuples(st.booleans(), operation), min_size=3, max_size=16))
    def run(ops: list[tuple[bool, tuple[str, Any, Any]]]) -> None:
        first = bridge.call(_module(modules, engine, workspaces))
        second = bridge.call(_module(modules, engine, workspaces))
        for in_first, op in ops:
            bridge.call((first if in_first else second).apply(op))
        bridge.call(check(first))
        bridge.call(check(second))

    await LoopBridge.run_in_thread(run)
