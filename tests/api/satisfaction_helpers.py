"""Shared by the satisfaction tests: satisfaction.graphql run unchanged, model directories, jobs, stored verdicts."""

import json
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from api.ids import parse_global_id
from domain import models
from domain.clock import Clock
from domain.db import session_factory
from domain.enums import Channel, SatisfactionLabel, TurnRole
from domain.jobs.registry import JobServices
from domain.jobs.runner import JobRunner
from ml import datasets, train
from ml.registry import DEFAULT_MODELS_DIR
from ml.serving import ModelServer
from tests.api.ingest_helpers import gid, ingest, operator_key
from tests.contract.documents import document
from tests.factories import WorkspaceHandle
from tests.graphql_client import data_of, gql

SATISFACTION = document("satisfaction")
SHIPPED = "support-v1"
ALT = "alt-1"
BROKEN = "broken-1"
CORPUS_EN = DEFAULT_MODELS_DIR.parent / "ml" / "corpus" / "en.jsonl"

JOB = """query($id: ID!) { node(id: $id) { ... on SatisfactionRescoreJob {
  id status modelVersion total processed startedAt finishedAt error } } }"""

PREDICT_TURNS = """query($turns: [TurnInput!]!) { satisfactionPredict(turns: $turns) {
  label confidence modelVersion explanation { term weight } turns { index role label confidence } } }"""

# Texts the shipped model reads without doubt (checked against support-v1: each label wins clearly).
ANGRY = {
    "es": "Pésimo servicio, es una vergüenza. Llevo tres semanas esperando y nadie me da una respuesta. "
    "Estoy harto, quiero cancelar todo.",
    "pt": "Péssimo serviço. Já é a terceira vez que reclamo e ninguém resolve nada. Estou muito chateado, "
    "vou procurar outra operadora.",
    "en": "Terrible service, nobody ever answers and I have been waiting three weeks. This is ridiculous, "
    "cancel my account.",
}
HAPPY = {
    "es": "Muchas gracias, todo perfecto, me resolvieron todo muy rápido!",
    "pt": "Perfeito, muito obrigado pela ajuda rápida, resolveu tudo!",
    "en": "Thank you so much, everything works perfectly now, great support!",
}


# -- the contract's operations -------------------------------------------------------------------


async def operation(
    client: httpx.AsyncClient, name: str, variables: dict[str, Any] | None = None, *, key: str | None
) -> dict[str, Any]:
    """Run one operation of satisfaction.graphql (the whole document, unchanged); the full response."""
    return await gql(client, SATISFACTION, variables, key=key, operation_name=name)


async def data(client: httpx.AsyncClient, name: str, variables: dict[str, Any] | None = None, *, key: str) -> dict[str, Any]:
    """The data of a satisfaction.graphql operation that must succeed."""
    return data_of(await operation(client, name, variables, key=key))


async def predict(client: httpx.AsyncClient, turns: list[dict[str, Any]], *, key: str) -> dict[str, Any]:
    return (await data(client, "SatisfactionPredict", {"turns": turns}, key=key))["satisfactionPredict"]


async def predicted_version(client: httpx.AsyncClient, *, key: str) -> str:
    return (await predict(client, [customer(HAPPY["en"])], key=key))["modelVersion"]


async def activate(client: httpx.AsyncClient, version: str, *, key: str) -> dict[str, Any]:
    return (await data(client, "SatisfactionModelActivate", {"version": version}, key=key))["satisfactionModelActivate"]


async def rescore(client: httpx.AsyncClient, *, key: str) -> dict[str, Any]:
    return (await data(client, "SatisfactionRescore", key=key))["satisfactionRescore"]


async def listed(client: httpx.AsyncClient, *, key: str) -> list[dict[str, Any]]:
    return (await data(client, "SatisfactionModels", key=key))["satisfactionModels"]


def active_versions(models_listed: list[dict[str, Any]]) -> list[str]:
    return [m["version"] for m in models_listed if m["active"]]


async def job(client: httpx.AsyncClient, job_id: str, *, key: str) -> dict[str, Any] | None:
    return data_of(await gql(client, JOB, {"id": job_id}, key=key))["node"]


async def record(
    client: httpx.AsyncClient, ws: WorkspaceHandle, contact_pk: int, external_id: str, turns: list[dict[str, Any]],
    *, started_at: str = "2026-11-20T11:00:00Z",
) -> dict[str, Any]:
    """ingest.graphql's ConversationRecord (unchanged) with these turns, by an OPERATOR; the conversation stored."""
    variables = {
        "input": {
            "externalId": external_id, "contactId": gid(contact_pk), "channel": "WHATSAPP", "startedAt": started_at,
            "turns": [{**t, "at": started_at} for t in turns],
        }
    }
    payload = await ingest(client, "ConversationRecord", variables, key=operator_key(ws))
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload["conversation"]


def customer(text: str) -> dict[str, Any]:
    return {"role": "CUSTOMER", "text": text, "at": None}


