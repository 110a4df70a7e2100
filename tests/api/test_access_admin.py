"""Access administration over GraphQL: a workspace's ADMIN manages its users and keys; nobody else can."""

import pytest

from api.ids import to_global_id
from domain.enums import Role
from tests.api.access_helpers import API_KEYS, OPERATIONS, USERS, act, error_codes, trail, viewer_role
from tests.api.action_helpers import snapshot
from tests.graphql_client import data_of, gql


def user_id(ws, role: Role) -> str:
    return to_global_id("User", ws.users[role])


def _variables(ws) -> dict[str, dict]:
    """Variables with which each mutation would succeed for the workspace's ADMIN."""
    agent = user_id(ws, Role.AGENT)
    return {
        "UserCreate": {"input": {"email": "nuevo@example.com", "name": "Nuevo", "role": "AGENT"}},
        "UserSetRole": {"id": agent, "role": "OPERATOR"},
        "UserDeactivate": {"id": agent},
        "UserReactivate": {"id": agent},
        "ApiKeyCreate": {"input": {"userId": agent, "label": "ci"}},
        "ApiKeyRevoke": {"id": to_global_id("ApiKey", 1)},
    }


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.AGENT])
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
async def test_only_the_admin_administers_access(client, engine, workspaces, role, operation):
    # given
    ws = await workspaces.create()
    before = await snapshot(engine, ws.id)

    # when
    payload = await act(client, operation, _variables(ws)[operation], key=ws.keys[role])

    # then
    assert error_codes(payload) == ["FORBIDDEN"]
    assert await snapshot(engine, ws.id) == before


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.AGENT])
@pytest.mark.parametrize("query", [API_KEYS, "{ auditTrail { edges { node { id } } } }", "{ users(includeDeactivated: true) { totalCount } }"])
async def test_only_the_admin_reads_keys_the_trail_and_deactivated_users(client, workspaces, role, query):
    ws = await workspaces.create()

    result = await gql(client, query, key=ws.keys[role])

    assert result["data"] is None
    assert [e["extensions"]["code"] for e in result["errors"]] == ["FORBIDDEN"]


async def test_everyone_lists_the_active_users_for_pickers(client, workspaces):
    ws = await workspaces.create()
    await act(client, "UserDeactivate", {"id": user_id(ws, Role.OPERATOR)}, key=ws.admin_key)

    listed = data_of(await gql(client, USERS, key=ws.agent_key))["users"]
    everyone = data_of(await gql(client, USERS, {"includeDeactivated": True}, key=ws.admin_key))["users"]

    assert sorted(e["node"]["role"] for e in listed["edges"]) == ["ADMIN", "AGENT"]
    assert listed["totalCount"] == 2
    assert {e["node"]["role"]: e["node"]["active"] for e in everyone["edges"]} == {
        "ADMIN": True, "AGENT": True, "OPERATOR": False,
    }


async def test_a_new_user_gets_a_key_that_acts_with_their_role(client, workspaces):
    # given
    ws = await workspaces.create()
    created = await act(client, "UserCreate", {"input": {"email": "  Lucia.Paz@Example.COM ", "name": " Lucía  Paz ", "role": "OPERATOR"}}, key=ws.admin_key)

    # when
    issued = await act(client, "ApiKeyCreate", {"input": {"userId": created["user"]["id"], "label": "integración"}}, key=ws.admin_key)

    # then
    assert created["userErrors"] == [] and created["user"]["email"] == "lucia.paz@example.com"
    assert created["user"]["name"] == "Lucía Paz" and created["user"]["active"] is True
    key = issued["key"]
    assert key.startswith("rpk_") and issued["apiKey"]["prefix"] == key[:12]
    assert issued["apiKey"]["user"]["email"] == "lucia.paz@example.com" and issued["apiKey"]["active"] is True
    assert await viewer_role(client, key) == "OPERATOR"
    listed = data_of(await gql(client, API_KEYS, {"first": 100}, key=ws.admin_key))["apiKeys"]
    assert key not in str(listed)  # the key itself is never shown again
    assert issued["apiKey"]["id"] in [e["node"]["id"] for e in listed["edges"]]


