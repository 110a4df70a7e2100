"""A cursor a client forged (or mangled) is BAD_USER_INPUT on every connection, never a server error.

Cursors are opaque base64url JSON; a forged one may hold numbers no key or offset can reach, negative
numbers, floats, booleans, or text PostgreSQL cannot bind (NUL).
"""

import base64
import json
from typing import Any

import pytest

from api.ids import to_global_id
from tests.graphql_client import gql

TIME = "2026-11-20T12:00:00+00:00"
# Numbers that are not a row id or an offset this API could have issued.
BAD_NUMBERS = [2**31, 2**63, 2**64, -1, 1.5, True, "7", None]


def forge(payload: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


CONTACT_ORDER = {"f": "CONTACT_SINCE", "d": "DESC"}
NAME_ORDER = {"f": "NAME", "d": "ASC"}
# (connection, payloads that are not cursors of it). 32-bit keys: contacts, catalogue, keys; 64-bit: audit, events.
CASES: dict[str, list[Any]] = {
    "contacts": [{**CONTACT_ORDER, "v": TIME, "i": n} for n in BAD_NUMBERS]
    + [{**NAME_ORDER, "v": "ana\x00", "i": 1}, {**CONTACT_ORDER, "v": "2026-11-20\x00", "i": 1}],
    "contactsByName": [{**NAME_ORDER, "v": "ana", "i": n} for n in BAD_NUMBERS] + [{**NAME_ORDER, "v": 5, "i": 1}],
    "tags": [{"n": "vip", "i": n} for n in BAD_NUMBERS] + [{"n": "vip\x00", "i": 1}, {"n": ["vip"], "i": 1}],
    "users": [{"n": "Ana", "i": n} for n in BAD_NUMBERS] + [{"n": "\x00", "i": 1}],
    "apiKeys": [{"i": n} for n in BAD_NUMBERS],
    "auditTrail": [{"t": TIME, "i": n} for n in [2**63, 2**64, -1, 1.5, True, "7", None]]
    + [{"t": "2026-11-20\x00", "i": 1}, {"t": "2026-11-20T12:00:00", "i": 1}, {"t": 20261120, "i": 1}],
    "history": [{"t": TIME, "i": n} for n in [2**63, -1, 1.5, True, "7"]] + [{"t": TIME + "\x00", "i": 1}],
    "activity": [{"t": TIME, "i": n} for n in [2**63, -1, 1.5, True, "7"]] + [{"t": "\x00", "i": 1}],
    "notes": [{"o": n} for n in [2**63, 2**64, -1, 1.5, True, "7", None]],
}
QUERIES = {
    "contacts": "query($after: String) { contacts(after: $after) { edges { cursor } } }",
    "contactsByName": "query($after: String) { contacts(after: $after, orderBy: {field: NAME, direction: ASC}) { edges { cursor } } }",
    "tags": "query($after: String) { tags(after: $after) { edges { cursor } } }",
    "users": "query($after: String) { users(after: $after) { edges { cursor } } }",
    "apiKeys": "query($after: String) { apiKeys(after: $after) { edges { cursor } } }",
    "auditTrail": "query($after: String) { auditTrail(after: $after) { edges { cursor } } }",
    "history": "query($id: ID!, $after: String) { contact(id: $id) { history(after: $after) { edges { cursor } } } }",
    "activity": "query($id: ID!, $after: String) { contact(id: $id) { activity(after: $after) { edges { cursor } } } }",
    "notes": "query($id: ID!, $after: String) { contact(id: $id) { notes(after: $after) { edges { cursor } } } }",
}
FORGED = [(name, payload) for name, payloads in CASES.items() for payload in payloads]


@pytest.fixture
async def ws(workspaces):
    return await workspaces.create()


@pytest.mark.parametrize(("connection", "payload"), FORGED, ids=[f"{c}-{p!r}" for c, p in FORGED])
async def test_a_forged_cursor_is_bad_user_input(client, workspaces, ws, connection, payload):
    # given a contact, so that per-contact connections are reached
    contact = to_global_id("Contact", await workspaces.contact(ws, "Ana", email="ana@example.com"))

    # when the connection is asked for the page after the forged cursor
    result = await gql(client, QUERIES[connection], {"id": contact, "after": forge(payload)}, key=ws.admin_key)

    # then it is the client's mistake, said as one
    assert [e["extensions"]["code"] for e in result.get("errors") or []] == ["BAD_USER_INPUT"], result
    assert "cursor" in result["errors"][0]["message"]


@pytest.mark.parametrize("connection", list(QUERIES))
async def test_a_cursor_that_is_not_base64_json_is_bad_user_input(client, workspaces, ws, connection):
    # given
    contact = to_global_id("Contact", await workspaces.contact(ws, "Ana", email="ana@example.com"))

    # when
    answers = [
        await gql(client, QUERIES[connection], {"id": contact, "after": after}, key=ws.admin_key)
        for after in ("not a cursor", forge([1, 2]), "A" * 100_000, forge("x" * 5000))
    ]

    # then
    assert [[e["extensions"]["code"] for e in a.get("errors") or []] for a in answers] == [["BAD_USER_INPUT"]] * 4
