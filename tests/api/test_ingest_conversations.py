"""conversationRecord, run unchanged from ingest.graphql; conversations read back on the contact and by node."""

import pytest

from api.ids import to_global_id
from domain.clock import FixedClock
from domain.enums import SatisfactionLabel, TurnRole
from tests.api.ingest_helpers import example, gid, ingest, operator_key, profile
from tests.contract.showcase import at
from tests.graphql_client import data_of, gql
from tests.sql_counter import counted_statements

CONVERSATIONS = """query($id: ID!) { contact(id: $id) { lastActivityAt conversations(first: 5) { totalCount edges { node {
  id externalId channel startedAt lastTurnAt turnCount customerReplied
  satisfaction { label confidence probabilities { label probability } modelVersion }
  turns { role text at satisfaction { label confidence } } } } } } }"""


@pytest.fixture
def clock() -> FixedClock:
    # The contract's examples tell one afternoon (a conversation from 12:00 to 12:05, a ticket at
    # 12:06); "now" is pinned after it, since events from the future are refused.
    return FixedClock(at("2026-11-20T12:30:00"))


async def _conversations(client, ws, contact_pk: int) -> dict:
    return data_of(await gql(client, CONVERSATIONS, {"id": gid(contact_pk)}, key=ws.agent_key))["contact"]


async def test_contract_example_stores_turns_scored_by_the_serving_model(client, workspaces):
    # given
    ws = await workspaces.create()
    pk = await workspaces.contact(ws, "María José Pérez")
    variables = example("ConversationRecord", pk)

    # when
    payload = await ingest(client, "ConversationRecord", variables, key=operator_key(ws))

    # then
    assert payload["userErrors"] == []
    conversation = payload["conversation"]
    assert (conversation["channel"], conversation["startedAt"]) == ("WHATSAPP", "2026-11-20T12:00:00+00:00")
    verdict = conversation["satisfaction"]  # scored when recorded, by the shipped default model
    assert verdict["modelVersion"] == "support-v1"
    assert verdict["label"] in {"SATISFIED", "NEUTRAL", "DISSATISFIED"}
    assert 1 / 3 <= verdict["confidence"] <= 1  # the probability of the most probable of three labels
    c = await _conversations(client, ws, pk)
    assert c["lastActivityAt"] == "2026-11-20T12:05:00+00:00"
    assert c["conversations"]["totalCount"] == 1
    node = c["conversations"]["edges"][0]["node"]
    assert node["id"] == conversation["id"]
    assert (node["externalId"], node["turnCount"], node["customerReplied"]) == ("conv-981", 3, True)
    assert node["lastTurnAt"] == "2026-11-20T12:05:00+00:00"
    assert [(t["role"], t["text"], t["at"]) for t in node["turns"]] == [
        (t["role"], t["text"], t["at"].replace("Z", "+00:00")) for t in variables["input"]["turns"]
    ]
    # Customer turns carry their own verdict (the conversation up to them); agent turns none.
    assert [t["satisfaction"] is not None for t in node["turns"]] == [t["role"] == "CUSTOMER" for t in node["turns"]]
    assert (await profile(client, ws, pk))["status"] == "NEW"


async def test_the_same_conversation_again_returns_the_stored_one(client, workspaces):
    # given
    ws = await workspaces.create()
    pk = await workspaces.contact(ws, "María José Pérez")
    variables = example("ConversationRecord", pk)
    first = await ingest(client, "ConversationRecord", variables, key=operator_key(ws))
    before = await _conversations(client, ws, pk)

    # when: sent again, even with a turn more, it is the same conversation
    variables["input"]["turns"].append({"role": "AGENT", "text": "¿Sigue ahí?", "at": "2026-11-20T12:10:00Z"})
    again = await ingest(client, "ConversationRecord", variables, key=operator_key(ws))

    # then
    assert again == first
    assert await _conversations(client, ws, pk) == before