async def test_a_key_without_user_belongs_to_the_caller(client, workspaces):
    ws = await workspaces.create()

    issued = await act(client, "ApiKeyCreate", {}, key=ws.admin_key)

    assert issued["apiKey"]["user"]["id"] == user_id(ws, Role.ADMIN)
    assert issued["apiKey"]["expiresAt"] is None and issued["apiKey"]["label"] == ""
    assert await viewer_role(client, issued["key"]) == "ADMIN"


@pytest.mark.parametrize(
    ("user_input", "field"),
    [
        ({"email": "not-an-email", "name": "X", "role": "AGENT"}, "email"),
        ({"email": "", "name": "X", "role": "AGENT"}, "email"),
        ({"email": "x@example.com", "name": "   ", "role": "AGENT"}, "name"),
        ({"email": "x@example.com", "name": "n" * 201, "role": "AGENT"}, "name"),
        ({"email": "a@b.c" + "x" * 400, "name": "X", "role": "AGENT"}, "email"),
    ],
)
async def test_bad_user_input_is_refused_and_changes_nothing(client, engine, workspaces, user_input, field):
    ws = await workspaces.create()
    before = await snapshot(engine, ws.id)

    payload = await act(client, "UserCreate", {"input": user_input}, key=ws.admin_key)

    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("BAD_USER_INPUT", field)]
    assert await snapshot(engine, ws.id) == before


async def test_a_taken_email_is_a_conflict_whatever_its_case(client, engine, workspaces):
    ws = await workspaces.create()
    taken = (await gql(client, "{ viewer { user { email } } }", key=ws.agent_key))["data"]["viewer"]["user"]["email"]
    before = await snapshot(engine, ws.id)

    payload = await act(client, "UserCreate", {"input": {"email": taken.upper(), "name": "Twin", "role": "ADMIN"}}, key=ws.admin_key)

    assert error_codes(payload) == ["CONFLICT"]
    assert await snapshot(engine, ws.id) == before


async def test_the_same_email_may_work_in_two_workspaces(client, workspaces):
    first, second = await workspaces.create(), await workspaces.create()
    for ws in (first, second):
        payload = await act(client, "UserCreate", {"input": {"email": "shared@example.com", "name": "S", "role": "AGENT"}}, key=ws.admin_key)
        assert payload["userErrors"] == []


@pytest.mark.parametrize("days", [0, -1, 3651])
async def test_a_key_lifetime_out_of_range_is_refused(client, engine, workspaces, days):
    ws = await workspaces.create()
    before = await snapshot(engine, ws.id)

    payload = await act(client, "ApiKeyCreate", {"input": {"expiresInDays": days}}, key=ws.admin_key)

    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("BAD_USER_INPUT", "expiresInDays")]
    assert payload["key"] is None
    assert await snapshot(engine, ws.id) == before


async def test_the_last_active_admin_cannot_be_demoted_or_deactivated(client, engine, workspaces):
    # given a workspace with one ADMIN
    ws = await workspaces.create()
    admin = user_id(ws, Role.ADMIN)
    before = await snapshot(engine, ws.id)

    # when it tries to demote or deactivate itself
    demoted = await act(client, "UserSetRole", {"id": admin, "role": "OPERATOR"}, key=ws.admin_key)
    deactivated = await act(client, "UserDeactivate", {"id": admin}, key=ws.admin_key)

    # then
    assert error_codes(demoted) == error_codes(deactivated) == ["CONFLICT"]
    assert await snapshot(engine, ws.id) == before
    assert await viewer_role(client, ws.admin_key) == "ADMIN"


async def test_with_a_second_admin_one_may_step_down_but_not_both(client, workspaces):
    # given the OPERATOR promoted to ADMIN
    ws = await workspaces.create()
    operator, admin = user_id(ws, Role.OPERATOR), user_id(ws, Role.ADMIN)
    assert (await act(client, "UserSetRole", {"id": operator, "role": "ADMIN"}, key=ws.admin_key))["userErrors"] == []

    # when the first admin steps down, then the second tries to
    first = await act(client, "UserSetRole", {"id": admin, "role": "AGENT"}, key=ws.admin_key)
    second = await act(client, "UserDeactivate", {"id": operator}, key=ws.keys[Role.OPERATOR])

    # then
    assert first["userErrors"] == [] and first["user"]["role"] == "AGENT"
    assert await viewer_role(client, ws.admin_key) == "AGENT"  # at once, in this process
    assert error_codes(second) == ["CONFLICT"]
    assert await viewer_role(client, ws.keys[Role.OPERATOR]) == "ADMIN"


