"""`rapport workspace|user|key`: an installation admitted from nothing on the command line, as an operator would.

Each command runs against a real database (DATABASE_URL: SQLite here, PostgreSQL when
TEST_DATABASE_URL is set); a refusal exits non-zero with a message and changes nothing.
"""

import asyncio

import httpx
import pytest
from typer.testing import CliRunner

from api.app import create_app
from api.cli import app as cli
from domain.db import create_engine
from domain.settings import get_settings
from tests.api.action_helpers import all_text
from tests.scratch import scratch_database


def invoke(*args: str):
    """Run the CLI in a thread: it starts its own event loop, as it does in a terminal."""
    return asyncio.to_thread(CliRunner().invoke, cli, list(args))


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request, tmp_path, monkeypatch):
    """An empty database the commands migrate themselves."""
    async with scratch_database(request.param, tmp_path) as url:
        monkeypatch.setenv("DATABASE_URL", url)
        get_settings.cache_clear()
        yield url
    get_settings.cache_clear()


def table_rows(output: str) -> dict[str, list[str]]:
    """The rows of a printed key table by prefix: [id, prefix, label, user, role, created, expires, last used, revoked]."""
    rows = {}
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.split("│")[1:-1]]
        if len(cells) == 9 and cells[1].startswith("rpk_"):
            rows[cells[1]] = cells
    return rows


async def whole_database(url: str) -> str:
    engine = create_engine(url)
    try:
        return await all_text(engine)
    finally:
        await engine.dispose()


async def viewer(key: str) -> dict:
    app = create_app()
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://cli.test") as http:
            response = await http.post(
                "/graphql", json={"query": "{ viewer { role user { email } workspace { name } } }"},
                headers={"Authorization": f"Bearer {key}"},
            )
    return response.json()


async def test_a_workspace_its_first_admin_and_a_key_from_nothing(database_url):
    # when
    created = await invoke("workspace", "create", "acme-norte", "--name", "Acme Norte")
    user = await invoke("user", "create", "--workspace", "acme-norte", "--email", "Ana@Acme.example",
                        "--name", "Ana Torres", "--role", "ADMIN")
    key = await invoke("key", "create", "--workspace", "acme-norte", "--user", "ana@acme.example", "--label", "laptop")

    # then
    for result in (created, user, key):
        assert result.exit_code == 0, result.output
    minted = key.stdout.strip().splitlines()[-1]
    assert minted.startswith("rpk_") and " " not in minted
    assert (await viewer(minted))["data"]["viewer"] == {
        "role": "ADMIN", "user": {"email": "ana@acme.example"}, "workspace": {"name": "Acme Norte"},
    }
    listed = await invoke("workspace", "list")
    assert "acme-norte" in listed.stdout and "Acme Norte" in listed.stdout
    users = await invoke("user", "list", "--workspace", "acme-norte")
    assert "ana@acme.example" in users.stdout and "ADMIN" in users.stdout


