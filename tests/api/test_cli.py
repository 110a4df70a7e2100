"""The command line as scripts use it: `rapport demo` prints one usable key per role; model commands."""

import asyncio
import re

import httpx
import pytest
from typer.testing import CliRunner

from sqlalchemy import func, select, update

from api.app import create_app
from api.cli import app as cli
from domain.db import create_engine
from domain.models import Conversation, ModelActivation
from domain.settings import get_settings

KEY_LINE = re.compile(r"^(ADMIN|OPERATOR|AGENT): (rpk_\S+)$", re.MULTILINE)


def invoke(*args: str):
    """Run the CLI in a thread: it starts its own event loop, as it does in a terminal."""
    return asyncio.to_thread(CliRunner().invoke, cli, list(args))


async def post(key: str, query: str) -> dict:
    app = create_app()
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://cli.test") as http:
            response = await http.post("/graphql", json={"query": query}, headers={"Authorization": f"Bearer {key}"})
    return response.json()


@pytest.fixture
def database_url(tmp_path, monkeypatch):
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


async def test_demo_prints_three_role_keys_that_authenticate(database_url):
    # when
    result = await invoke("demo", "--contacts", "60")

    # then
    assert result.exit_code == 0, result.output
    keys = KEY_LINE.findall(result.stdout)
    assert [role for role, _ in keys] == ["ADMIN", "OPERATOR", "AGENT"]
    for role, key in keys:
        body = await post(key, "{ viewer { user { role } workspace { name } } }")
        assert body["data"]["viewer"]["user"]["role"] == role


async def test_demo_twice_keeps_the_data_mints_new_keys_and_revokes_the_old_ones(database_url):
    # given
    first = await invoke("demo", "--contacts", "60")

    # when
    second = await invoke("demo", "--contacts", "60")

    # then the new keys work, the earlier ones no longer do (and it says so), and no contact was added
    assert second.exit_code == 0, second.output
    assert "Revoked the 6 earlier demo keys" in second.stdout
    old, new = dict(KEY_LINE.findall(first.stdout)), dict(KEY_LINE.findall(second.stdout))
    assert old.keys() == new.keys() == {"ADMIN", "OPERATOR", "AGENT"}
    query = "{ contacts(first: 1) { totalCount } }"
    for role in ("ADMIN", "OPERATOR", "AGENT"):
        assert (await post(new[role], query))["data"]["contacts"]["totalCount"] == 60
        assert (await post(old[role], query))["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_migrate_creates_the_schema(database_url):
    result = await invoke("migrate")
    assert result.exit_code == 0, result.output
    assert "up to date" in result.stdout


async def test_model_rescore_relabels_every_conversation_the_customer_wrote_in(database_url):
    # given a demo whose stored verdicts were wiped
    assert (await invoke("demo", "--contacts", "60")).exit_code == 0
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(update(Conversation).values(satisfaction_label=None, p_satisfied=None, model_version=None))

        # when
        result = await invoke("model", "rescore")

        # then each workspace's job completed and every conversation with a customer turn has a verdict again
        assert result.exit_code == 0, result.output
        assert re.findall(r"^(demo-\w+): COMPLETED", result.stdout, re.MULTILINE) == ["demo-main", "demo-second"]
        async with engine.connect() as connection:
            rows = (await connection.execute(select(Conversation.customer_replied, Conversation.model_version))).all()
        assert rows and {version for replied, version in rows if replied} == {"support-v1"}
        assert {version for replied, version in rows if not replied} <= {None}
    finally:
        await engine.dispose()


async def test_model_activate_refuses_an_unknown_version_and_changes_nothing(database_url):
    # given
    assert (await invoke("migrate")).exit_code == 0

    # when
    result = await invoke("model", "activate", "no-such-version")

    # then
    assert result.exit_code == 1
    assert "no model version 'no-such-version'" in " ".join(result.output.split())
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(select(func.count()).select_from(ModelActivation))).scalar_one() == 0
    finally:
        await engine.dispose()
