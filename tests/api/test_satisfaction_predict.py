"""satisfactionPredict: classify turns with the model serving the workspace, storing nothing."""

import pytest

from tests.api.action_helpers import snapshot
from tests.api.satisfaction_helpers import (
    ANGRY,
    HAPPY,
    PREDICT_TURNS,
    SHIPPED,
    agent,
    customer,
    error_codes,
    operation,
    predict,
)
from tests.graphql_client import data_of, gql


async def test_predicting_stores_nothing_and_agents_may_do_it(client, workspaces, engine):
    # given
    ws = await workspaces.create()
    await workspaces.contact(ws, "Ana")
    before = await snapshot(engine, ws.id)

    # when an AGENT (who may only read) classifies a conversation
    prediction = await predict(client, [customer(HAPPY["es"]), agent("¡Un placer!")], key=ws.agent_key)

    # then
    assert (prediction["label"], prediction["modelVersion"]) == ("SATISFIED", SHIPPED)
    assert await snapshot(engine, ws.id) == before


@pytest.mark.parametrize("language", ["es", "pt", "en"])
async def test_an_angry_customer_is_dissatisfied_and_a_happy_one_satisfied(client, workspaces, language):
    # given
    ws = await workspaces.create()

    # when
    angry = await predict(client, [customer(ANGRY[language])], key=ws.agent_key)
    happy = await predict(client, [customer(HAPPY[language])], key=ws.agent_key)

    # then
    assert angry["label"] == "DISSATISFIED"
    assert happy["label"] == "SATISFIED"
    for prediction in (angry, happy):
        probabilities = {p["label"]: p["probability"] for p in prediction["probabilities"]}
        assert prediction["confidence"] == probabilities[prediction["label"]] == max(probabilities.values())
        assert sum(probabilities.values()) == pytest.approx(1, abs=1e-3)


async def test_each_customer_turn_has_its_verdict_so_a_drop_in_satisfaction_shows(client, workspaces):
    # given a customer who starts happy and ends angry
    ws = await workspaces.create()
    turns = [
        customer(HAPPY["es"]),
        agent("¡Un placer! Por cierto, tu pedido se retrasará dos semanas más."),
        customer(ANGRY["es"]),
    ]

    # when
    prediction = data_of(await gql(client, PREDICT_TURNS, {"turns": turns}, key=ws.agent_key))["satisfactionPredict"]

    # then: one verdict per customer turn, by position, and the whole conversation ends dissatisfied
    assert [(t["index"], t["role"], t["label"]) for t in prediction["turns"]] == [
        (0, "CUSTOMER", "SATISFIED"),
        (2, "CUSTOMER", "DISSATISFIED"),
    ]
    assert prediction["label"] == "DISSATISFIED"
    assert prediction["turns"][-1]["confidence"] == prediction["confidence"]  # the last turn sees it all
    assert prediction["explanation"], "the shipped model explains its verdicts"
    assert all(t["term"].startswith(("customer: ", "agent: ", "customer earlier: ")) for t in prediction["explanation"])


@pytest.mark.parametrize(
    ("turns", "field"),
    [
        pytest.param([agent("Hola, ¿en qué puedo ayudarte?")], "turns", id="no customer turn"),
        pytest.param([], "turns", id="no turn at all"),
        pytest.param([customer("   ")], "turns.0.text", id="blank text"),
        pytest.param([customer("Hola"), agent("")], "turns.1.text", id="empty text"),
        pytest.param([customer("Hola"), agent("Buen día")] * 100 + [customer("¿Sigue ahí?")], "turns", id="201 turns"),
        pytest.param([customer("x" * 10_001)], "turns.0.text", id="text too long"),
    ],
)
async def test_input_that_cannot_be_judged_is_refused(client, workspaces, engine, turns, field):
    # given
    ws = await workspaces.create()
    before = await snapshot(engine, ws.id)

    # when
    result = await operation(client, "SatisfactionPredict", {"turns": turns}, key=ws.agent_key)

    # then
    assert result["data"] is None
    assert [(e["extensions"]["code"], e["extensions"].get("field")) for e in result["errors"]] == [("BAD_USER_INPUT", field)]
    assert await snapshot(engine, ws.id) == before


async def test_exactly_200_turns_are_accepted(client, workspaces):
    # given the most turns a prediction takes
    ws = await workspaces.create()
    turns = [customer("Hola"), agent("Buen día")] * 99 + [customer("Hola"), customer(HAPPY["es"])]

    # when
    prediction = data_of(await gql(client, PREDICT_TURNS, {"turns": turns}, key=ws.agent_key))["satisfactionPredict"]

    # then
    assert len(turns) == 200
    assert len(prediction["turns"]) == 101
    assert prediction["turns"][-1]["index"] == 199


async def test_an_unknown_role_is_refused_before_anything_runs(client, workspaces):
    # given
    ws = await workspaces.create()

    # when: as a variable of the contract's operation, and written into the query
    as_variable = await operation(
        client, "SatisfactionPredict", {"turns": [{"role": "BOT", "text": "Hola", "at": None}]}, key=ws.agent_key
    )
    inline = await gql(
        client, '{ satisfactionPredict(turns: [{role: BOT, text: "Hola"}]) { label } }', key=ws.agent_key
    )

    # then: neither request matches the schema (TurnRole is CUSTOMER or AGENT), so nothing runs
    assert as_variable.get("data") is None and inline.get("data") is None
    assert error_codes(as_variable) == ["BAD_USER_INPUT"]  # the client's variables are wrong
    assert error_codes(inline) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "BOT" in as_variable["errors"][0]["message"] and "BOT" in inline["errors"][0]["message"]


async def test_predicting_needs_a_key(client):
    # when
    result = await operation(client, "SatisfactionPredict", {"turns": [customer(HAPPY["en"])]}, key=None)

    # then
    assert result["data"] is None
    assert error_codes(result) == ["UNAUTHENTICATED"]
