"""Authentication: every request needs a valid API key, and a key sees only its workspace."""

import pytest

from tests.graphql_client import data_of, gql

VIEWER = "query Viewer { viewer { user { id name role } workspace { id name } } }"


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer rpk_not-a-real-key", "Basic abc", "rpk_missing-scheme"])
async def test_missing_or_bad_key_is_unauthenticated(client, workspaces, header):
    # given a workspace exists, but the request carries no valid key
    await workspaces.create()
    headers = {"Authorization": header} if header is not None else {}

    # when
    response = await client.post("/graphql", json={"query": VIEWER}, headers=headers)

    # then
    body = response.json()
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]


async def test_viewer_names_the_keys_user_and_workspace(client, workspaces):
    # given
    ws = await workspaces.create("Acme Norte")

    # when
    for role, key in ws.keys.items():
        viewer = data_of(await gql(client, VIEWER, key=key))["viewer"]

        # then
        assert viewer["user"]["role"] == role.value
        assert viewer["workspace"]["name"] == "Acme Norte"


async def test_revoked_key_is_refused(client, workspaces, engine):
    from sqlalchemy import update

    from domain.models import ApiKey
    from domain.services.auth import hash_key

    # given
    ws = await workspaces.create()
    async with engine.begin() as connection:
        await connection.execute(
            update(ApiKey).where(ApiKey.key_hash == hash_key(ws.admin_key)).values(revoked_at=workspaces.now)
        )

    # when
    result = await gql(client, VIEWER, key=ws.admin_key)

    # then
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    "query",
    [
        "{ viewer { user { id } ",  # does not parse
        "{ nosuchfield }",  # does not validate
        "{ " + "viewer { user { id } } " * 3000 + "}",  # over the token limit, and costly to validate
    ],
    ids=["unparsable", "invalid", "huge"],
)
async def test_an_unauthenticated_request_is_refused_before_its_document_is_read(client, engine, query):
    from tests.sql_counter import counted_statements

    # when
    with counted_statements(engine) as statements:
        response = await client.post("/graphql", json={"query": query}, headers={"Authorization": "Bearer rpk_invented"})

    # then only the key lookup ran: no parse or validation error, no cost measured, no other SQL
    body = response.json()
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]
    assert "extensions" not in body
    assert len(statements) == 1 and "api_key" in statements[0]


async def test_without_any_key_no_sql_runs(client, engine):
    from tests.sql_counter import counted_statements

    with counted_statements(engine) as statements:
        response = await client.post("/graphql", json={"query": VIEWER})

    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert statements == []
