"""Property-based fuzzing of the live schema over HTTP, with hypothesis-graphql.

Queries and mutations are generated from `api.schema.schema` (the graphql-core schema strawberry
builds) and sent as real HTTP requests to the ASGI app (httpx.ASGITransport, no network) under the
keys of workspace A, while workspace B holds rows whose every string carries the marker "Qxbravo".
Properties:

- no answer is a 5xx, and no error carries extensions.code INTERNAL_SERVER_ERROR (other codes, such
  as BAD_USER_INPUT, NOT_FOUND, FORBIDDEN or the query-limit codes, are fine);
- no answer shows B's ids (as whole tokens) or B's strings, except an error message echoing a value
  the query itself sent ("'<id>' is not the id of a Tag");
- an AGENT key changes nothing: every row of A and the row count of every table are the same after
  each generated mutation; OPERATOR/ADMIN mutations never change a row of B;
- malformed scalars (ids, e-mails, phones, dates, custom field values, 100k-character strings, odd
  code points) are refused with BAD_USER_INPUT and write nothing.

How Hypothesis meets the async fixtures: the test is an ordinary pytest-asyncio test running on the
session's event loop, which owns the engine (asyncpg connections are bound to their loop). It builds
a `@given` function and runs it in a worker thread (`await asyncio.to_thread(...)`), so the loop stays
free; each example submits its HTTP requests to that loop with `asyncio.run_coroutine_threadsafe` and
waits for the result (tests/api/fuzz_helpers.LoopBridge). Everything runs on one loop, one engine, the
same fixtures as every other test; Hypothesis itself stays synchronous.

Determinism and budget: derandomize=True (the same examples on every run, no example database) and
small max_examples per property, so the file runs in well under a minute on SQLite and PostgreSQL.
The app is built with the rate limit off (the fixed test clock would never refill a bucket).
"""

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations as gql_mutations
from hypothesis_graphql import queries as gql_queries

from api.schema import schema
from domain.enums import Role
from tests.api.fuzz_helpers import (
    ODD,
    Answer,
    LoopBridge,
    Tenant,
    assert_no_internal_error,
    assert_no_leak,
    bad_datetimes,
    bad_ids,
    changed,
    custom_scalars,
    fuzz_app,
    leak_patterns,
    odd_text,
    post,
    seed_tenant,
    snapshot,
)

GRAPHQL_SCHEMA = schema._schema
# contactsImport takes an Upload, which only a multipart request can carry (covered in test_import.py).
MUTATION_FIELDS = [name for name in GRAPHQL_SCHEMA.mutation_type.fields if name != "contactsImport"]


def fuzz(max_examples: int) -> Callable[[Any], Any]:
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


@dataclass
class Fuzz:
    a: Tenant
    b: Tenant
    http: httpx.AsyncClient
    engine: Any
    bridge: LoopBridge

    def send(self, query: str, role: Role, variables: dict[str, Any] | None = None) -> Answer:
        try:
            return self.bridge.call(post(self.http, query, self.a.key(role), variables))
        except TimeoutError:
            raise AssertionError(f"no answer in {self.bridge.timeout} s to\n{query}\nvariables={variables!r:.300}") from None

    def snapshot(self, tenant: Tenant) -> dict[str, Any]:
        return self.bridge.call(snapshot(self.engine, tenant.ws.id))


@pytest_asyncio.fixture
async def fz(engine, clock, models, workspaces) -> AsyncIterator[Fuzz]:
    a = await seed_tenant(workspaces, engine, "Alfa", "+5491155550201")
    b = await seed_tenant(workspaces, engine, "Qxbravo", "+447700900123")
    app = fuzz_app(engine, clock, models)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://rapport.test") as http:
        yield Fuzz(a=a, b=b, http=http, engine=engine, bridge=LoopBridge(asyncio.get_running_loop()))


def _generated(fz: Fuzz, strategy: Any, fields: list[str] | None = None) -> Any:
    return strategy(GRAPHQL_SCHEMA, fields=fields, custom_scalars=custom_scalars(fz.a, fz.b))


