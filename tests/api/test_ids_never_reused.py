"""Ids are public (global ids, history entries, job snapshots): no table hands a deleted row's id out
again, on either engine; and the SQLite migration that made it so kept every row and link."""

import pytest
from sqlalchemy import text

from domain.db import create_engine
from domain.migrate import upgrade
from tests.api.action_helpers import act
from tests.graphql_client import data_of, gql

CREATE_TAG = "mutation($n: String!) { tagCreate(input: {name: $n}) { tag { id } userErrors { code } } }"
DELETE_TAG = "mutation($id: ID!) { tagDelete(id: $id) { userErrors { code } } }"
NOTE = "mutation($c: ID!, $b: String!) { noteCreate(contactId: $c, body: $b) { note { id } userErrors { code } } }"


async def test_a_deleted_newest_tag_leaves_its_id_behind(client, workspaces):
    ws = await workspaces.create()
    first = data_of(await gql(client, CREATE_TAG, {"n": "one"}, key=ws.admin_key))["tagCreate"]["tag"]["id"]
    newest = data_of(await gql(client, CREATE_TAG, {"n": "two"}, key=ws.admin_key))["tagCreate"]["tag"]["id"]
    assert data_of(await gql(client, DELETE_TAG, {"id": newest}, key=ws.admin_key))["tagDelete"]["userErrors"] == []
    again = data_of(await gql(client, CREATE_TAG, {"n": "three"}, key=ws.admin_key))["tagCreate"]["tag"]["id"]
    assert again not in (first, newest)
    # the deleted id names nothing now
    found = data_of(await gql(client, "query($id: ID!) { node(id: $id) { id } }", {"id": newest}, key=ws.admin_key))
    assert found["node"] is None


async def test_a_deleted_newest_contact_and_its_note_leave_their_ids_behind(client, workspaces):
    ws = await workspaces.create()
    created = await act(client, "ContactCreate", {"input": {"name": "Ana", "email": "ana@example.com"}}, key=ws.admin_key)
    cid = created["contact"]["id"]
    note = data_of(await gql(client, NOTE, {"c": cid, "b": "hola"}, key=ws.admin_key))["noteCreate"]["note"]["id"]
    await act(client, "ContactDelete", {"id": cid}, key=ws.admin_key)
    again = await act(client, "ContactCreate", {"input": {"name": "Bea", "email": "bea@example.com"}}, key=ws.admin_key)
    new_note = data_of(await gql(client, NOTE, {"c": again["contact"]["id"], "b": "otra"}, key=ws.admin_key))
    assert again["contact"]["id"] != cid and new_note["noteCreate"]["note"]["id"] != note


async def test_the_sqlite_rebuild_keeps_rows_links_and_counts(tmp_path):
    # given a database at the revision before, with a tag on a contact (counted by the triggers)
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        await upgrade(engine, "e2a7c5d9f6b4")
        async with engine.begin() as c:
            await c.execute(text("INSERT INTO workspace (id, name, slug, created_at) VALUES (1, 'W', 'w', '2026-01-01')"))
            for i in (1, 2):
                await c.execute(text(f"INSERT INTO tag (id, workspace_id, name, created_at) VALUES ({i}, 1, 't{i}', '2026-01-01')"))
            await c.execute(text(
                "INSERT INTO contact (id, workspace_id, name, name_key, search_text, email, origin, contact_since, "
                "created_at, updated_at) VALUES (7, 1, 'Ana', 'ana', 'ana', 'a@x.com', 'API', '2026-01-01', "
                "'2026-01-01', '2026-01-01')"))
            await c.execute(text("INSERT INTO contact_tag (contact_id, tag_id, workspace_id, created_at) "
                                 "VALUES (7, 2, 1, '2026-01-01')"))
        # when the rebuild runs
        await upgrade(engine)
        async with engine.begin() as c:
            # then nothing was lost or cascaded away, the counts stand, and foreign keys are enforced again
            assert (await c.execute(text("SELECT contact_id, tag_id FROM contact_tag"))).all() == [(7, 2)]
            assert (await c.execute(text("SELECT contacts FROM membership_count WHERE kind = 'tag' AND target_id = 2"))).scalar() == 1
            sql = (await c.execute(text("SELECT sql FROM sqlite_master WHERE name = 'tag'"))).scalar()
            assert "AUTOINCREMENT" in sql.upper()
            assert (await c.execute(text("PRAGMA foreign_keys"))).scalar() == 1
            # the newest tag deleted, the next one does not get its id
            await c.execute(text("DELETE FROM contact_tag"))
            await c.execute(text("DELETE FROM tag WHERE id = 2"))
            await c.execute(text("INSERT INTO tag (workspace_id, name, name_key, created_at) VALUES (1, 't3', 't3', '2026-01-02')"))
            assert (await c.execute(text("SELECT max(id) FROM tag"))).scalar() == 3
            with pytest.raises(Exception):
                await c.execute(text("INSERT INTO contact_tag (contact_id, tag_id, workspace_id, created_at) "
                                     "VALUES (99, 3, 1, '2026-01-01')"))
    finally:
        await engine.dispose()