async def test_a_deactivated_users_keys_stop_at_once_and_stay_revoked_after_reactivation(client, workspaces):
    # given an AGENT with two keys
    ws = await workspaces.create()
    agent = user_id(ws, Role.AGENT)
    extra = (await act(client, "ApiKeyCreate", {"input": {"userId": agent}}, key=ws.admin_key))["key"]
    assert await viewer_role(client, ws.agent_key) == "AGENT"

    # when
    deactivated = await act(client, "UserDeactivate", {"id": agent}, key=ws.admin_key)

    # then
    assert deactivated["user"]["active"] is False and deactivated["user"]["deactivatedAt"]
    assert await viewer_role(client, ws.agent_key) is None
    assert await viewer_role(client, extra) is None
    keys = data_of(await gql(client, API_KEYS, {"first": 100, "userId": agent}, key=ws.admin_key))["apiKeys"]["edges"]
    assert len(keys) == 2 and all(k["node"]["revokedAt"] and not k["node"]["active"] for k in keys)
    refused = await act(client, "ApiKeyCreate", {"input": {"userId": agent}}, key=ws.admin_key)
    assert error_codes(refused) == ["CONFLICT"]

    # and reactivated, the old keys stay revoked while a new one works
    reactivated = await act(client, "UserReactivate", {"id": agent}, key=ws.admin_key)
    assert reactivated["user"]["active"] is True
    assert await viewer_role(client, ws.agent_key) is None
    fresh = (await act(client, "ApiKeyCreate", {"input": {"userId": agent}}, key=ws.admin_key))["key"]
    assert await viewer_role(client, fresh) == "AGENT"


async def test_a_revoked_key_is_refused_from_the_next_request_and_revoking_twice_changes_nothing(client, workspaces):
    ws = await workspaces.create()
    issued = await act(client, "ApiKeyCreate", {"input": {"label": "old laptop"}}, key=ws.admin_key)
    assert await viewer_role(client, issued["key"]) == "ADMIN"

    revoked = await act(client, "ApiKeyRevoke", {"id": issued["apiKey"]["id"]}, key=ws.admin_key)
    again = await act(client, "ApiKeyRevoke", {"id": issued["apiKey"]["id"]}, key=ws.admin_key)

    assert revoked["apiKey"]["revokedAt"] and revoked["apiKey"]["active"] is False
    assert again["userErrors"] == [] and again["apiKey"]["revokedAt"] == revoked["apiKey"]["revokedAt"]
    assert await viewer_role(client, issued["key"]) is None
    assert await viewer_role(client, ws.admin_key) == "ADMIN"
    revocations = await trail(client, key=ws.admin_key, actions=["API_KEY_REVOKED"])
    assert [e["subjectId"] for e in revocations] == [issued["apiKey"]["id"]]


async def test_an_admin_reaches_nothing_of_another_workspace(client, engine, workspaces):
    # given
    mine, theirs = await workspaces.create(), await workspaces.create()
    their_key = (await act(client, "ApiKeyCreate", {}, key=theirs.admin_key))["apiKey"]["id"]
    before = await snapshot(engine, theirs.id)
    their_agent = user_id(theirs, Role.AGENT)

    # when
    outcomes = [
        await act(client, "UserSetRole", {"id": their_agent, "role": "ADMIN"}, key=mine.admin_key),
        await act(client, "UserDeactivate", {"id": their_agent}, key=mine.admin_key),
        await act(client, "ApiKeyCreate", {"input": {"userId": their_agent}}, key=mine.admin_key),
        await act(client, "ApiKeyRevoke", {"id": their_key}, key=mine.admin_key),
    ]
    listed = data_of(await gql(client, API_KEYS, {"first": 100}, key=mine.admin_key))["apiKeys"]
    node = data_of(await gql(client, "query($id: ID!) { node(id: $id) { id } }", {"id": their_key}, key=mine.admin_key))

    # then
    assert [error_codes(p) for p in outcomes] == [["NOT_FOUND"]] * 4
    assert await snapshot(engine, theirs.id) == before
    assert their_key not in [e["node"]["id"] for e in listed["edges"]]
    assert node["node"] is None
    assert all(e["subjectId"] != their_key for e in await trail(client, key=mine.admin_key))