async def test_generated_queries_never_fail_internally_nor_leak(fz):
    patterns = leak_patterns(fz.b)

    @fuzz(max_examples=100)
    @given(query=_generated(fz, gql_queries), role=st.sampled_from(list(Role)))
    def check(query: str, role: Role) -> None:
        note(f"role={role.value}")
        answer = fz.send(query, role)
        assert_no_internal_error(answer, query)
        assert_no_leak(answer, query, patterns)

    await LoopBridge.run_in_thread(check)

    # the control: the same machinery does see A's own data (the leak check is not vacuous)
    own = await post(fz.http, "{ contacts(first: 5) { edges { node { id name email } } } }", fz.a.key(Role.AGENT))
    assert "Alfa Primus" in own.text and fz.a.ids["contact"] in own.text
    assert fz.b.ids["contact"] not in own.text


async def test_generated_mutations_by_an_agent_change_nothing(fz):
    patterns = leak_patterns(fz.b)

    @fuzz(max_examples=60)
    @given(mutation=_generated(fz, gql_mutations, MUTATION_FIELDS))
    def check(mutation: str) -> None:
        before = fz.snapshot(fz.a)
        answer = fz.send(mutation, Role.AGENT)
        assert_no_internal_error(answer, mutation)
        assert_no_leak(answer, mutation, patterns)
        diff = changed(before, fz.snapshot(fz.a))
        assert not diff, f"an AGENT key changed {diff} with\n{mutation}"

    await LoopBridge.run_in_thread(check)


async def test_generated_mutations_by_writers_stay_in_their_workspace(fz):
    patterns = leak_patterns(fz.b)
    b_before = {k: v for k, v in (await snapshot(fz.engine, fz.b.ws.id)).items() if k.startswith("rows:")}

    @fuzz(max_examples=60)
    @given(mutation=_generated(fz, gql_mutations, MUTATION_FIELDS), role=st.sampled_from([Role.OPERATOR, Role.ADMIN]))
    def check(mutation: str, role: Role) -> None:
        note(f"role={role.value}")
        answer = fz.send(mutation, role)
        assert_no_internal_error(answer, mutation)
        assert_no_leak(answer, mutation, patterns)
        b_after = {k: v for k, v in fz.snapshot(fz.b).items() if k.startswith("rows:")}
        assert not changed(b_before, b_after), f"A's {role.value} key changed B's {changed(b_before, b_after)} with\n{mutation}"

    await LoopBridge.run_in_thread(check)


# --------------------------------------------------------------------------------------------------
# Malformed scalars: BAD_USER_INPUT, and nothing written

CONTACT_CREATE = """mutation($input: ContactCreateInput!) {
  contactCreate(input: $input) { contact { id } userErrors { field message code } }
}"""
CONTACT_UPDATE = """mutation($id: ID!, $input: ContactUpdateInput!) {
  contactUpdate(id: $id, input: $input) { contact { id } userErrors { field message code } }
}"""
NPS_RECORD = """mutation($input: NpsResponseInput!) {
  npsResponseRecord(input: $input) { response { id } userErrors { field message code } }
}"""
TICKET_RECORD = """mutation($input: TicketInput!) {
  ticketRecord(input: $input) { ticket { id } userErrors { field message code } }
}"""
NOTE_CREATE = """mutation($contactId: ID!, $body: String!) {
  noteCreate(contactId: $contactId, body: $body) { note { id } userErrors { field message code } }
}"""
TAGS_ADD = """mutation($contactId: ID!, $tagIds: [ID!]!) {
  contactAddTags(contactId: $contactId, tagIds: $tagIds) { contact { id } userErrors { field message code } }
}"""

HUGE = "x" * 100_000
_SERIAL = itertools.count(1)


def bad_emails() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from([
            "plainaddress", "a@b", "@example.com", "ana@", "a@b@c.com", "ana maria@example.com", "ana@exa mple.com",
            "ana@example .com", "x" * 400 + "@example.com", HUGE, HUGE + "@example.com", "ana@\u200fexample",
            "\U0001f600@\U0001f600", "ana\u2028@example.com",
        ]),
        odd_text(30).filter(lambda s: "@" not in s and s.strip() != ""),
    )


def bad_phones() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from([
            "+", "++54", "phone", "+54 11 CALL ME", "+999 1234", "+1 2", "12", "+" + "9" * 300, "9" * 100_000,
            "+54\u200f\u200f", "\U0001f4de", "+54 11 5555-0101 ext\x00",
        ]),
        odd_text(20).filter(lambda s: s.strip() != "" and not any(ch.isdigit() for ch in s)),
    )


def bad_names() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from([HUGE, "a" * 201, "\U0001f600" * 201, "   ", "\u2003\u2028\u3000", "e\u0301" * 150]),
        st.text(st.sampled_from(" \t\n\r\u2003\u3000\u2028"), min_size=0, max_size=5),
    )


