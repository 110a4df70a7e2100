"""Identical changes sent at the same moment change things once, and the history says so once.

An audit entry records a change that happened: a request that found the change already made (by
its twin a moment earlier) writes none, whatever the timing.
"""

from collections import Counter

import pytest
from sqlalchemy import select

from api.ids import to_global_id
from domain import models
from domain.enums import CustomFieldType, DiscardReason, Role
from tests.api.action_helpers import rows
from tests.api.concurrency_helpers import AT_ONCE, audit_actions, contract_at_once, count, outcomes_at_once

ALL_OK = Counter({"OK": AT_ONCE})


@pytest.fixture
async def ws(workspaces):
    return await workspaces.create()


@pytest.fixture
async def ana(workspaces, ws):
    return await workspaces.contact(ws, "Ana", email="ana@example.com", phone="+5491155550101")


def gid(model, pk: int) -> str:
    return to_global_id(model.__name__, pk)


async def test_concurrent_adds_to_a_list_make_one_membership_and_one_entry(client, engine, workspaces, ws, ana):
    # given
    other = await workspaces.contact(ws, "Bea", email="bea@example.com")
    clients = await workspaces.named(ws, models.ContactList, "Clientes")
    variables = {"listId": gid(models.ContactList, clients), "contactIds": [gid(models.Contact, ana), gid(models.Contact, other)]}

    # when
    added = await contract_at_once(client, "ContactListAddContacts", variables, key=ws.admin_key)

    # then each contact joined once, with one history entry each
    assert added == ALL_OK
    assert await count(engine, models.ContactListMember, models.ContactListMember.list_id == clients) == 2
    assert (await audit_actions(engine, ws.id))["CONTACT_LISTS_ADDED"] == 2

    # when they are removed at once, too
    removed = await contract_at_once(client, "ContactListRemoveContacts", variables, key=ws.admin_key)

    # then
    assert removed == ALL_OK
    assert await count(engine, models.ContactListMember, models.ContactListMember.list_id == clients) == 0
    assert (await audit_actions(engine, ws.id))["CONTACT_LISTS_REMOVED"] == 2


async def test_concurrent_tag_changes_are_audited_once(client, engine, workspaces, ws, ana):
    # given
    vip = await workspaces.named(ws, models.Tag, "vip")
    variables = {"contactId": gid(models.Contact, ana), "tagIds": [gid(models.Tag, vip)]}

    # when
    added = await contract_at_once(client, "ContactAddTags", variables, key=ws.admin_key)
    removed = await contract_at_once(client, "ContactRemoveTags", variables, key=ws.admin_key)

    # then
    assert added == removed == ALL_OK
    trail = await audit_actions(engine, ws.id)
    assert (trail["CONTACT_TAGS_ADDED"], trail["CONTACT_TAGS_REMOVED"]) == (1, 1)


@pytest.mark.parametrize(
    ("operation", "action"),
    [
        ("ContactSetCompany", "CONTACT_COMPANY_SET"),
        ("ContactSetDepartment", "CONTACT_DEPARTMENT_SET"),
        ("ContactAssign", "CONTACT_ASSIGNED"),
        ("ContactUnsubscribe", "CONTACT_UNSUBSCRIBED"),
        ("ContactSuspend", "CONTACT_SUSPENDED"),
        ("ContactUpdate", "CONTACT_UPDATED"),
        ("ContactUpdateCustomField", "CONTACT_UPDATED"),
    ],
)
async def test_concurrent_identical_changes_of_a_contact_are_audited_once(
    client, engine, workspaces, ws, ana, operation, action
):
    # given
    contact = gid(models.Contact, ana)
    company = gid(models.Company, await workspaces.named(ws, models.Company, "Acme"))
    department = gid(models.Department, await workspaces.named(ws, models.Department, "Compras"))
    group = gid(models.Group, await workspaces.named(ws, models.Group, "Soporte"))
    await workspaces.custom_field(ws, "city", CustomFieldType.TEXT)
    variables = {
        "ContactSetCompany": {"contactId": contact, "companyId": company},
        "ContactSetDepartment": {"contactId": contact, "departmentId": department},
        "ContactAssign": {"contactId": contact, "agentId": gid(models.User, ws.users[Role.AGENT]), "groupId": group},
        "ContactUnsubscribe": {"contactId": contact, "channel": "WHATSAPP", "reason": "asked to stop"},
        "ContactSuspend": {"id": contact},
        "ContactUpdate": {"id": contact, "input": {"name": "Ana María", "customFields": []}},
        "ContactUpdateCustomField": {"id": contact, "input": {"customFields": [{"key": "city", "value": "Rosario"}]}},
    }[operation]

    # when
    outcomes = await contract_at_once(client, operation.removesuffix("CustomField"), variables, key=ws.admin_key)

    # then
    assert outcomes == ALL_OK
    assert (await audit_actions(engine, ws.id))[action] == 1


async def test_concurrent_reactivations_are_audited_once(client, engine, workspaces, ws):
    # given
    suspended = await workspaces.contact(ws, "Eva", email="eva@example.com", discard_reason=DiscardReason.SUSPENDED)

    # when
    outcomes = await contract_at_once(client, "ContactReactivate", {"id": gid(models.Contact, suspended)}, key=ws.admin_key)

    # then
    assert outcomes == ALL_OK
    assert (await audit_actions(engine, ws.id))["CONTACT_REACTIVATED"] == 1


async def test_concurrent_renames_and_deletes_of_a_tag_are_audited_once(client, engine, workspaces, ws, ana):
    # given a tag one contact carries
    vip = await workspaces.named(ws, models.Tag, "vip")
    await workspaces.member(ws, models.ContactTag, ana, tag_id=vip)
    tag = gid(models.Tag, vip)

    # when it is renamed, then deleted, by many requests at once
    renamed = await contract_at_once(client, "TagUpdate", {"id": tag, "input": {"name": "VIP"}}, key=ws.admin_key)
    deleted = await contract_at_once(client, "TagDelete", {"id": tag}, key=ws.admin_key)

    # then one rename and one deletion happened, and the others found it done (or the tag gone)
    assert renamed == ALL_OK
    assert deleted == Counter({"OK": 1, "NOT_FOUND": AT_ONCE - 1})
    trail = await audit_actions(engine, ws.id)
    # TAG_DELETED: one entry for the tag, one in the history of the contact that carried it.
    assert (trail["TAG_RENAMED"], trail["TAG_DELETED"]) == (1, 2)


async def test_concurrent_key_revocations_are_audited_once(client, engine, ws):
    # given a key of the workspace
    created = await outcomes_at_once(
        client, "mutation { apiKeyCreate(input: {label: \"ci\"}) { apiKey { id } userErrors { code } } }", {},
        key=ws.admin_key, field="apiKeyCreate", n=1,
    )
    assert created == Counter({"OK": 1})
    ((pk,),) = await rows(engine, select(models.ApiKey.id).where(models.ApiKey.workspace_id == ws.id, models.ApiKey.label == "ci"))
    key_id = gid(models.ApiKey, pk)

    # when
    revoked = await outcomes_at_once(
        client, "mutation($id: ID!) { apiKeyRevoke(id: $id) { userErrors { code } } }", {"id": key_id},
        key=ws.admin_key, field="apiKeyRevoke",
    )

    # then
    assert revoked == ALL_OK
    assert (await audit_actions(engine, ws.id))["API_KEY_REVOKED"] == 1
