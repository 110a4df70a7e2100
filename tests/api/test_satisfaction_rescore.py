"""satisfactionRescore: relabel stored conversations with the model serving now, as a resumable job."""

import asyncio
from datetime import timedelta

import pytest

from domain.clock import FixedClock
from domain.db import session_factory
from domain.enums import SatisfactionLabel, TurnRole
from domain.jobs.registry import JobServices
from domain.jobs.runner import JobRunner
from ml.registry import DEFAULT_MODELS_DIR
from tests.api.ingest_helpers import gid, operator_key
from tests.api.satisfaction_helpers import (
    ALT,
    ANGRY,
    HAPPY,
    PREDICT_TURNS,
    SHIPPED,
    activate,
    agent,
    app_client,
    codes,
    customer,
    data,
    job,
    job_count,
    job_pk,
    record,
    rescore,
    run_job,
    scored_conversations,
    server,
    stored,
)
from tests.conftest import NOW
from tests.graphql_client import data_of, gql

LATER = NOW + timedelta(hours=1)
RESTARTED = NOW + timedelta(hours=2)


async def test_operators_queue_a_rescore_and_agents_may_not(alt_client, workspaces, engine, clock, alt_models):
    # given a workspace with two conversations
    ws = await workspaces.create()
    pk = await workspaces.contact(ws, "Ana")
    for day in (17, 18):
        await workspaces.conversation(ws, pk, started_at=NOW.replace(day=day), turns=[(TurnRole.CUSTOMER, "Hola")])

    # when
    by_agent = await rescore(alt_client, key=ws.agent_key)
    jobs_after_agent = await job_count(engine, ws)
    by_operator = await rescore(alt_client, key=operator_key(ws))

    # then
    assert (codes(by_agent), by_agent["job"], jobs_after_agent) == ([(None, "FORBIDDEN")], None, 0)
    assert by_operator["userErrors"] == []
    queued = await job(alt_client, by_operator["job"]["id"], key=ws.agent_key)
    assert queued == {
        "id": by_operator["job"]["id"], "status": "PENDING", "modelVersion": SHIPPED, "total": 2, "processed": 0,
        "startedAt": None, "finishedAt": None, "error": None,
    }
    await run_job(engine, clock, alt_models, queued["id"])  # leave no job behind for other tests' runners


async def test_a_rescore_relabels_stored_conversations_with_the_model_serving_now(
    alt_client, workspaces, engine, alt_models
):
    # given three conversations scored by support-v1 and one where the customer never wrote
    ws = await workspaces.create()
    pk = await workspaces.contact(ws, "Ana")
    said = {
        "happy": [customer(HAPPY["es"])],
        "sour": [customer(HAPPY["es"]), agent("Tu pedido llegará en dos semanas."), customer(ANGRY["es"])],
        "angry": [customer(ANGRY["en"])],
        "silent": [agent("Hola, ¿podemos ayudarte?")],
    }
    for external_id, turns in said.items():
        await record(alt_client, ws, pk, external_id, turns)
    # ... then the ADMIN switched to alt-1 and an OPERATOR asked for a rescore
    await activate(alt_client, ALT, key=ws.admin_key)
    queued = (await rescore(alt_client, key=operator_key(ws)))["job"]
    await record(alt_client, ws, pk, "after-queueing", [customer(ANGRY["pt"])])  # scored by alt-1 as recorded

    # when a job runner works it off
    await run_job(engine, FixedClock(LATER), alt_models, queued["id"])

    # then the job is done, over the four conversations there were when it was queued
    done = await job(alt_client, queued["id"], key=ws.agent_key)
    assert {k: done[k] for k in ("status", "modelVersion", "total", "processed", "error")} == {
        "status": "COMPLETED", "modelVersion": ALT, "total": 4, "processed": 4, "error": None,
    }
    assert done["finishedAt"] == LATER.isoformat()
    # ... and every stored verdict is now alt-1's, the same as it predicts for those turns
    contact = (await data(alt_client, "ContactConversations", {"id": gid(pk)}, key=ws.agent_key))["contact"]
    nodes = [e["node"] for e in contact["conversations"]["edges"]]
    assert len(nodes) == 5
    for node in nodes:
        turns = [{"role": t["role"], "text": t["text"], "at": None} for t in node["turns"]]
        if not any(t["role"] == "CUSTOMER" for t in turns):
            assert node["satisfaction"] is None
            continue
        now = data_of(await gql(alt_client, PREDICT_TURNS, {"turns": turns}, key=ws.agent_key))["satisfactionPredict"]
        verdict = node["satisfaction"]
        assert (verdict["modelVersion"], verdict["label"]) == (ALT, now["label"])
        assert verdict["confidence"] == pytest.approx(now["confidence"])
        assert [t["satisfaction"]["label"] for t in node["turns"] if t["satisfaction"]] == [t["label"] for t in now["turns"]]
    assert contact["satisfaction"]["modelVersion"] == ALT
    assert {v for v, _ in (await stored(engine, ws)).values()} == {ALT, None}


