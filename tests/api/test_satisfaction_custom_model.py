"""A custom model named by an import spec (SATISFACTION_MODEL=package.module:factory) serves like a shipped one."""

import pytest_asyncio

from ml.registry import DEFAULT_MODELS_DIR
from tests.api.ingest_helpers import gid
from tests.api.keyword_model import VERSION
from tests.api.satisfaction_helpers import (
    PREDICT_TURNS,
    SHIPPED,
    activate,
    active_versions,
    agent,
    app_client,
    customer,
    data,
    listed,
    predicted_version,
    record,
    server,
)
from tests.graphql_client import data_of, gql

SPEC = "tests.api.keyword_model:build"


@pytest_asyncio.fixture
async def custom_client(engine, clock):
    """A server whose SATISFACTION_MODEL is the keyword model; models/ holds the shipped version."""
    async with app_client(engine, clock, server(DEFAULT_MODELS_DIR, default_spec=SPEC)) as http:
        yield http


async def test_recorded_conversations_carry_the_custom_model_verdicts(custom_client, workspaces):
    # given
    ws = await workspaces.create()
    pk = await workspaces.contact(ws, "Ana")

    # when a conversation that turns sour is recorded
    recorded = await record(
        custom_client, ws, pk, "conv-1",
        [customer("Hola, mi pedido no llegó"), agent("Lo reviso"), customer("Pésimo servicio, cancelo todo")],
    )

    # then it is scored by keywords-1, with its own probabilities, unexplained
    assert recorded["satisfaction"] == {"label": "DISSATISFIED", "confidence": 0.7, "modelVersion": VERSION}
    contact = (await data(custom_client, "ContactConversations", {"id": gid(pk)}, key=ws.agent_key))["contact"]
    node = contact["conversations"]["edges"][0]["node"]
    assert node["satisfaction"] == {
        "label": "DISSATISFIED", "confidence": 0.7, "modelVersion": VERSION, "explanation": None,
        "probabilities": [
            {"label": "SATISFIED", "probability": 0.1},
            {"label": "NEUTRAL", "probability": 0.2},
            {"label": "DISSATISFIED", "probability": 0.7},
        ],
    }
    assert [t["satisfaction"] for t in node["turns"]] == [
        {"label": "NEUTRAL", "confidence": 0.5}, None, {"label": "DISSATISFIED", "confidence": 0.7},
    ]
    assert contact["satisfaction"]["label"] == "DISSATISFIED"
    assert (contact["satisfaction"]["modelVersion"], contact["satisfaction"]["conversationsAnalyzed"]) == (VERSION, 1)


async def test_predictions_come_from_the_custom_model(custom_client, workspaces):
    # given
    ws = await workspaces.create()
    turns = [customer("Hola"), agent("Buen día"), customer("Perfecto, muchas gracias")]

    # when
    prediction = data_of(await gql(custom_client, PREDICT_TURNS, {"turns": turns}, key=ws.agent_key))["satisfactionPredict"]

    # then
    assert prediction == {
        "label": "SATISFIED", "confidence": 0.8, "modelVersion": VERSION, "explanation": None,
        "turns": [
            {"index": 0, "role": "CUSTOMER", "label": "NEUTRAL", "confidence": 0.5},
            {"index": 2, "role": "CUSTOMER", "label": "SATISFIED", "confidence": 0.8},
        ],
    }


async def test_the_custom_model_is_listed_first_as_active_without_metrics(custom_client, workspaces):
    # given
    ws = await workspaces.create()

    # when
    listing = await listed(custom_client, key=ws.agent_key)

    # then
    assert listing[0] == {"version": VERSION, "active": True, "createdAt": None, "trainedOn": None, "metrics": []}
    assert [(m["version"], m["active"]) for m in listing[1:]] == [(SHIPPED, False)]


async def test_an_admin_may_switch_from_the_custom_model_to_a_version_in_models(custom_client, workspaces):
    # given
    ws = await workspaces.create()

    # when
    payload = await activate(custom_client, SHIPPED, key=ws.admin_key)

    # then
    assert payload == {"model": {"version": SHIPPED, "active": True}, "userErrors": []}
    assert await predicted_version(custom_client, key=ws.agent_key) == SHIPPED
    assert active_versions(await listed(custom_client, key=ws.agent_key)) == [SHIPPED]
