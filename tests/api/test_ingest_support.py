"""ticketRecord, npsResponseRecord and itemInteractionRecord, run unchanged from ingest.graphql."""

import pytest

from domain.clock import FixedClock
from domain.enums import Role
from tests.api.ingest_helpers import example, ingest, operator_key, profile
from tests.contract.showcase import at
from tests.graphql_client import data_of, gql


@pytest.fixture
def clock() -> FixedClock:
    # After the contract examples' afternoon (the ticket opens at 12:06); future records are refused.
    return FixedClock(at("2026-11-20T12:30:00"))


@pytest.fixture
async def contact(workspaces):
    ws = await workspaces.create()
    return ws, await workspaces.contact(ws, "María José Pérez")


def _errors(payload: dict) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


async def test_a_ticket_opens_then_resolves_on_the_same_record(client, contact):
    # given
    ws, pk = contact
    opened = example("TicketRecord", pk)

    # when
    first = await ingest(client, "TicketRecord", opened, key=operator_key(ws))
    repeat = await ingest(client, "TicketRecord", opened, key=operator_key(ws))
    after_open = await profile(client, ws, pk)
    resolved = example("TicketRecord", pk)
    resolved["input"].update(status="RESOLVED", resolvedAt="2026-11-20T12:20:00Z")
    last = await ingest(client, "TicketRecord", resolved, key=operator_key(ws))

    # then
    assert first == repeat == {
        "ticket": {"id": first["ticket"]["id"], "status": "OPEN", "subject": "Pedido atrasado"}, "userErrors": [],
    }
    assert after_open["tickets"] == {"open": 1, "resolved": 0, "all": 1}
    assert after_open["lastActivityAt"] == "2026-11-20T12:06:00+00:00"
    assert last["ticket"] == {"id": first["ticket"]["id"], "status": "RESOLVED", "subject": "Pedido atrasado"}
    c = await profile(client, ws, pk)
    assert c["tickets"] == {"open": 0, "resolved": 1, "all": 1}
    assert c["lastActivityAt"] == "2026-11-20T12:20:00+00:00"
    node = data_of(await gql(
        client, "query($id: ID!) { node(id: $id) { ... on Ticket { status openedAt resolvedAt } } }",
        {"id": first["ticket"]["id"]}, key=ws.agent_key,
    ))["node"]
    assert node == {"status": "RESOLVED", "openedAt": "2026-11-20T12:06:00+00:00", "resolvedAt": "2026-11-20T12:20:00+00:00"}


async def test_a_resolution_without_a_time_is_dated_once(client, contact):
    # given
    ws, pk = contact
    resolved = example("TicketRecord", pk)
    resolved["input"]["status"] = "RESOLVED"
    query = "query($id: ID!) { node(id: $id) { ... on Ticket { resolvedAt } } }"

    # when
    ticket_id = (await ingest(client, "TicketRecord", resolved, key=operator_key(ws)))["ticket"]["id"]
    await ingest(client, "TicketRecord", resolved, key=operator_key(ws))

    # then: dated when it was first recorded (now), and the repeat kept that date
    node = data_of(await gql(client, query, {"id": ticket_id}, key=ws.agent_key))["node"]
    assert node == {"resolvedAt": "2026-11-20T12:30:00+00:00"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"status": "RESOLVED", "resolvedAt": "2026-11-20T12:00:00Z"}, "resolvedAt"),  # before it opened
        ({"resolvedAt": "2026-11-20T12:20:00Z"}, "resolvedAt"),  # an OPEN ticket is not resolved
        ({"subject": "   "}, "subject"),
        ({"externalId": ""}, "externalId"),
        ({"openedAt": "2026-11-21T12:00:00Z"}, "openedAt"),
    ],
)
async def test_an_invalid_ticket_is_refused(client, contact, change, field):
    ws, pk = contact
    variables = example("TicketRecord", pk)
    variables["input"].update(change)
    payload = await ingest(client, "TicketRecord", variables, key=operator_key(ws))
    assert payload["ticket"] is None
    assert _errors(payload) == [(field, "BAD_USER_INPUT")]
    assert (await profile(client, ws, pk))["tickets"]["all"] == 0


async def test_a_ticket_id_belongs_to_one_contact(client, contact, workspaces):
    ws, pk = contact
    other = await workspaces.contact(ws, "Beto Otro")
    await ingest(client, "TicketRecord", example("TicketRecord", pk), key=operator_key(ws))
    payload = await ingest(client, "TicketRecord", example("TicketRecord", other), key=operator_key(ws))
    assert _errors(payload) == [("externalId", "CONFLICT")]
    assert (await profile(client, ws, other))["tickets"]["all"] == 0


