"""The access operations as an admin screen sends them, and small readers of their answers."""

from typing import Any

import httpx

from tests.graphql_client import gql

USER_FIELDS = "id email name role active createdAt deactivatedAt"
KEY_FIELDS = "id prefix label createdAt expiresAt lastUsedAt revokedAt active user { id email role }"
ERRORS = "userErrors { field message code }"

OPERATIONS = {
    "UserCreate": f"""mutation UserCreate($input: UserCreateInput!) {{
        userCreate(input: $input) {{ user {{ {USER_FIELDS} }} {ERRORS} }} }}""",
    "UserSetRole": f"""mutation UserSetRole($id: ID!, $role: Role!) {{
        userSetRole(id: $id, role: $role) {{ user {{ {USER_FIELDS} }} {ERRORS} }} }}""",
    "UserDeactivate": f"""mutation UserDeactivate($id: ID!) {{
        userDeactivate(id: $id) {{ user {{ {USER_FIELDS} }} {ERRORS} }} }}""",
    "UserReactivate": f"""mutation UserReactivate($id: ID!) {{
        userReactivate(id: $id) {{ user {{ {USER_FIELDS} }} {ERRORS} }} }}""",
    "ApiKeyCreate": f"""mutation ApiKeyCreate($input: ApiKeyCreateInput) {{
        apiKeyCreate(input: $input) {{ key apiKey {{ {KEY_FIELDS} }} {ERRORS} }} }}""",
    "ApiKeyRevoke": f"""mutation ApiKeyRevoke($id: ID!) {{
        apiKeyRevoke(id: $id) {{ apiKey {{ {KEY_FIELDS} }} {ERRORS} }} }}""",
}
API_KEYS = f"""query ApiKeys($first: Int, $after: String, $userId: ID, $includeRevoked: Boolean) {{
  apiKeys(first: $first, after: $after, userId: $userId, includeRevoked: $includeRevoked) {{
    totalCount pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {KEY_FIELDS} }} }} }} }}"""
USERS = f"""query Users($includeDeactivated: Boolean) {{
  users(first: 100, includeDeactivated: $includeDeactivated) {{ totalCount edges {{ node {{ {USER_FIELDS} }} }} }} }}"""
TRAIL = """query Trail($first: Int, $after: String, $actions: [AuditAction!]) {
  auditTrail(first: $first, after: $after, actions: $actions) {
    pageInfo { hasNextPage endCursor }
    edges { node { id at action source contactId subjectId actor { id email } changes { field oldValue newValue } } } } }"""
VIEWER = "query Viewer { viewer { role user { id email role } workspace { id name } } }"


async def act(client: httpx.AsyncClient, operation: str, variables: dict[str, Any], *, key: str) -> dict[str, Any]:
    """The payload of one access mutation (asserting the request itself raised no top-level error)."""
    result = await gql(client, OPERATIONS[operation], variables, key=key)
    assert not result.get("errors"), result["errors"]
    return next(iter(result["data"].values()))


def error_codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


async def viewer_role(client: httpx.AsyncClient, key: str) -> str | None:
    """The role a key acts with now, or None when it no longer authenticates."""
    result = await gql(client, VIEWER, key=key)
    if result.get("errors"):
        assert [e["extensions"]["code"] for e in result["errors"]] == ["UNAUTHENTICATED"], result["errors"]
        return None
    return result["data"]["viewer"]["role"]


async def trail(client: httpx.AsyncClient, *, key: str, actions: list[str] | None = None) -> list[dict[str, Any]]:
    result = await gql(client, TRAIL, {"first": 100, "actions": actions}, key=key)
    assert not result.get("errors"), result["errors"]
    return [e["node"] for e in result["data"]["auditTrail"]["edges"]]
