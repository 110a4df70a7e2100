"""The migrations build exactly the schema the models describe, on every engine."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import domain.models  # noqa: F401  (registers the tables)


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