async def test_a_second_rescore_while_one_is_pending_returns_the_same_job(alt_client, workspaces, engine, clock, alt_models):
    # given a pending rescore
    ws = await workspaces.create()
    pk = await workspaces.contact(ws, "Ana")
    await workspaces.conversation(ws, pk, started_at=NOW.replace(day=18), turns=[(TurnRole.CUSTOMER, "Hola")])
    first = await rescore(alt_client, key=operator_key(ws))

    # when it is asked for again, by the operator or the admin
    again = await rescore(alt_client, key=operator_key(ws))
    by_admin = await rescore(alt_client, key=ws.admin_key)

    # then there is still one job
    assert again == by_admin == first
    assert await job_count(engine, ws) == 1
    # ... until it finishes: then a rescore is a new job
    await run_job(engine, clock, alt_models, first["job"]["id"])
    later = await rescore(alt_client, key=operator_key(ws))
    assert later["job"]["id"] != first["job"]["id"]
    assert (later["job"]["status"], later["job"]["total"]) == ("PENDING", 1)
    await run_job(engine, clock, alt_models, later["job"]["id"])


async def test_rescores_asked_at_the_same_moment_from_two_servers_queue_one_job(workspaces, engine, clock, models_dir):
    # given two server processes (each its own app and model server) over one database
    ws = await workspaces.create()
    pk = await workspaces.contact(ws, "Ana")
    await workspaces.conversation(ws, pk, started_at=NOW.replace(day=18), turns=[(TurnRole.CUSTOMER, "Hola")])
    first_models, second_models = server(models_dir), server(models_dir)
    async with app_client(engine, clock, first_models) as one, app_client(engine, clock, second_models) as two:
        # when both are asked for a rescore at once, several times over
        answers = await asyncio.gather(*(rescore(http, key=operator_key(ws)) for http in (one, two, one, two)))

    # then one job was queued, and every answer names it
    assert await job_count(engine, ws) == 1
    assert len({a["job"]["id"] for a in answers}) == 1
    await run_job(engine, clock, first_models, answers[0]["job"]["id"])


async def test_a_rescore_resumes_after_a_restart_and_relabels_each_conversation_once(
    alt_client, workspaces, engine, models_dir, alt_models
):
    # given 501 conversations scored by support-v1 (more than one batch of 500), and a rescore with alt-1
    ws = await workspaces.create()
    pk = await workspaces.contact(ws, "Ana")
    ids = await scored_conversations(engine, ws, pk, 501, started_at=NOW - timedelta(days=3))
    await activate(alt_client, ALT, key=ws.admin_key)
    queued = (await rescore(alt_client, key=operator_key(ws)))["job"]
    assert queued["total"] == 501

    # when a server runs one batch, then stops; another process (a fresh runner and model server) goes on
    before_restart = JobRunner(session_factory(engine), FixedClock(LATER), services=JobServices(models=alt_models))
    finished_early = await before_restart.run_batch(job_pk(queued["id"]))
    halfway = await job(alt_client, queued["id"], key=ws.agent_key)
    after_restart = JobRunner(session_factory(engine), FixedClock(RESTARTED), services=JobServices(models=server(models_dir)))
    finished = await after_restart.run_batch(job_pk(queued["id"]))

    # then the first run left it half done, the second finished the rest
    assert (finished_early, finished) == (False, True)
    assert {k: halfway[k] for k in ("status", "total", "processed")} == {"status": "RUNNING", "total": 501, "processed": 500}
    done = await job(alt_client, queued["id"], key=ws.agent_key)
    assert {k: done[k] for k in ("status", "total", "processed", "finishedAt")} == {
        "status": "COMPLETED", "total": 501, "processed": 501, "finishedAt": RESTARTED.isoformat(),
    }
    # every conversation relabelled by alt-1, the first 500 by the first runner only, the last by the second
    verdicts = await stored(engine, ws)
    assert sorted(verdicts) == sorted(ids)
    assert {version for version, _ in verdicts.values()} == {ALT}
    assert {cid for cid, (_, at) in verdicts.items() if at == LATER} == set(sorted(ids)[:500])
    assert {cid for cid, (_, at) in verdicts.items() if at == RESTARTED} == {max(ids)}


async def test_a_rescore_whose_model_cannot_load_fails_and_keeps_the_stored_verdicts(alt_client, workspaces, engine):
    # given a rescore queued with alt-1, picked up by a process whose models/ does not have it
    ws = await workspaces.create()
    pk = await workspaces.contact(ws, "Ana")
    await workspaces.conversation(
        ws, pk, started_at=NOW.replace(day=18), turns=[(TurnRole.CUSTOMER, "Hola")],
        satisfaction_label=SatisfactionLabel.NEUTRAL, p_satisfied=0.2, p_neutral=0.6, p_dissatisfied=0.2,
        model_version=SHIPPED, analyzed_at=NOW.replace(day=18),
    )
    await activate(alt_client, ALT, key=ws.admin_key)
    queued = (await rescore(alt_client, key=operator_key(ws)))["job"]
    before = await stored(engine, ws)

    # when
    await run_job(engine, FixedClock(LATER), server(DEFAULT_MODELS_DIR), queued["id"])

    # then the job says why it failed, and nothing was relabelled
    failed = await job(alt_client, queued["id"], key=ws.agent_key)
    assert (failed["status"], failed["processed"]) == ("FAILED", 0)
    assert failed["error"].startswith("the model this rescore was queued with cannot load")
    assert await stored(engine, ws) == before
