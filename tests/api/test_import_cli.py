"""`rapport import FILE.csv` on a temporary SQLite database, as an operator runs it in a terminal."""

import asyncio

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from api.cli import app as cli
from domain import models
from domain.db import create_engine, session_factory
from domain.imports.csv_file import MAX_COLUMNS
from domain.imports.handler import MAX_STORED_ERRORS
from domain.settings import get_settings
from tests.conftest import NOW
from tests.factories import WorkspaceFactory

CSV = "name,email,phone\nAna,ana@example.com,\nBea,,+54 9 11 5555-0102\nBad,bad@,\n"


def invoke(*args: str):
    """Run the CLI in a thread: it starts its own event loop, as it does in a terminal."""
    return asyncio.to_thread(CliRunner().invoke, cli, list(args))


@pytest.fixture
async def database(tmp_path, monkeypatch):
    """DATABASE_URL pointing at a migrated SQLite file with one workspace (and its ADMIN)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    assert (await invoke("migrate")).exit_code == 0
    engine = create_engine(url)
    ws = await WorkspaceFactory(engine, now=NOW).create()
    yield engine, ws
    await engine.dispose()
    get_settings.cache_clear()


async def names(engine, workspace_id: int) -> list[str]:
    async with session_factory(engine)() as session:
        found = await session.scalars(select(models.Contact.name).where(models.Contact.workspace_id == workspace_id))
        return sorted(found)


async def test_import_into_the_only_workspace_prints_counts_and_the_bad_rows(database, tmp_path):
    # given
    engine, ws = database
    path = tmp_path / "contacts.csv"
    path.write_text(CSV, encoding="utf-8")

    # when
    result = await invoke("import", str(path))

    # then
    assert result.exit_code == 0, result.output
    assert "COMPLETED: 3 rows; 2 were created, 0 updated, 0 skipped, 1 failed" in result.stdout
    assert "row 4, email: 'bad@' is not an e-mail address" in result.stdout
    assert await names(engine, ws.id) == ["Ana", "Bea"]


async def test_rerun_with_update_existing_changes_nothing_and_dry_run_writes_nothing(database, tmp_path):
    # given
    engine, ws = database
    path = tmp_path / "contacts.csv"
    path.write_text(CSV, encoding="utf-8")
    assert (await invoke("import", str(path), "--workspace", (await _slug(engine, ws.id)))).exit_code == 0

    # when
    again = await invoke("import", str(path), "--update-existing")
    path.write_text("name,email\nCarla,carla@example.com\n", encoding="utf-8")
    dry = await invoke("import", str(path), "--dry-run")

    # then
    assert "0 were created, 0 updated, 2 skipped, 1 failed" in again.stdout
    assert "(dry run): 1 rows; 1 would be created" in dry.stdout
    assert await names(engine, ws.id) == ["Ana", "Bea"]


async def test_an_unknown_workspace_or_an_unusable_file_exits_with_an_error(database, tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text(CSV, encoding="utf-8")
    unknown = await invoke("import", str(path), "--workspace", "nope")
    path.write_text("email\nana@example.com\n", encoding="utf-8")
    no_name = await invoke("import", str(path))
    assert unknown.exit_code == no_name.exit_code == 1
    assert "no workspace 'nope'" in unknown.output and "needs a name column" in no_name.output


async def test_a_file_wider_than_the_column_limit_is_refused_and_the_rest_of_many_errors_counted(database, tmp_path):
    # given a file with one column too many, and one with more bad rows than a job keeps
    engine, ws = database
    wide, bad = tmp_path / "wide.csv", tmp_path / "bad.csv"
    wide.write_text(",".join(["name", "email", *(f"c{i}" for i in range(MAX_COLUMNS - 1))]) + "\nAna,ana@example.com\n")
    bad.write_text("name,email\n" + "".join(f"Bad {i},bad-{i}@\n" for i in range(MAX_STORED_ERRORS + 3)))

    # when
    refused = await invoke("import", str(wide))
    counted = await invoke("import", str(bad))

    # then the wide file is refused as a whole; the bad one reports the first errors and counts the rest
    assert refused.exit_code == 1
    assert f"not imported: the header has {MAX_COLUMNS + 1} columns; an import takes at most {MAX_COLUMNS}" in refused.output
    assert f"{MAX_STORED_ERRORS + 3} failed" in counted.stdout
    assert "... and 3 more errors, counted but not kept" in counted.stdout
    assert await names(engine, ws.id) == []


async def _slug(engine, workspace_id: int) -> str:
    async with session_factory(engine)() as session:
        return (await session.get(models.Workspace, workspace_id)).slug