async def test_every_access_change_is_in_the_admins_audit_trail(client, workspaces):
    # given
    ws = await workspaces.create()
    admin = user_id(ws, Role.ADMIN)

    # when
    created = (await act(client, "UserCreate", {"input": {"email": "eva@example.com", "name": "Eva", "role": "AGENT"}}, key=ws.admin_key))["user"]
    await act(client, "UserSetRole", {"id": created["id"], "role": "OPERATOR"}, key=ws.admin_key)
    await act(client, "UserSetRole", {"id": created["id"], "role": "OPERATOR"}, key=ws.admin_key)  # no change: no entry
    key = (await act(client, "ApiKeyCreate", {"input": {"userId": created["id"], "expiresInDays": 7}}, key=ws.admin_key))["apiKey"]
    await act(client, "ApiKeyRevoke", {"id": key["id"]}, key=ws.admin_key)
    await act(client, "UserDeactivate", {"id": created["id"]}, key=ws.admin_key)
    await act(client, "UserReactivate", {"id": created["id"]}, key=ws.admin_key)

    # then newest first, each with who, when and what
    entries = await trail(client, key=ws.admin_key)
    assert [e["action"] for e in entries] == [
        "USER_REACTIVATED", "USER_DEACTIVATED", "API_KEY_REVOKED", "API_KEY_CREATED", "USER_ROLE_CHANGED", "USER_CREATED",
    ]
    assert all(e["actor"]["id"] == admin and e["source"] == "API" and e["at"] and e["contactId"] is None for e in entries)
    by_action = {e["action"]: e for e in entries}
    assert by_action["USER_CREATED"]["subjectId"] == created["id"]
    assert {c["field"]: c["newValue"] for c in by_action["USER_CREATED"]["changes"]} == {
        "email": "eva@example.com", "name": "Eva", "role": "AGENT",
    }
    assert by_action["USER_ROLE_CHANGED"]["changes"] == [{"field": "role", "oldValue": "AGENT", "newValue": "OPERATOR"}]
    created_key = {c["field"]: c["newValue"] for c in by_action["API_KEY_CREATED"]["changes"]}
    assert created_key["userId"] == created["id"] and created_key["prefix"] == key["prefix"]
    assert created_key["expiresAt"] == key["expiresAt"]
    assert by_action["API_KEY_REVOKED"]["subjectId"] == key["id"]
    deactivation = {c["field"]: c["newValue"] for c in by_action["USER_DEACTIVATED"]["changes"]}
    assert deactivation["revokedKeys"] == 0 and deactivation["deactivatedAt"]
    node = data_of(await gql(client, "query($id: ID!) { node(id: $id) { ... on AuditTrailEntry { action } } }",
                             {"id": entries[0]["id"]}, key=ws.admin_key))["node"]
    assert node == {"action": "USER_REACTIVATED"}


async def test_the_trail_pages_newest_first_and_holds_contact_changes_too(client, workspaces):
    ws = await workspaces.create()
    for n in range(3):
        await act(client, "UserCreate", {"input": {"email": f"p{n}@example.com", "name": f"P{n}", "role": "AGENT"}}, key=ws.admin_key)
    contact = await gql(client, 'mutation { contactCreate(input: {name: "Ana", email: "ana@example.com"}) { contact { id } } }', key=ws.admin_key)

    first = data_of(await gql(client, "query($after: String) { auditTrail(first: 2, after: $after) { pageInfo { hasNextPage endCursor } edges { node { action contactId } } } }", key=ws.admin_key))["auditTrail"]
    rest = data_of(await gql(client, "query($after: String) { auditTrail(first: 10, after: $after) { pageInfo { hasNextPage } edges { node { action } } } }", {"after": first["pageInfo"]["endCursor"]}, key=ws.admin_key))["auditTrail"]

    assert first["edges"][0]["node"] == {"action": "CONTACT_CREATED", "contactId": contact["data"]["contactCreate"]["contact"]["id"]}
    assert first["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["action"] for e in rest["edges"]] == ["USER_CREATED", "USER_CREATED"]
    assert rest["pageInfo"]["hasNextPage"] is False
    forged = await gql(client, '{ auditTrail(after: "eyJ0IjoiMjAyNiIsImkiOjk5OTk5OTk5OTk5OTk5OTk5OTk5OTl9") { edges { node { id } } } }', key=ws.admin_key)
    assert [e["extensions"]["code"] for e in forged["errors"]] == ["BAD_USER_INPUT"]
