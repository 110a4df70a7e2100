"""The role matrix of ingestion: every operation of ingest.graphql under AGENT, OPERATOR and ADMIN.

Ingestion runs under OPERATOR or ADMIN keys. An AGENT's call answers FORBIDDEN and leaves every
row of the workspace as it was; an allowed call stores something.
"""

from datetime import UTC, datetime

import pytest

from domain.clock import FixedClock
from domain.enums import Channel, Role
from tests.api.action_helpers import snapshot
from tests.api.ingest_helpers import example, ingest

OPERATIONS = ["MessageEventsRecord", "ConversationRecord", "TicketRecord", "NpsResponseRecord", "ItemInteractionRecord"]


@pytest.fixture
def clock() -> FixedClock:
    # The contract's examples happen up to 12:06 on 2026-11-20: "now" must be after them.
    return FixedClock(datetime(2026, 11, 20, 12, 30, tzinfo=UTC))


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("operation", OPERATIONS)
async def test_role_matrix(client, engine, workspaces, operation, role):
    # given a contact the contract's example variables point at (by id, and by its phone)
    ws = await workspaces.create()
    contact = await workspaces.contact(ws, "María José Pérez", email="maria.perez@example.com", phone="+5491155550101")
    await workspaces.channel(ws, contact, Channel.SMS, "+5491155550101")
    before = await snapshot(engine, ws.id)

    # when
    payload = await ingest(client, operation, example(operation, contact), key=ws.keys[role])

    # then
    after = await snapshot(engine, ws.id)
    if role == Role.AGENT:
        assert [e["code"] for e in payload["userErrors"]] == ["FORBIDDEN"]
        assert after == before
    else:
        assert payload["userErrors"] == []
        assert after != before