def agent(text: str) -> dict[str, Any]:
    return {"role": "AGENT", "text": text, "at": None}


def codes(payload: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


def error_codes(result: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in result.get("errors") or []]


# -- model directories and servers ---------------------------------------------------------------

_DIRS: dict[str, Path] = {}


def models_dir_with_alt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models dir holding support-v1, alt-1 (trained on the English corpus) and broken-1.

    broken-1 is support-v1 renamed, whose model.skops then had bytes appended: its manifest's
    sha256 no longer matches. Trained once per run (a second or two), whichever module asks first.
    """
    if "alt" not in _DIRS:
        target = tmp_path_factory.mktemp("satisfaction") / "models"
        shutil.copytree(DEFAULT_MODELS_DIR / SHIPPED, target / SHIPPED)
        train.train(datasets.load(CORPUS_EN, level="turn"), models_dir=target, version=ALT)
        broken = target / BROKEN
        shutil.copytree(DEFAULT_MODELS_DIR / SHIPPED, broken)
        manifest = json.loads((broken / "manifest.json").read_text(encoding="utf-8"))
        manifest["version"] = BROKEN  # the artifact's sha256 stays the one of the untouched file
        (broken / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        with (broken / "model.skops").open("ab") as artifact:
            artifact.write(b"\x00tampered")
        _DIRS["alt"] = target
    return _DIRS["alt"]


def server(models_dir: Path, default_spec: str = SHIPPED) -> ModelServer:
    """A model server as one server process holds it."""
    return ModelServer(models_dir=models_dir, default_spec=default_spec)


@asynccontextmanager
async def app_client(engine: AsyncEngine, clock: Clock, model_server: ModelServer) -> AsyncIterator[httpx.AsyncClient]:
    """A client of one server process (its own model server); jobs run only when a test runs them."""
    app = create_app(engine=engine, clock=clock, models=model_server, run_jobs=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://rapport.test") as http:
        yield http


# -- jobs and the database -----------------------------------------------------------------------


def job_pk(global_id: str) -> int:
    type_name, pk = parse_global_id(global_id)
    assert type_name == "SatisfactionRescoreJob"
    return pk


async def run_job(engine: AsyncEngine, clock: Clock, model_server: ModelServer, global_id: str) -> int:
    """Work one job off in this process, batch after batch (as the server's runner does); batches run."""
    runner = JobRunner(session_factory(engine), clock, services=JobServices(models=model_server))
    for batches in range(1, 100):
        if await runner.run_batch(job_pk(global_id)):
            return batches
    raise AssertionError("the job did not finish in 100 batches")


async def slug_of(engine: AsyncEngine, ws: WorkspaceHandle) -> str:
    async with session_factory(engine)() as session:
        workspace = await session.get(models.Workspace, ws.id)
        assert workspace is not None
        return workspace.slug


async def stored(engine: AsyncEngine, ws: WorkspaceHandle) -> dict[int, tuple[str | None, datetime | None]]:
    """Each conversation of the workspace: (model_version, analyzed_at) as stored."""
    async with session_factory(engine)() as session:
        rows = await session.execute(
            select(models.Conversation.id, models.Conversation.model_version, models.Conversation.analyzed_at)
            .where(models.Conversation.workspace_id == ws.id)
        )
        return {cid: (version, analyzed) for cid, version, analyzed in rows}


async def conversation_count(engine: AsyncEngine, ws: WorkspaceHandle) -> int:
    return len(await stored(engine, ws))


async def job_count(engine: AsyncEngine, ws: WorkspaceHandle) -> int:
    async with session_factory(engine)() as session:
        rows = await session.scalars(select(models.Job.id).where(models.Job.workspace_id == ws.id))
        return len(list(rows))


async def scored_conversations(
    engine: AsyncEngine, ws: WorkspaceHandle, contact_id: int, n: int, *, started_at: datetime, version: str = SHIPPED
) -> list[int]:
    """`n` one-turn conversations stored in one transaction, each scored earlier by `version`."""
    async with session_factory(engine)() as session, session.begin():
        conversations = [
            models.Conversation(
                workspace_id=ws.id, contact_id=contact_id, external_id=f"bulk-{ws.id}-{i}", channel=Channel.WHATSAPP,
                started_at=started_at + timedelta(minutes=i), last_turn_at=started_at + timedelta(minutes=i),
                turn_count=1, customer_replied=True, satisfaction_label=SatisfactionLabel.NEUTRAL,
                p_satisfied=0.2, p_neutral=0.6, p_dissatisfied=0.2, model_version=version, analyzed_at=started_at,
            )
            for i in range(n)
        ]
        session.add_all(conversations)
        await session.flush()
        session.add_all(
            models.ConversationTurn(
                workspace_id=ws.id, conversation_id=c.id, seq=0, role=TurnRole.CUSTOMER,
                text=(HAPPY, ANGRY)[i % 2]["en"], at=c.started_at,
            )
            for i, c in enumerate(conversations)
        )
        return [c.id for c in conversations if c.id is not None]
