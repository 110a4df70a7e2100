"""One rule for every way a contact is made: it needs an e-mail or a phone; a person deleted before
comes back suspended, and the answer says so."""

import pytest
from sqlalchemy import func, select

from api.ids import to_global_id
from domain import models
from domain.enums import Role
from tests.api.action_helpers import act, example, rows
from tests.graphql_client import gql


async def _contacts(engine, ws) -> int:
    found = await rows(engine, select(func.count()).select_from(models.Contact).where(models.Contact.workspace_id == ws.id))
    return found[0][0]


@pytest.mark.parametrize(("email", "phone"), [(None, None), ("", "  "), ("   ", None)])
async def test_a_contact_without_email_or_phone_is_refused_and_nothing_is_stored(client, engine, workspaces, email, phone):
    ws = await workspaces.create()
    payload = await act(client, "ContactCreate", example("ContactCreate", input__customFields=[], input__email=email, input__phone=phone),
                        key=ws.keys[Role.OPERATOR])
    assert payload["contact"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("BAD_USER_INPUT", "email")]
    assert "e-mail or a phone" in payload["userErrors"][0]["message"]
    assert await _contacts(engine, ws) == 0


async def test_an_edit_may_not_remove_the_last_address(client, engine, workspaces):
    ws = await workspaces.create()
    pk = await workspaces.contact(ws, "Ana", email="ana@example.com", phone="+5491155550101")
    cid = to_global_id("Contact", pk)

    # when the phone goes, the e-mail remains: fine
    dropped = await act(client, "ContactUpdate", {"id": cid, "input": {"phone": None}}, key=ws.keys[Role.OPERATOR])
    assert dropped["userErrors"] == [] and dropped["contact"]["phone"] is None

    # when the e-mail would go too: refused, and the contact keeps it
    refused = await act(client, "ContactUpdate", {"id": cid, "input": {"email": None}}, key=ws.keys[Role.OPERATOR])
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("BAD_USER_INPUT", "email")]
    (stored,) = await rows(engine, select(models.Contact.email).where(models.Contact.id == pk))
    assert stored == ("ana@example.com",)

    # and swapping one address for the other in one edit is fine
    swapped = await act(client, "ContactUpdate", {"id": cid, "input": {"email": None, "phone": "+54 9 11 5555-0199"}},
                        key=ws.keys[Role.OPERATOR])
    assert swapped["userErrors"] == [] and (swapped["contact"]["email"], swapped["contact"]["phone"]) == (None, "+5491155550199")


async def test_a_contact_stored_without_addresses_keeps_its_other_edits(client, engine, workspaces):
    # given a contact from before the rule (stored without any address)
    ws = await workspaces.create()
    pk = await workspaces.contact(ws, "Legacy")
    edited = await act(client, "ContactUpdate", {"id": to_global_id("Contact", pk), "input": {"name": "Legacy Person"}},
                       key=ws.keys[Role.OPERATOR])
    assert edited["userErrors"] == [] and edited["contact"]["name"] == "Legacy Person"


async def test_create_says_when_the_person_had_been_deleted(client, engine, workspaces):
    ws = await workspaces.create()
    key = ws.keys[Role.ADMIN]
    first = await act(client, "ContactCreateWithNotice", example("ContactCreate", input__customFields=[]), key=key)
    assert first["wasPreviouslyDeleted"] is False and first["contact"]["status"] == "INACTIVE"
    await act(client, "ContactDelete", {"id": first["contact"]["id"]}, key=key)

    # when the same phone comes back (another e-mail)
    again = await act(client, "ContactCreateWithNotice",
                      example("ContactCreate", input__customFields=[], input__email="other@example.com"), key=key)

    # then it is created suspended, and the answer says why
    assert again["userErrors"] == []
    assert again["wasPreviouslyDeleted"] is True
    assert (again["contact"]["status"], again["contact"]["discardReason"]) == ("DISCARDED", "SUSPENDED")

    # and someone never deleted is not flagged
    fresh = await act(client, "ContactCreateWithNotice",
                      example("ContactCreate", input__customFields=[], input__email="new@example.com", input__phone=None), key=key)
    assert fresh["wasPreviouslyDeleted"] is False and fresh["contact"]["discardReason"] is None


async def test_satisfaction_rescore_is_no_contact_origin(client, workspaces):
    ws = await workspaces.create()
    origins = await gql(client, '{ __type(name: "ContactOrigin") { enumValues { name } } }', key=ws.agent_key)
    names = {v["name"] for v in origins["data"]["__type"]["enumValues"]}
    assert "SATISFACTION_RESCORE" not in names and {"MANUAL", "IMPORT", "API"} <= names
    refused = await gql(client, "mutation($input: ContactCreateInput!) { contactCreate(input: $input) { contact { id } } }",
                        {"input": {"name": "X", "email": "x@example.com", "origin": "SATISFACTION_RESCORE"}},
                        key=ws.keys[Role.OPERATOR])
    assert refused["errors"] and refused.get("data") is None
