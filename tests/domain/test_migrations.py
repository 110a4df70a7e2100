"""The migrations build exactly the schema the models describe, on every engine."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

import domain.models  # noqa: F401  (registers the tables)
from domain.migrate import upgrade
from tests.scratch import database_at


async def test_migrated_database_matches_the_models(engine):
    # given a database built only by the migrations (the engine fixture runs them)

    # when alembic compares it with the models
    def differences(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)

    async with engine.connect() as connection:
        diff = await connection.run_sync(differences)

    # then there is nothing a new migration would have to add (PostgreSQL's trigram and activity-week
    # indexes are the migrations' own, not the models')
    migration_only = {"ix_contact_search_trgm", "ix_contact_ws_activity_week_since"}
    assert [d for d in diff if not (d[0] == "remove_index" and d[1].name in migration_only)] == []


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_folded_catalogue_names_keep_old_spellings_and_refuse_new_ones(kind, tmp_path):
    # given tags stored before names were unique ignoring case and accents: three spellings of one
    # name in a workspace, and the same name in another
    async with database_at(kind, tmp_path, "c3e6a9d4f7b1") as engine:
        async with engine.begin() as c:
            for ws in (1, 2):
                await c.execute(text(f"INSERT INTO workspace (id, name, slug, created_at) VALUES ({ws}, 'W', 'w{ws}', '2026-01-01')"))
            for tag_id, ws, name in ((1, 1, "Envío"), (2, 1, "envio"), (3, 1, "ENVIO"), (4, 2, "envío"), (5, 1, "Otro")):
                await c.execute(text("INSERT INTO tag (id, workspace_id, name, created_at) VALUES (:i, :w, :n, '2026-01-01')"),
                                {"i": tag_id, "w": ws, "n": name})

        # when the migration adds the folded names
        await upgrade(engine)

        async with engine.begin() as c:
            rows = (await c.execute(text("SELECT id, name, name_key FROM tag ORDER BY id"))).all()
            # then every name is kept; the oldest spelling holds the key, later ones a key of their own
            assert [tuple(r) for r in rows] == [
                (1, "Envío", "envio"), (2, "envio", "envio\u001f2"), (3, "ENVIO", "envio\u001f3"),
                (4, "envío", "envio"), (5, "Otro", "otro"),
            ]
            # and the database refuses another spelling of a name a workspace has
            with pytest.raises(IntegrityError):
                await c.execute(text("INSERT INTO tag (workspace_id, name, name_key, created_at) "
                                     "VALUES (1, 'OTRO', 'otro', '2026-01-02')"))