async def test_key_list_shows_everything_but_the_key_and_revoke_takes_a_prefix_or_an_id(database_url):
    # given two keys
    await invoke("workspace", "create", "acme", "--name", "Acme")
    await invoke("user", "create", "-w", "acme", "--email", "ops@acme.example", "--name", "Ops", "--role", "OPERATOR")
    await invoke("user", "create", "-w", "acme", "--email", "boss@acme.example", "--name", "Boss", "--role", "ADMIN")
    first = (await invoke("key", "create", "-w", "acme", "--user", "ops@acme.example", "--label", "ci",
                          "--expires-in-days", "30")).stdout.strip().splitlines()[-1]
    second = (await invoke("key", "create", "-w", "acme", "--user", "ops@acme.example")).stdout.strip().splitlines()[-1]
    assert (await viewer(first))["data"]["viewer"]["role"] == "OPERATOR"

    # when
    listed = await invoke("key", "list", "--workspace", "acme")
    by_prefix = await invoke("key", "revoke", first[:12])
    again = await invoke("key", "revoke", first[:12])
    second_id = table_rows(listed.stdout)[second[:12]][0]
    by_id = await invoke("key", "revoke", second_id)

    # then
    assert listed.exit_code == 0
    assert first not in listed.stdout and second not in listed.stdout
    for column in ("prefix", "label", "user", "role", "created", "expires", "last used", "revoked"):
        assert column in listed.stdout
    assert first[:12] in listed.stdout and "ci" in listed.stdout and "ops@acme.example" in listed.stdout
    assert by_prefix.exit_code == again.exit_code == by_id.exit_code == 0
    assert "is revoked" in by_prefix.stdout and "already revoked" in again.stdout
    for key in (first, second):
        assert (await viewer(key))["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    before_rows, after_rows = table_rows(listed.stdout), table_rows((await invoke("key", "list", "-w", "acme")).stdout)
    assert before_rows[first[:12]][-1] == "-" and after_rows[first[:12]][-1].startswith("20")  # revoked: when


async def test_set_role_and_deactivate_take_effect_and_keep_one_admin(database_url):
    # given
    await invoke("workspace", "create", "acme", "--name", "Acme")
    await invoke("user", "create", "-w", "acme", "--email", "boss@acme.example", "--name", "Boss", "--role", "ADMIN")
    await invoke("user", "create", "-w", "acme", "--email", "eva@acme.example", "--name", "Eva", "--role", "AGENT")
    key = (await invoke("key", "create", "-w", "acme", "--user", "eva@acme.example")).stdout.strip().splitlines()[-1]

    # when / then: a role change applies to the key
    assert (await invoke("user", "set-role", "eva@acme.example", "OPERATOR", "-w", "acme")).exit_code == 0
    assert (await viewer(key))["data"]["viewer"]["role"] == "OPERATOR"

    # the only ADMIN keeps their role and access
    demote = await invoke("user", "set-role", "boss@acme.example", "AGENT", "-w", "acme")
    deactivate_boss = await invoke("user", "deactivate", "boss@acme.example", "-w", "acme")
    assert demote.exit_code == deactivate_boss.exit_code == 1
    assert "at least one active ADMIN" in demote.output

    # deactivating stops every key of the user at once
    assert (await invoke("user", "deactivate", "eva@acme.example", "-w", "acme")).exit_code == 0
    assert (await viewer(key))["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "deactivated" in (await invoke("user", "list", "-w", "acme")).stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("workspace", "create", "acme", "--name", "Again"), "already exists"),
        (("workspace", "create", "Not A Slug", "--name", "X"), "not a workspace slug"),
        (("workspace", "create", "ok-slug", "--name", "   "), "needs a name"),
        (("user", "create", "-w", "nope", "--email", "x@acme.example", "--name", "X", "--role", "AGENT"), "no workspace"),
        (("user", "create", "-w", "acme", "--email", "BOSS@acme.example", "--name", "X", "--role", "AGENT"), "already exists"),
        (("user", "create", "-w", "acme", "--email", "not-an-email", "--name", "X", "--role", "AGENT"), "not an e-mail"),
        (("user", "create", "-w", "acme", "--email", "y@acme.example", "--name", "Y", "--role", "KING"), "not a role"),
        (("user", "set-role", "ghost@acme.example", "ADMIN", "-w", "acme"), "no user"),
        (("user", "set-role", "boss@acme.example", "EMPEROR", "-w", "acme"), "not a role"),
        (("user", "deactivate", "ghost@acme.example", "-w", "acme"), "no user"),
        (("key", "create", "-w", "acme", "--user", "ghost@acme.example"), "no user"),
        (("key", "create", "-w", "acme", "--user", "boss@acme.example", "--expires-in-days", "0"), "1 to 3650"),
        (("key", "create", "-w", "nope", "--user", "boss@acme.example"), "no workspace"),
        (("key", "revoke", "rpk_NoSuchKy"), "no such API key"),
        (("key", "revoke", "banana"), "name a key by"),
        (("key", "list", "-w", "nope"), "no workspace"),
    ],
)
async def test_bad_input_is_refused_with_a_message_and_changes_nothing(database_url, args, message):
    # given an installation with one workspace and its admin
    await invoke("workspace", "create", "acme", "--name", "Acme")
    await invoke("user", "create", "-w", "acme", "--email", "boss@acme.example", "--name", "Boss", "--role", "ADMIN")
    before = await whole_database(database_url)

    # when
    result = await invoke(*args)

    # then
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert await whole_database(database_url) == before