def bad_custom_values() -> st.SearchStrategy[tuple[str, str]]:
    return st.one_of(
        st.tuples(st.just("birthday"), bad_datetimes().filter(lambda s: s.strip() != "")),
        st.tuples(st.just("score"), st.sampled_from(["ten", "1,5", "NaN", "inf", "-Infinity", "1e999", "\U0001f600", HUGE])),
        st.tuples(st.just("plan"), st.sampled_from(["platinum", "GOLDX", "\u200fgold\u200f", HUGE])),
        st.tuples(st.just("vip"), st.sampled_from(["maybe", "2", "\U0001f44d", HUGE])),
        st.tuples(st.just("nickname"), st.just("n" * 1001)),
        st.tuples(st.sampled_from(["no-such-field", "", "\x00", "\u200f"]), st.just("x")),
    )


@st.composite
def bad_requests(draw: st.DrawFn, a: Tenant) -> tuple[str, dict[str, Any]]:
    """One mutation with exactly one malformed value; everything else valid."""
    contact = a.ids["contact"]
    unique = f"fuzz{next(_SERIAL)}"  # fresh on every call, replays included: a write is never a CONFLICT
    valid = {"name": "Fuzz Person", "email": f"{unique}@valid.example"}
    kind = draw(st.sampled_from([
        "create.email", "create.phone", "create.name", "create.tagIds", "create.companyId", "create.custom",
        "update.email", "update.phone", "update.name", "update.id", "update.departmentId", "update.custom",
        "nps.respondedAt", "nps.score", "nps.contactId", "ticket.openedAt", "note.body", "note.contactId",
        "tags.tagIds",
    ]))
    if kind == "create.email":
        return CONTACT_CREATE, {"input": {**valid, "email": draw(bad_emails())}}
    if kind == "create.phone":
        return CONTACT_CREATE, {"input": {**valid, "phone": draw(bad_phones())}}
    if kind == "create.name":
        return CONTACT_CREATE, {"input": {**valid, "name": draw(bad_names())}}
    if kind == "create.tagIds":
        return CONTACT_CREATE, {"input": {**valid, "tagIds": [a.ids["tag"], draw(bad_ids())]}}
    if kind == "create.companyId":
        return CONTACT_CREATE, {"input": {**valid, "companyId": draw(bad_ids())}}
    if kind == "create.custom":
        key, value = draw(bad_custom_values())
        return CONTACT_CREATE, {"input": {**valid, "customFields": [{"key": key, "value": value}]}}
    if kind == "update.email":
        return CONTACT_UPDATE, {"id": contact, "input": {"email": draw(bad_emails())}}
    if kind == "update.phone":
        return CONTACT_UPDATE, {"id": contact, "input": {"phone": draw(bad_phones())}}
    if kind == "update.name":
        return CONTACT_UPDATE, {"id": contact, "input": {"name": draw(bad_names() | st.none())}}
    if kind == "update.id":
        return CONTACT_UPDATE, {"id": draw(bad_ids() | st.just(a.ids["tag"])), "input": {"name": "Renamed"}}
    if kind == "update.departmentId":
        return CONTACT_UPDATE, {"id": contact, "input": {"departmentId": draw(bad_ids())}}
    if kind == "update.custom":
        key, value = draw(bad_custom_values())
        return CONTACT_UPDATE, {"id": contact, "input": {"customFields": [{"key": key, "value": value}]}}
    nps = {"externalId": unique, "contactId": contact, "score": 7, "respondedAt": "2026-11-19T10:00:00Z"}
    if kind == "nps.respondedAt":
        return NPS_RECORD, {"input": {**nps, "respondedAt": draw(bad_datetimes())}}
    if kind == "nps.score":
        return NPS_RECORD, {"input": {**nps, "score": draw(st.sampled_from([-1, 11, 2**31 - 1, -(2**31)]))}}
    if kind == "nps.contactId":
        return NPS_RECORD, {"input": {**nps, "contactId": draw(bad_ids())}}
    if kind == "ticket.openedAt":
        ticket = {"externalId": unique, "contactId": contact, "subject": "Help", "status": "OPEN"}
        return TICKET_RECORD, {"input": {**ticket, "openedAt": draw(bad_datetimes())}}
    if kind == "note.body":
        return NOTE_CREATE, {"contactId": contact, "body": draw(st.sampled_from(["", "b" * 10_001, HUGE]))}
    if kind == "note.contactId":
        return NOTE_CREATE, {"contactId": draw(bad_ids()), "body": "hello"}
    assert kind == "tags.tagIds"
    return TAGS_ADD, {"contactId": contact, "tagIds": [draw(bad_ids())]}


