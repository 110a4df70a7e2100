"""satisfactionModelActivate and `rapport model activate`: which model serves, per workspace, in every process."""

import asyncio
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from domain.db import create_engine
from domain.migrate import upgrade
from tests.api.action_helpers import snapshot
from tests.api.ingest_helpers import operator_key
from tests.api.satisfaction_helpers import (
    ALT,
    ANGRY,
    BROKEN,
    HAPPY,
    SHIPPED,
    activate,
    active_versions,
    agent,
    app_client,
    codes,
    customer,
    listed,
    predict,
    predicted_version,
    record,
    server,
    slug_of,
)
from tests.conftest import NOW
from tests.factories import WorkspaceFactory

RAPPORT = Path(sys.executable).parent / "rapport"


def rapport_model(*args: str, database_url: str, models_dir: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`rapport model ...` as an operator runs it in a shell: its own process, configured by the environment."""
    env = {k: v for k, v in os.environ.items() if k not in ("SATISFACTION_MODEL", "DATABASE_URL", "MODELS_DIR")}
    env.update(DATABASE_URL=database_url, MODELS_DIR=str(models_dir), COLUMNS="200")
    return subprocess.run(
        [str(RAPPORT), "model", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


async def test_agents_and_operators_may_not_activate_and_nothing_changes(alt_client, workspaces, engine):
    # given
    ws = await workspaces.create()
    before = await snapshot(engine, ws.id)

    # when
    by_agent = await activate(alt_client, ALT, key=ws.agent_key)
    by_operator = await activate(alt_client, ALT, key=operator_key(ws))

    # then
    for payload in (by_agent, by_operator):
        assert (codes(payload), payload["model"]) == ([(None, "FORBIDDEN")], None)
    assert await snapshot(engine, ws.id) == before
    assert active_versions(await listed(alt_client, key=ws.admin_key)) == [SHIPPED]
    assert await predicted_version(alt_client, key=ws.agent_key) == SHIPPED


async def test_an_admin_activation_serves_that_workspace_only(alt_client, workspaces):
    # given two workspaces served by the default model, one with a conversation scored already
    ws, other = await workspaces.create(), await workspaces.create()
    pk, other_pk = await workspaces.contact(ws, "Ana"), await workspaces.contact(other, "Beto")
    earlier = await record(alt_client, ws, pk, "before", [customer(ANGRY["es"])])

    # when the first one's ADMIN activates alt-1
    payload = await activate(alt_client, ALT, key=ws.admin_key)

    # then it serves that workspace from now on: listing, predictions and newly recorded conversations
    assert payload == {"model": {"version": ALT, "active": True}, "userErrors": []}
    assert active_versions(await listed(alt_client, key=ws.agent_key)) == [ALT]
    assert await predicted_version(alt_client, key=ws.agent_key) == ALT
    later = await record(alt_client, ws, pk, "after", [customer(ANGRY["es"])])
    assert later["satisfaction"]["modelVersion"] == ALT
    # ... while the verdict stored before keeps its model (until a rescore)
    assert earlier["satisfaction"]["modelVersion"] == SHIPPED
    again = await record(alt_client, ws, pk, "before", [customer(ANGRY["es"])])
    assert again["satisfaction"] == earlier["satisfaction"]
    # ... and the other workspace is still served by the default model
    listing = await listed(alt_client, key=other.agent_key)
    assert active_versions(listing) == [SHIPPED]
    assert {m["version"] for m in listing} >= {SHIPPED, ALT}
    assert await predicted_version(alt_client, key=other.agent_key) == SHIPPED
    elsewhere = await record(alt_client, other, other_pk, "after", [customer(ANGRY["es"])])
    assert elsewhere["satisfaction"]["modelVersion"] == SHIPPED


async def test_the_newest_activation_wins(alt_client, workspaces):
    # given a workspace that switched to alt-1
    ws = await workspaces.create()
    await activate(alt_client, ALT, key=ws.admin_key)

    # when its ADMIN goes back to support-v1
    payload = await activate(alt_client, SHIPPED, key=ws.admin_key)

    # then
    assert payload == {"model": {"version": SHIPPED, "active": True}, "userErrors": []}
    assert active_versions(await listed(alt_client, key=ws.agent_key)) == [SHIPPED]
    assert await predicted_version(alt_client, key=ws.agent_key) == SHIPPED


@pytest.mark.parametrize(
    ("version", "code"),
    [
        ("nope-9", "NOT_FOUND"),
        ("../etc", "BAD_USER_INPUT"),
        ("support-v1/../alt-1", "BAD_USER_INPUT"),
        ("", "BAD_USER_INPUT"),
        ("tests.api.keyword_model:build", "BAD_USER_INPUT"),  # an import spec is the deployment's choice only
    ],
)
async def test_a_version_that_is_not_in_models_is_refused(alt_client, workspaces, engine, version, code):
    # given
    ws = await workspaces.create()
    before = await snapshot(engine, ws.id)

    # when
    payload = await activate(alt_client, version, key=ws.admin_key)

    # then
    assert (codes(payload), payload["model"]) == ([("version", code)], None)
    assert await snapshot(engine, ws.id) == before
    assert await predicted_version(alt_client, key=ws.agent_key) == SHIPPED


async def test_a_tampered_artifact_is_refused_and_the_active_model_keeps_serving(alt_client, workspaces, engine):
    # given a workspace served by alt-1; broken-1's model.skops no longer matches its manifest
    ws = await workspaces.create()
    await activate(alt_client, ALT, key=ws.admin_key)
    before = await snapshot(engine, ws.id)

    # when
    payload = await activate(alt_client, BROKEN, key=ws.admin_key)

    # then
    assert (codes(payload), payload["model"]) == ([("version", "MODEL_INVALID")], None)
    assert "manifest" in payload["userErrors"][0]["message"]
    assert await snapshot(engine, ws.id) == before
    assert active_versions(await listed(alt_client, key=ws.agent_key)) == [ALT]
    assert await predicted_version(alt_client, key=ws.agent_key) == ALT


async def test_an_activation_reaches_another_server_process_without_a_restart(engine, clock, models_dir, workspaces):
    # given two server processes, each with its own model server, the second already serving the workspace
    ws = await workspaces.create()
    async with app_client(engine, clock, server(models_dir)) as first, app_client(engine, clock, server(models_dir)) as second:
        assert await predicted_version(second, key=ws.agent_key) == SHIPPED

        # when the ADMIN activates alt-1 through the first
        assert (await activate(first, ALT, key=ws.admin_key))["userErrors"] == []

        # then the second serves it at once
        assert await predicted_version(second, key=ws.agent_key) == ALT
        assert active_versions(await listed(second, key=ws.agent_key)) == [ALT]


async def test_a_process_that_cannot_load_the_activated_model_keeps_serving_the_previous_one(
    engine, clock, models_dir, workspaces, tmp_path, caplog
):
    # given a second process whose copy of alt-1 is damaged, serving the workspace with support-v1
    damaged = tmp_path / "models"
    shutil.copytree(models_dir, damaged)
    with (damaged / ALT / "model.skops").open("r+b") as artifact:
        artifact.seek(100)
        artifact.write(b"\xff\xfe\xfd")
    ws = await workspaces.create()
    async with app_client(engine, clock, server(models_dir)) as first, app_client(engine, clock, server(damaged)) as second:
        assert await predicted_version(second, key=ws.agent_key) == SHIPPED

        # when alt-1 is activated through the first process (whose copy is sound)
        assert (await activate(first, ALT, key=ws.admin_key))["userErrors"] == []

        with caplog.at_level(logging.ERROR, logger="ml.serving"):
            prediction = await predict(second, [customer(HAPPY["es"]), agent("¡A ti!")], key=ws.agent_key)

        # then the first serves alt-1 and the second goes on scoring with support-v1 instead of failing,
        # telling its operators why
        assert await predicted_version(first, key=ws.agent_key) == ALT
        assert (prediction["label"], prediction["modelVersion"]) == ("SATISFIED", SHIPPED)
        assert f"{ALT} cannot serve" in caplog.text and f"{SHIPPED} keeps serving" in caplog.text


async def test_cli_activation_for_one_workspace_reaches_a_running_server(engine, clock, models_dir, workspaces, tmp_path):
    # given a running server serving two workspaces with the default model
    ws, other = await workspaces.create(), await workspaces.create()
    async with app_client(engine, clock, server(models_dir)) as running:
        assert await predicted_version(running, key=ws.agent_key) == SHIPPED

        # when an operator runs `rapport model activate alt-1 --workspace <slug>` in a shell
        slug = await slug_of(engine, ws)
        database_url = engine.url.render_as_string(hide_password=False)
        done = await asyncio.to_thread(
            rapport_model, "activate", ALT, "--workspace", slug, database_url=database_url, models_dir=models_dir, cwd=tmp_path
        )

        # then the running server serves alt-1 to that workspace only, without a restart
        assert done.returncode == 0, done.stderr
        assert f"activated {ALT} for workspace {slug}" in done.stdout
        assert await predicted_version(running, key=ws.agent_key) == ALT
        assert active_versions(await listed(running, key=ws.admin_key)) == [ALT]
        assert await predicted_version(running, key=other.agent_key) == SHIPPED


async def test_cli_activation_for_every_workspace_yields_to_a_workspace_own_choice(models_dir, clock, tmp_path):
    # given a database of its own (a deployment-wide activation would reach every test's workspaces),
    # with one workspace whose ADMIN chose support-v1 and one that never chose
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'deployment.db'}"
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        factory = WorkspaceFactory(engine, now=NOW)
        chose, default = await factory.create(), await factory.create()
        async with app_client(engine, clock, server(models_dir)) as running:
            assert (await activate(running, SHIPPED, key=chose.admin_key))["userErrors"] == []

            # when `rapport model activate` runs for the deployment: first a tampered version, then alt-1
            refused = await asyncio.to_thread(
                rapport_model, "activate", BROKEN, database_url=database_url, models_dir=models_dir, cwd=tmp_path
            )
            unchanged = await predicted_version(running, key=default.agent_key)
            done = await asyncio.to_thread(
                rapport_model, "activate", ALT, database_url=database_url, models_dir=models_dir, cwd=tmp_path
            )

            # then the tampered one was refused, and alt-1 serves every workspace without a choice of its own
            assert refused.returncode == 1
            assert "MODEL_INVALID" in refused.stderr
            assert unchanged == SHIPPED
            assert done.returncode == 0, done.stderr
            assert await predicted_version(running, key=default.agent_key) == ALT
            assert active_versions(await listed(running, key=default.agent_key)) == [ALT]
            assert await predicted_version(running, key=chose.agent_key) == SHIPPED
            # and a workspace created afterwards gets it too
            newcomer = await factory.create()
            assert await predicted_version(running, key=newcomer.agent_key) == ALT
    finally:
        await engine.dispose()