async def test_a_stored_verdict_shows_on_the_conversation(client, workspaces):
    # given: a conversation a model has scored (written as the classifier would store it)
    ws = await workspaces.create()
    pk = await workspaces.contact(ws, "Ana")
    conv = await workspaces.conversation(
        ws, pk, started_at=at("2026-11-19T10:00:00"), turns=[(TurnRole.CUSTOMER, "Todo perfecto, gracias")],
        satisfaction_label=SatisfactionLabel.SATISFIED, p_satisfied=0.8, p_neutral=0.15, p_dissatisfied=0.05,
        model_version="sat-2026.11",
    )

    # when
    node = (await _conversations(client, ws, pk))["conversations"]["edges"][0]["node"]
    by_id = data_of(
        await gql(client, "query($id: ID!) { node(id: $id) { id ... on Conversation { turnCount } } }",
                  {"id": to_global_id("Conversation", conv)}, key=ws.agent_key)
    )["node"]

    # then
    assert node["satisfaction"] == {
        "label": "SATISFIED", "confidence": 0.8, "modelVersion": "sat-2026.11",
        "probabilities": [
            {"label": "SATISFIED", "probability": 0.8},
            {"label": "NEUTRAL", "probability": 0.15},
            {"label": "DISSATISFIED", "probability": 0.05},
        ],
    }
    assert by_id == {"id": to_global_id("Conversation", conv), "turnCount": 1}


async def test_conversations_and_turns_load_in_batches(client, workspaces, engine):
    # given: two workspaces' worth of contacts with conversations, 2 and 8 contacts
    query = """{ contacts(first: 20) { edges { node { conversations(first: 3) { totalCount
      edges { node { id turns { role text } } } } } } } }"""
    counts = []
    for n in (2, 8):
        ws = await workspaces.create()
        for i in range(n):
            pk = await workspaces.contact(ws, f"Contact {i}")
            for day in (17, 18):
                await workspaces.conversation(
                    ws, pk, started_at=at(f"2026-11-{day}T10:00:00"),
                    turns=[(TurnRole.CUSTOMER, "Hola"), (TurnRole.AGENT, "Buen día")],
                )

        # when
        with counted_statements(engine) as statements:
            edges = data_of(await gql(client, query, key=ws.agent_key))["contacts"]["edges"]
        counts.append(len(statements))

        # then
        assert len(edges) == n
        assert all(len(e["node"]["conversations"]["edges"]) == 2 for e in edges)
    assert counts[0] == counts[1]


async def test_refused_and_unknown_contacts_store_nothing(client, workspaces):
    # given
    ws = await workspaces.create()
    pk = await workspaces.contact(ws, "María José Pérez")
    other = await workspaces.create()
    stranger = await workspaces.contact(other, "Beto Otro")

    # when
    as_agent = await ingest(client, "ConversationRecord", example("ConversationRecord", pk), key=ws.agent_key)
    elsewhere = await ingest(client, "ConversationRecord", example("ConversationRecord", stranger), key=operator_key(ws))
    future = example("ConversationRecord", pk)
    future["input"]["turns"][-1]["at"] = "2026-11-20T13:00:00Z"
    from_the_future = await ingest(client, "ConversationRecord", future, key=operator_key(ws))

    # then
    assert [(e["field"], e["code"]) for e in as_agent["userErrors"]] == [(None, "FORBIDDEN")]
    assert [(e["field"], e["code"]) for e in elsewhere["userErrors"]] == [("contactId", "NOT_FOUND")]
    assert [(e["field"], e["code"]) for e in from_the_future["userErrors"]] == [("turns.2.at", "BAD_USER_INPUT")]
    assert as_agent["conversation"] is elsewhere["conversation"] is from_the_future["conversation"] is None
    for owner, contact in ((ws, pk), (other, stranger)):
        c = await _conversations(client, owner, contact)
        assert (c["conversations"]["totalCount"], c["lastActivityAt"]) == (0, None)
