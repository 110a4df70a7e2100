"""satisfaction.graphql, every operation run unchanged against the shipped model (support-v1)."""

import json
from datetime import datetime

import pytest

from domain.clock import FixedClock
from ml.registry import DEFAULT_MODELS_DIR
from tests.api.ingest_helpers import example as ingest_example
from tests.api.ingest_helpers import gid, ingest, operator_key
from tests.api.satisfaction_helpers import SHIPPED, codes, data, job, run_job
from tests.contract.documents import example_variables
from tests.contract.showcase import at

PREFIXES = ("customer: ", "agent: ", "customer earlier: ")


@pytest.fixture
def clock() -> FixedClock:
    # The contract's conversation runs from 12:00 to 12:05; the server's "now" is after it.
    return FixedClock(at("2026-11-20T12:30:00"))


def by_label(probabilities: list[dict]) -> dict[str, float]:
    return {p["label"]: p["probability"] for p in probabilities}


async def test_contact_conversations_shows_the_recorded_conversation_scored_by_the_shipped_model(client, workspaces):
    # given a contact whose conversation was recorded with the contract's example
    ws = await workspaces.create()
    pk = await workspaces.contact(ws, "María José Pérez")
    recorded = await ingest(client, "ConversationRecord", ingest_example("ConversationRecord", pk), key=operator_key(ws))
    assert recorded["userErrors"] == []

    # when
    contact = (await data(client, "ContactConversations", {"id": gid(pk)}, key=ws.agent_key))["contact"]

    # then the conversation carries a full verdict by support-v1
    assert contact["conversations"]["totalCount"] == 1
    node = contact["conversations"]["edges"][0]["node"]
    assert (node["id"], node["channel"], node["startedAt"]) == (
        recorded["conversation"]["id"], "WHATSAPP", "2026-11-20T12:00:00+00:00"
    )
    verdict = node["satisfaction"]
    probabilities = by_label(verdict["probabilities"])
    assert set(probabilities) == {"SATISFIED", "NEUTRAL", "DISSATISFIED"}
    assert sum(probabilities.values()) == pytest.approx(1, abs=1e-3)
    assert verdict["label"] == max(probabilities, key=probabilities.__getitem__)
    assert verdict["confidence"] == probabilities[verdict["label"]]
    assert verdict["modelVersion"] == SHIPPED
    assert {k: verdict[k] for k in ("label", "confidence", "modelVersion")} == recorded["conversation"]["satisfaction"]
    # ... explained by terms said by whom, strongest first
    terms = verdict["explanation"]
    assert terms, "the shipped model explains its verdicts"
    assert all(t["term"].startswith(PREFIXES) for t in terms), terms
    assert [t["weight"] for t in terms] == sorted((t["weight"] for t in terms), reverse=True)
    # ... and a verdict on each customer turn, none on the agent's
    assert [t["role"] for t in node["turns"]] == ["CUSTOMER", "AGENT", "CUSTOMER"]
    assert [t["satisfaction"] is not None for t in node["turns"]] == [True, False, True]
    for turn in node["turns"]:
        if turn["satisfaction"]:
            assert turn["satisfaction"]["label"] in probabilities
            assert 1 / 3 <= turn["satisfaction"]["confidence"] <= 1
    # The last turn is the customer's: judged on the whole conversation, it agrees with the verdict.
    assert node["turns"][-1]["satisfaction"] == {"label": verdict["label"], "confidence": verdict["confidence"]}
    # The contact's index is that one conversation's verdict.
    assert contact["satisfaction"] == {
        "label": verdict["label"], "confidence": pytest.approx(verdict["confidence"]), "interactionRate": 1.0,
        "modelVersion": SHIPPED, "analyzedAt": "2026-11-20T12:30:00+00:00", "conversationsAnalyzed": 1,
    }


async def test_satisfaction_predict_classifies_the_contract_example(client, workspaces):
    # given
    ws = await workspaces.create()

    # when: "Obrigado, resolveram tudo muito rápido!"
    result = await data(client, "SatisfactionPredict", example_variables("SatisfactionPredict"), key=ws.agent_key)

    # then
    prediction = result["satisfactionPredict"]
    probabilities = by_label(prediction["probabilities"])
    assert prediction["label"] == "SATISFIED"
    assert prediction["modelVersion"] == SHIPPED
    assert prediction["confidence"] == probabilities["SATISFIED"] == max(probabilities.values())
    assert set(probabilities) == {"SATISFIED", "NEUTRAL", "DISSATISFIED"}
    assert sum(probabilities.values()) == pytest.approx(1, abs=1e-3)


async def test_satisfaction_models_lists_the_shipped_version_as_active_with_its_metrics(client, workspaces):
    # given
    ws = await workspaces.create()

    # when
    listed = (await data(client, "SatisfactionModels", key=ws.agent_key))["satisfactionModels"]

    # then: support-v1 serves, described as its manifest in models/ says
    manifest = json.loads((DEFAULT_MODELS_DIR / SHIPPED / "manifest.json").read_text(encoding="utf-8"))
    (shipped,) = [m for m in listed if m["version"] == SHIPPED]
    assert [m["version"] for m in listed if m["active"]] == [SHIPPED]
    assert datetime.fromisoformat(shipped["createdAt"]) == datetime.fromisoformat(manifest["created_at"])
    assert shipped["trainedOn"] == manifest["training_data"]["description"]
    metrics = {m["name"]: m["value"] for m in shipped["metrics"]}
    assert metrics == pytest.approx(manifest["metrics"]["heldout_headline"])
    assert {"uar", "macro_f1"} <= set(metrics)
    assert 1 / 3 < metrics["uar"] <= 1  # better than chance over three labels


async def test_activate_is_for_admins_and_rescore_for_operators(client, workspaces, engine, clock, models):
    # given a workspace with one recorded conversation
    ws = await workspaces.create()
    pk = await workspaces.contact(ws, "María José Pérez")
    await ingest(client, "ConversationRecord", ingest_example("ConversationRecord", pk), key=operator_key(ws))

    # when
    activate = {"version": SHIPPED}  # variables.json: "a version listed by satisfactionModels"
    by_operator = (await data(client, "SatisfactionModelActivate", activate, key=operator_key(ws)))["satisfactionModelActivate"]
    by_admin = (await data(client, "SatisfactionModelActivate", activate, key=ws.admin_key))["satisfactionModelActivate"]
    rescore_by_agent = (await data(client, "SatisfactionRescore", key=ws.agent_key))["satisfactionRescore"]
    rescore = (await data(client, "SatisfactionRescore", key=operator_key(ws)))["satisfactionRescore"]

    # then
    assert (codes(by_operator), by_operator["model"]) == ([(None, "FORBIDDEN")], None)
    assert by_admin == {"model": {"version": SHIPPED, "active": True}, "userErrors": []}
    assert (codes(rescore_by_agent), rescore_by_agent["job"]) == ([(None, "FORBIDDEN")], None)
    assert rescore["userErrors"] == []
    assert {k: v for k, v in rescore["job"].items() if k != "id"} == {"status": "PENDING", "total": 1, "processed": 0}

    # and once a job runner has worked it off, polling shows it done
    await run_job(engine, clock, models, rescore["job"]["id"])
    done = await job(client, rescore["job"]["id"], key=ws.agent_key)
    assert (done["status"], done["total"], done["processed"], done["modelVersion"]) == ("COMPLETED", 1, 1, SHIPPED)
