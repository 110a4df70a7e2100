"""The command line as scripts use it: `rapport demo` prints one usable key per role."""

import asyncio
import re

import httpx
import pytest
from typer.testing import CliRunner

from api.app import create_app
from api.cli import app as cli
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


async def test_demo_twice_keeps_the_data_and_mints_new_keys(database_url):
    # given
    first = await invoke("demo", "--contacts", "60")

    # when
    second = await invoke("demo", "--contacts", "60")

    # then the old keys still work, the new ones differ, and no contact was added
    assert second.exit_code == 0, second.output
    old, new = dict(KEY_LINE.findall(first.stdout)), dict(KEY_LINE.findall(second.stdout))
    assert old["ADMIN"] != new["ADMIN"]
    query = "{ contacts(first: 1) { totalCount } }"
    totals = [(await post(k, query))["data"]["contacts"]["totalCount"] for k in (old["ADMIN"], new["ADMIN"])]
    assert totals == [60, 60]


async def test_migrate_creates_the_schema(database_url):
    result = await invoke("migrate")
    assert result.exit_code == 0, result.output
    assert "up to date" in result.stdout
