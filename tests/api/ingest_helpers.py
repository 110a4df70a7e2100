"""Shared by the ingestion tests: the contract operations, run unchanged, and the profile read back."""

from typing import Any

import httpx

from api.ids import to_global_id
from domain.enums import Role
from tests.contract.documents import document, example_variables
from tests.factories import WorkspaceHandle
from tests.graphql_client import data_of, gql

INGEST = document("ingest")
PROFILE = document("profile")


def operator_key(ws: WorkspaceHandle) -> str:
    return ws.keys[Role.OPERATOR]


def gid(contact_pk: int) -> str:
    return to_global_id("Contact", contact_pk)


def event(
    message_id: str, type: str, occurred_at: str, *, contact: int | str | None = None, address: str | None = None,
    channel: str = "WHATSAPP",
) -> dict[str, Any]:
    """One event shaped like variables.json (every key present, the unused one null)."""
    contact_id = gid(contact) if isinstance(contact, int) else contact
    return {
        "messageId": message_id, "contactId": contact_id, "address": address, "channel": channel, "type": type,
        "occurredAt": occurred_at,
    }


def example(operation: str, contact_pk: int) -> dict[str, Any]:
    """variables.json's example for `operation`, with `<id>` replaced by the contact's global id."""
    variables = example_variables(operation)
    for record in variables.get("events", []):
        if record["contactId"] == "<id>":
            record["contactId"] = gid(contact_pk)
    if "input" in variables and variables["input"].get("contactId") == "<id>":
        variables["input"]["contactId"] = gid(contact_pk)
    return variables


async def ingest(client: httpx.AsyncClient, operation: str, variables: dict[str, Any], *, key: str) -> dict[str, Any]:
    """Run one ingest.graphql operation unchanged; the payload of its single mutation field."""
    data = data_of(await gql(client, INGEST, variables, key=key, operation_name=operation))
    (payload,) = data.values()
    return payload


async def record_events(client: httpx.AsyncClient, events: list[dict[str, Any]], *, key: str) -> dict[str, Any]:
    return await ingest(client, "MessageEventsRecord", {"events": events}, key=key)


async def profile(client: httpx.AsyncClient, ws: WorkspaceHandle, contact_pk: int) -> dict[str, Any]:
    """profile.graphql's ContactProfile, read with an AGENT key (reading is all an agent may do)."""
    result = await gql(client, PROFILE, {"id": gid(contact_pk)}, key=ws.agent_key, operation_name="ContactProfile")
    return data_of(result)["contact"]


def by_channel(rate: dict[str, Any]) -> dict[str, tuple[int, int]]:
    return {c["channel"]: (c["numerator"], c["denominator"]) for c in rate["byChannel"]}


def activity(c: dict) -> list[tuple[str, str, str]]:
    return [(e["node"]["channel"], e["node"]["type"], e["node"]["occurredAt"]) for e in c["activity"]["edges"]]


def last_events(c: dict) -> dict[str, dict | None]:
    return {ch["channel"]: ch["lastEvent"] for ch in c["channels"]}