async def test_nps_answers_set_happiness_to_the_latest(client, contact):
    # given
    ws, pk = contact
    answer = example("NpsResponseRecord", pk)

    # when
    first = await ingest(client, "NpsResponseRecord", answer, key=operator_key(ws))
    repeat = await ingest(client, "NpsResponseRecord", answer, key=operator_key(ws))

    # then
    assert first == repeat == {"response": {"score": 9, "category": "PROMOTER"}, "userErrors": []}
    c = await profile(client, ws, pk)
    assert c["happiness"] == {
        "score": 9, "category": "PROMOTER", "comment": "Muito bom atendimento", "respondedAt": "2026-11-19T09:00:00+00:00",
    }
    assert c["lastActivityAt"] == "2026-11-19T09:00:00+00:00"

    # when: a newer answer, then an older one arriving late
    newer = {**answer["input"], "externalId": "nps-6", "score": 4, "comment": None, "respondedAt": "2026-11-20T10:00:00Z"}
    older = {**answer["input"], "externalId": "nps-2", "score": 10, "respondedAt": "2026-11-01T10:00:00Z"}
    assert (await ingest(client, "NpsResponseRecord", {"input": newer}, key=operator_key(ws)))["response"] == {
        "score": 4, "category": "DETRACTOR",
    }
    await ingest(client, "NpsResponseRecord", {"input": older}, key=operator_key(ws))

    # then: happiness is the latest answer by the time it was given
    c = await profile(client, ws, pk)
    assert (c["happiness"]["score"], c["happiness"]["category"]) == (4, "DETRACTOR")
    assert c["lastActivityAt"] == "2026-11-20T10:00:00+00:00"


@pytest.mark.parametrize("score", [-1, 11])
async def test_an_nps_score_outside_0_to_10_is_refused(client, contact, score):
    ws, pk = contact
    variables = example("NpsResponseRecord", pk)
    variables["input"]["score"] = score
    payload = await ingest(client, "NpsResponseRecord", variables, key=operator_key(ws))
    assert (payload["response"], _errors(payload)) == (None, [("score", "BAD_USER_INPUT")])
    assert (await profile(client, ws, pk))["happiness"] is None


def _items(c: dict) -> list[tuple[str, int, str]]:
    return [
        (e["node"]["item"]["name"], e["node"]["interactions"], e["node"]["lastInteractionAt"]) for e in c["items"]["edges"]
    ]


async def test_item_interactions_create_the_item_and_keep_the_rollup(client, contact):
    # given
    ws, pk = contact
    seen = example("ItemInteractionRecord", pk)

    # when
    first = await ingest(client, "ItemInteractionRecord", seen, key=operator_key(ws))
    repeat = await ingest(client, "ItemInteractionRecord", seen, key=operator_key(ws))

    # then
    assert (first, repeat) == ({"accepted": True, "userErrors": []}, {"accepted": False, "userErrors": []})
    c = await profile(client, ws, pk)
    assert (c["items"]["totalCount"], _items(c)) == (1, [("Zapatillas Runner", 1, "2026-11-18T18:00:00+00:00")])
    assert c["lastActivityAt"] == "2026-11-18T18:00:00+00:00"

    # when: a later interaction under a new name, then an earlier one
    later = {**seen["input"], "itemName": "Zapatillas Runner Pro", "occurredAt": "2026-11-19T08:00:00Z"}
    earlier = {**seen["input"], "itemName": None, "occurredAt": "2026-11-02T08:00:00Z"}
    for record in (later, earlier):
        assert (await ingest(client, "ItemInteractionRecord", {"input": record}, key=operator_key(ws)))["accepted"]

    # then: renamed, counted three times, the latest time kept
    c = await profile(client, ws, pk)
    assert _items(c) == [("Zapatillas Runner Pro", 3, "2026-11-19T08:00:00+00:00")]
    assert c["lastActivityAt"] == "2026-11-19T08:00:00+00:00"


OPERATIONS = ["TicketRecord", "NpsResponseRecord", "ItemInteractionRecord", "ConversationRecord"]


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.ADMIN])
@pytest.mark.parametrize("operation", OPERATIONS)
async def test_operators_and_admins_may_record(client, contact, operation, role):
    ws, pk = contact
    payload = await ingest(client, operation, example(operation, pk), key=ws.keys[role])
    assert payload["userErrors"] == []


@pytest.mark.parametrize("operation", OPERATIONS)
async def test_an_agent_may_not_record_and_nothing_is_stored(client, contact, operation):
    # given
    ws, pk = contact
    before = await profile(client, ws, pk)

    # when
    payload = await ingest(client, operation, example(operation, pk), key=ws.agent_key)

    # then
    assert _errors(payload) == [(None, "FORBIDDEN")]
    assert await profile(client, ws, pk) == before


@pytest.mark.parametrize("operation", OPERATIONS)
async def test_another_workspace_contact_is_not_found(client, contact, workspaces, operation):
    ws, _ = contact
    other = await workspaces.create()
    stranger = await workspaces.contact(other, "Beto Otro")
    before = await profile(client, other, stranger)
    payload = await ingest(client, operation, example(operation, stranger), key=operator_key(ws))
    assert _errors(payload) == [("contactId", "NOT_FOUND")]
    assert await profile(client, other, stranger) == before


@pytest.mark.parametrize("operation", OPERATIONS)
async def test_an_unreadable_contact_id_is_bad_input(client, contact, operation):
    ws, pk = contact
    variables = example(operation, pk)
    variables["input"]["contactId"] = "not-an-id"
    payload = await ingest(client, operation, variables, key=operator_key(ws))
    assert _errors(payload) == [("contactId", "BAD_USER_INPUT")]
