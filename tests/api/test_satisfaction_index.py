"""A contact's satisfaction index: the stored verdicts of its conversations in the window, averaged."""

from datetime import timedelta

import pytest

from domain.enums import SatisfactionLabel, TurnRole
from tests.api.ingest_helpers import gid
from tests.api.satisfaction_helpers import data
from tests.conftest import NOW
from tests.graphql_client import data_of, gql

WINDOWED = """query($id: ID!, $days: Int!) { contact(id: $id) {
  satisfaction(days: $days) { label confidence interactionRate modelVersion analyzedAt conversationsAnalyzed } } }"""

MILDLY_DISSATISFIED = {
    "satisfaction_label": SatisfactionLabel.DISSATISFIED, "p_satisfied": 0.25, "p_neutral": 0.35, "p_dissatisfied": 0.4,
}
VERY_SATISFIED = {
    "satisfaction_label": SatisfactionLabel.SATISFIED, "p_satisfied": 0.9, "p_neutral": 0.05, "p_dissatisfied": 0.05,
}
FURIOUS = {
    "satisfaction_label": SatisfactionLabel.DISSATISFIED, "p_satisfied": 0.01, "p_neutral": 0.04, "p_dissatisfied": 0.95,
}


def ago(days: int):
    return NOW - timedelta(days=days)


async def _contact_with_history(workspaces, ws) -> int:
    pk = await workspaces.contact(ws, "Ana")
    said = [(TurnRole.CUSTOMER, "Hola")]
    # Two mildly dissatisfied conversations and one very satisfied one in the last 90 days ...
    await workspaces.conversation(ws, pk, started_at=ago(10), turns=said, **MILDLY_DISSATISFIED,
                                  model_version="m-1", analyzed_at=ago(10))
    await workspaces.conversation(ws, pk, started_at=ago(5), turns=said, **MILDLY_DISSATISFIED,
                                  model_version="m-1", analyzed_at=ago(5))
    await workspaces.conversation(ws, pk, started_at=ago(8), turns=said, **VERY_SATISFIED,
                                  model_version="m-2", analyzed_at=ago(1))  # rescored yesterday
    # ... one where the customer never wrote (no verdict), and a furious one long ago
    await workspaces.conversation(ws, pk, started_at=ago(1), turns=[(TurnRole.AGENT, "¿Podemos ayudarte?")])
    await workspaces.conversation(ws, pk, started_at=ago(120), turns=said, **FURIOUS,
                                  model_version="m-0", analyzed_at=ago(120))
    return pk


async def test_the_index_averages_the_probabilities_of_the_conversations_in_the_window(client, workspaces):
    # given
    ws = await workspaces.create()
    pk = await _contact_with_history(workspaces, ws)

    # when
    contact = (await data(client, "ContactConversations", {"id": gid(pk)}, key=ws.agent_key))["contact"]

    # then: mean P(satisfied) = (0.25 + 0.25 + 0.9) / 3 beats mean P(dissatisfied) = (0.4 + 0.4 + 0.05) / 3,
    # although most conversations were labelled DISSATISFIED; the 120-day-old one is outside the window
    assert contact["satisfaction"] == {
        "label": "SATISFIED",
        "confidence": pytest.approx(1.4 / 3),
        "interactionRate": 0.75,  # the customer wrote in 3 of the 4 conversations in the window
        "modelVersion": "m-2",  # of the latest verdict
        "analyzedAt": ago(1).isoformat(),
        "conversationsAnalyzed": 3,
    }
    assert contact["conversations"]["totalCount"] == 5


async def test_a_shorter_window_takes_only_its_conversations(client, workspaces):
    # given
    ws = await workspaces.create()
    pk = await _contact_with_history(workspaces, ws)

    # when
    week = data_of(await gql(client, WINDOWED, {"id": gid(pk), "days": 7}, key=ws.agent_key))["contact"]
    half_year = data_of(await gql(client, WINDOWED, {"id": gid(pk), "days": 180}, key=ws.agent_key))["contact"]

    # then the last week holds one mildly dissatisfied verdict (and one conversation without)
    assert week["satisfaction"] == {
        "label": "DISSATISFIED", "confidence": 0.4, "interactionRate": 0.5, "modelVersion": "m-1",
        "analyzedAt": ago(5).isoformat(), "conversationsAnalyzed": 1,
    }
    # ... and half a year also the furious one: mean P(dissatisfied) (0.4 + 0.4 + 0.05 + 0.95) / 4 wins
    assert half_year["satisfaction"]["label"] == "DISSATISFIED"
    assert half_year["satisfaction"]["confidence"] == pytest.approx(1.8 / 4)
    assert half_year["satisfaction"]["conversationsAnalyzed"] == 4


async def test_without_a_scored_conversation_there_is_no_index(client, workspaces):
    # given one contact whose only conversation has no verdict, one whose verdict is older than the window,
    # and one without conversations
    ws = await workspaces.create()
    unscored, old, silent = [await workspaces.contact(ws, name) for name in ("Ana", "Beto", "Carla")]
    await workspaces.conversation(ws, unscored, started_at=ago(3), turns=[(TurnRole.CUSTOMER, "Hola")])
    await workspaces.conversation(ws, old, started_at=ago(120), turns=[(TurnRole.CUSTOMER, "Hola")], **FURIOUS,
                                  model_version="m-0", analyzed_at=ago(120))

    # when
    indexes = [
        (await data(client, "ContactConversations", {"id": gid(pk)}, key=ws.agent_key))["contact"]["satisfaction"]
        for pk in (unscored, old, silent)
    ]

    # then none is invented
    assert indexes == [None, None, None]