async def test_malformed_scalars_are_bad_user_input_and_write_nothing(fz):
    @fuzz(max_examples=120)
    @given(request=bad_requests(fz.a))
    def check(request: tuple[str, dict[str, Any]]) -> None:
        query, variables = request
        shown = {k: (repr(v)[:300]) for k, v in variables.items()}
        before = fz.snapshot(fz.a)
        answer = fz.send(query, Role.ADMIN, variables)
        assert_no_internal_error(answer, f"{query}\nvariables={shown}")
        assert "BAD_USER_INPUT" in answer.codes(), f"{answer.text[:1500]}\nfor {query}\nvariables={shown}"
        diff = changed(before, fz.snapshot(fz.a))
        assert not diff, f"bad input wrote {diff}\n{query}\nvariables={shown}"

    await LoopBridge.run_in_thread(check)


def _phone_for(odd: str) -> str:
    """A phone of its own for each odd code point (contacts are unique by phone)."""
    return f"+54911{5550000 + sum(map(ord, odd)) % 10_000:07d}"


@pytest.mark.parametrize("odd", ODD)
async def test_odd_code_points_in_free_text_round_trip_or_are_refused(fz, odd):
    # An odd code point inside a name or note is the caller's business: stored as sent, or refused
    # with BAD_USER_INPUT; never an internal error.
    name = f"Odd {odd} Person"
    answer = await post(fz.http, CONTACT_CREATE, fz.a.key(Role.ADMIN), {"input": {"name": name, "phone": _phone_for(odd)}})
    assert_no_internal_error(answer, f"contactCreate(name={name!r})")
    if answer.codes():
        assert answer.codes() == {"BAD_USER_INPUT"}, answer.text
        return
    created = answer.body["data"]["contactCreate"]["contact"]["id"]
    read = await post(fz.http, "query($id: ID!) { contact(id: $id) { name } }", fz.a.key(Role.AGENT), {"id": created})
    assert read.body["data"]["contact"]["name"] == " ".join(name.split())


async def test_a_failed_non_null_field_does_not_hang_its_siblings(fz):
    # Found by the query property: satisfactionPredict failing (non-null) made graphql-core cancel
    # the node lookup mid-statement, and on SQLite the request then never answered. Statements now
    # finish shielded and the session waits for them before closing (domain/db.py RequestSession).
    query = (
        f'{{ node(id: "{fz.a.ids["company"]}") {{ ... on NpsResponse {{ respondedAt }} }} '
        "satisfactionPredict(turns: []) { modelVersion } satisfactionModels { level } }"
    )
    answer = await asyncio.wait_for(post(fz.http, query, fz.a.key(Role.AGENT)), timeout=20)
    assert_no_internal_error(answer, query)
    assert answer.codes() == {"BAD_USER_INPUT"}
    after = await post(fz.http, "{ viewer { user { name } } }", fz.a.key(Role.AGENT))
    assert after.body["data"] == {"viewer": {"user": {"name": "Agent of Alfa Workspace"}}}


@pytest.mark.parametrize("where", ["document", "variables"])
async def test_nul_in_text_is_refused_up_front_on_every_engine(fz, where):
    # PostgreSQL cannot store U+0000: once an INTERNAL_SERVER_ERROR there, now BAD_USER_INPUT everywhere.
    before = await asyncio.to_thread(fz.snapshot, fz.a)  # snapshot() is for worker threads (LoopBridge)
    if where == "document":
        answer = await post(fz.http, 'mutation { contactCreate(input: {name: "Odd \\u0000 Person", email: "odd@example.com"}) { contact { id } } }',
                            fz.a.key(Role.ADMIN), {})
    else:
        answer = await post(fz.http, CONTACT_CREATE, fz.a.key(Role.ADMIN), {"input": {"name": "Odd \x00 Person", "email": "odd@example.com"}})
    assert answer.codes() == {"BAD_USER_INPUT"}, answer.text
    assert "NUL" in answer.text
    assert not changed(before, await asyncio.to_thread(fz.snapshot, fz.a))
