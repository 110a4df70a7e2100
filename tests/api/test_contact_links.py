"""A contact's company, department, tags, lists, assignment, subscriptions and notes, changed from its profile."""

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from api.ids import to_global_id
from domain import models
from domain.enums import Channel, Role, SubscriptionStatus
from tests.api.action_helpers import act, example, rows, snapshot
from tests.conftest import NOW
from tests.factories import WorkspaceHandle
from tests.graphql_client import data_of, gql


@dataclass
class Scene:
    ws: WorkspaceHandle
    ana: int
    beto: int

    @property
    def key(self) -> str:
        return self.ws.keys[Role.OPERATOR]


@pytest.fixture
async def scene(workspaces):
    ws = await workspaces.create()
    ana = await workspaces.contact(ws, "Ana Pérez", email="ana@example.com", phone="+5491155550101")
    beto = await workspaces.contact(ws, "Beto Ruiz", email="beto@example.com")
    return Scene(ws=ws, ana=ana, beto=beto)


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


async def _contact(engine, pk):
    (row,) = await rows(engine, select(models.Contact).where(models.Contact.id == pk))
    return row[0]


async def _audit(engine, contact_pk):
    found = await rows(engine, select(models.AuditEntry).where(models.AuditEntry.contact_id == contact_pk).order_by(models.AuditEntry.id))
    return [(r[0].action, r[0].changes) for r in found]


async def test_add_an_existing_company_and_remove_it(client, engine, scene):
    # given: a company created through the API
    query = "mutation($input: CompanyInput!) { companyCreate(input: $input) { company { id } userErrors { code } } }"
    created = data_of(await gql(client, query, {"input": {"name": "Andes SA", "domain": "andes.example"}}, key=scene.key))
    company = created["companyCreate"]["company"]["id"]
    ana = gid("Contact", scene.ana)

    # when
    linked = await act(client, "ContactSetCompany", {"contactId": ana, "companyId": company}, key=scene.key)
    cleared = await act(client, "ContactSetCompany", {"contactId": ana, "companyId": None}, key=scene.key)

    # then
    assert linked == {"contact": {"id": ana, "company": {"id": company, "name": "Andes SA"}}, "userErrors": []}
    assert cleared == {"contact": {"id": ana, "company": None}, "userErrors": []}
    assert (await _contact(engine, scene.ana)).company_id is None
    company_pk = (await rows(engine, select(models.Company.id).where(models.Company.workspace_id == scene.ws.id)))[0][0]
    assert await _audit(engine, scene.ana) == [
        ("CONTACT_COMPANY_SET", [{"field": "company_id", "old": None, "new": company_pk}]),
        ("CONTACT_COMPANY_SET", [{"field": "company_id", "old": company_pk, "new": None}]),
    ]


async def test_select_and_clear_a_department(client, engine, workspaces, scene):
    dep = await workspaces.named(scene.ws, models.Department, "Compras")
    ana = gid("Contact", scene.ana)
    selected = await act(client, "ContactSetDepartment", {"contactId": ana, "departmentId": gid("Department", dep)}, key=scene.key)
    assert selected["contact"]["department"] == {"id": gid("Department", dep), "name": "Compras"}
    assert (await _contact(engine, scene.ana)).department_id == dep
    cleared = await act(client, "ContactSetDepartment", {"contactId": ana, "departmentId": None}, key=scene.key)
    assert cleared["contact"]["department"] is None
    assert (await _contact(engine, scene.ana)).department_id is None


async def test_links_to_another_workspace_are_not_found(client, engine, workspaces, scene):
    # given
    other = await workspaces.create()
    foreign = {
        "company": gid("Company", await workspaces.named(other, models.Company, "Theirs")),
        "department": gid("Department", await workspaces.named(other, models.Department, "Theirs")),
        "tag": gid("Tag", await workspaces.named(other, models.Tag, "theirs")),
        "list": gid("ContactList", await workspaces.named(other, models.ContactList, "Theirs")),
        "contact": gid("Contact", await workspaces.contact(other, "Theirs", email="theirs@example.com")),
        "agent": gid("User", other.users[Role.AGENT]),
    }
    ana = gid("Contact", scene.ana)
    before = await snapshot(engine, scene.ws.id)

    # when
    calls = [
        ("ContactSetCompany", {"contactId": ana, "companyId": foreign["company"]}, "companyId"),
        ("ContactSetDepartment", {"contactId": ana, "departmentId": foreign["department"]}, "departmentId"),
        ("ContactAddTags", {"contactId": ana, "tagIds": [foreign["tag"]]}, "tagIds.0"),
        ("ContactAddTags", {"contactId": foreign["contact"], "tagIds": []}, "contactId"),
        ("ContactListAddContacts", {"listId": foreign["list"], "contactIds": [ana]}, "listId"),
        ("ContactAssign", {"contactId": ana, "agentId": foreign["agent"], "groupId": None}, "agentId"),
        ("NoteCreate", {"contactId": foreign["contact"], "body": "hello"}, "contactId"),
        ("ContactUnsubscribe", {"contactId": foreign["contact"], "channel": "EMAIL", "reason": None}, "contactId"),
    ]
    results = [(await act(client, op, variables, key=scene.key))["userErrors"] for op, variables, _ in calls]

    # then
    assert [[(e["code"], e["field"]) for e in errors] for errors in results] == [[("NOT_FOUND", f)] for _, _, f in calls]
    assert await snapshot(engine, scene.ws.id) == before


async def test_add_and_remove_tags(client, engine, workspaces, scene):
    # given
    vip, gold = [await workspaces.named(scene.ws, models.Tag, n) for n in ("vip", "gold")]
    ana = gid("Contact", scene.ana)

    # when
    added = await act(client, "ContactAddTags", {"contactId": ana, "tagIds": [gid("Tag", vip), gid("Tag", gold)]}, key=scene.key)
    again = await act(client, "ContactAddTags", {"contactId": ana, "tagIds": [gid("Tag", vip)]}, key=scene.key)
    removed = await act(client, "ContactRemoveTags", {"contactId": ana, "tagIds": [gid("Tag", vip)]}, key=scene.key)

    # then
    assert [t["name"] for t in added["contact"]["tags"]] == ["gold", "vip"]
    assert again["contact"]["tags"] == added["contact"]["tags"]
    assert removed["contact"]["tags"] == [{"id": gid("Tag", gold), "name": "gold"}]
    assert [t for (t,) in await rows(engine, select(models.ContactTag.tag_id).where(models.ContactTag.contact_id == scene.ana))] == [gold]
    # adding a tag the contact already carries changes nothing, so it is not in the history
    assert await _audit(engine, scene.ana) == [
        ("CONTACT_TAGS_ADDED", [{"field": "tag_ids", "added": sorted([vip, gold]), "removed": []}]),
        ("CONTACT_TAGS_REMOVED", [{"field": "tag_ids", "added": [], "removed": [vip]}]),
    ]


async def test_add_contacts_to_a_list_and_remove_them(client, engine, workspaces, scene):
    # given
    lst = await workspaces.named(scene.ws, models.ContactList, "Clientes")
    other_list = await workspaces.named(scene.ws, models.ContactList, "Antes")
    await workspaces.member(scene.ws, models.ContactListMember, scene.beto, list_id=other_list)
    both = [gid("Contact", scene.ana), gid("Contact", scene.beto)]

    # when
    added = await act(client, "ContactListAddContacts", {"listId": gid("ContactList", lst), "contactIds": both}, key=scene.key)
    removed = await act(client, "ContactListRemoveContacts", {"listId": gid("ContactList", lst), "contactIds": both[:1]}, key=scene.key)

    # then
    assert added == {"contactList": {"id": gid("ContactList", lst), "contactCount": 2}, "userErrors": []}
    assert removed == {"contactList": {"id": gid("ContactList", lst), "contactCount": 1}, "userErrors": []}
    members = await rows(engine, select(models.ContactListMember.contact_id).where(models.ContactListMember.list_id == lst))
    assert [c for (c,) in members] == [scene.beto]
    assert await _audit(engine, scene.beto) == [
        ("CONTACT_LISTS_ADDED", [{"field": "list_ids", "added": [lst], "removed": []}]),
    ]
    assert [a for a, _ in await _audit(engine, scene.ana)] == ["CONTACT_LISTS_ADDED", "CONTACT_LISTS_REMOVED"]


async def test_a_list_call_naming_one_missing_contact_adds_nobody(client, engine, workspaces, scene):
    lst = gid("ContactList", await workspaces.named(scene.ws, models.ContactList, "Clientes"))
    before = await snapshot(engine, scene.ws.id)
    ids = [gid("Contact", scene.ana), gid("Contact", 10**9)]
    payload = await act(client, "ContactListAddContacts", {"listId": lst, "contactIds": ids}, key=scene.key)
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("NOT_FOUND", "contactIds.1")]
    assert payload["contactList"] is None
    assert await snapshot(engine, scene.ws.id) == before


async def test_one_call_names_at_most_1000_contacts(client, engine, workspaces, scene):
    lst = gid("ContactList", await workspaces.named(scene.ws, models.ContactList, "Clientes"))
    ids = [gid("Contact", n) for n in range(1, 1002)]
    payload = await act(client, "ContactListAddContacts", {"listId": lst, "contactIds": ids}, key=scene.key)
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("BAD_USER_INPUT", "contactIds")]


async def test_unsubscribe_from_one_channel(client, engine, workspaces, scene):
    # given: Ana is subscribed on WhatsApp and e-mail
    await workspaces.channel(scene.ws, scene.ana, Channel.WHATSAPP, "+5491155550101")
    await workspaces.channel(scene.ws, scene.ana, Channel.EMAIL, "ana@example.com")
    ana = gid("Contact", scene.ana)
    query = """query($id: ID!) { contact(id: $id) { id channels { channel status changedAt reason changedBy { id } } } }"""

    # when
    payload = await act(client, "ContactUnsubscribe", example("ContactUnsubscribe", contactId=ana), key=scene.key)
    again = await act(client, "ContactUnsubscribe", example("ContactUnsubscribe", contactId=ana, reason="other"), key=scene.ws.admin_key)
    seen = data_of(await gql(client, query, {"id": ana}, key=scene.ws.agent_key))["contact"]

    # then: the contact stays; only WhatsApp changed, with who, when and why
    assert payload["userErrors"] == [] and again["userErrors"] == []
    operator = {"id": gid("User", scene.ws.users[Role.OPERATOR])}
    assert seen["channels"] == [
        {"channel": "EMAIL", "status": "SUBSCRIBED", "changedAt": NOW.isoformat(), "reason": None, "changedBy": None},
        {"channel": "WHATSAPP", "status": "UNSUBSCRIBED", "changedAt": NOW.isoformat(), "reason": "asked to stop", "changedBy": operator},
    ]
    assert payload["contact"]["channels"][1] == {"channel": "WHATSAPP", "status": "UNSUBSCRIBED", "changedAt": NOW.isoformat()}
    assert await _audit(engine, scene.ana) == [(
        "CONTACT_UNSUBSCRIBED",
        [{"field": "channels.WHATSAPP.status", "old": "SUBSCRIBED", "new": "UNSUBSCRIBED"},
         {"field": "channels.WHATSAPP.reason", "old": None, "new": "asked to stop"}],
    )]


async def test_unsubscribe_records_a_channel_never_used(client, engine, scene):
    # given: Ana has no subscription rows at all; Beto has no phone
    ana, beto = gid("Contact", scene.ana), gid("Contact", scene.beto)
    before = await snapshot(engine, scene.ws.id)

    # when
    sms = await act(client, "ContactUnsubscribe", {"contactId": ana, "channel": "SMS", "reason": None}, key=scene.key)
    no_phone = await act(client, "ContactUnsubscribe", {"contactId": beto, "channel": "WHATSAPP", "reason": None}, key=scene.key)

    # then
    assert sms["contact"]["channels"] == [{"channel": "SMS", "status": "UNSUBSCRIBED", "changedAt": NOW.isoformat()}]
    (sub,) = await rows(engine, select(models.ChannelSubscription).where(models.ChannelSubscription.contact_id == scene.ana))
    assert (sub[0].address, sub[0].status, sub[0].changed_by_user_id) == ("+5491155550101", SubscriptionStatus.UNSUBSCRIBED, scene.ws.users[Role.OPERATOR])
    assert [(e["code"], e["field"]) for e in no_phone["userErrors"]] == [("BAD_USER_INPUT", "channel")]
    after = await snapshot(engine, scene.ws.id)
    assert after["channel_subscription"] != before["channel_subscription"]
    assert {t: r for t, r in after.items() if t not in ("channel_subscription", "contact", "audit_entry")} == {
        t: r for t, r in before.items() if t not in ("channel_subscription", "contact", "audit_entry")
    }


async def test_note_create_stamps_author_and_time(client, engine, scene):
    ana = gid("Contact", scene.ana)
    payload = await act(client, "NoteCreate", {"contactId": ana, "body": "  Called back.\nWill buy in March.  "}, key=scene.key)
    note = payload["note"]
    assert payload["userErrors"] == []
    assert (note["body"], note["createdAt"]) == ("Called back.\nWill buy in March.", NOW.isoformat())
    assert note["author"] == {"id": gid("User", scene.ws.users[Role.OPERATOR]), "name": f"Operator of {scene.ws.name}"}
    (row,) = await rows(engine, select(models.Note).where(models.Note.contact_id == scene.ana))
    assert gid("Note", row[0].id) == note["id"]
    assert await _audit(engine, scene.ana) == [("NOTE_CREATED", [{"field": "note_id", "old": None, "new": row[0].id}])]


@pytest.mark.parametrize(("body", "accepted"), [("", False), ("   \n ", False), ("x" * 10_000, True), ("x" * 10_001, False)])
async def test_note_body_is_1_to_10000_characters(client, engine, scene, body, accepted):
    before = await snapshot(engine, scene.ws.id)
    payload = await act(client, "NoteCreate", {"contactId": gid("Contact", scene.ana), "body": body}, key=scene.key)
    if accepted:
        assert payload["userErrors"] == [] and len(payload["note"]["body"]) == 10_000
    else:
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("BAD_USER_INPUT", "body")]
        assert await snapshot(engine, scene.ws.id) == before


async def test_assign_to_an_agent_and_a_group_then_unassign(client, engine, workspaces, scene):
    # given
    group = gid("Group", await workspaces.named(scene.ws, models.Group, "Soporte"))
    agent = gid("User", scene.ws.users[Role.AGENT])
    ana = gid("Contact", scene.ana)

    # when
    assigned = await act(client, "ContactAssign", {"contactId": ana, "agentId": agent, "groupId": group}, key=scene.key)
    to_group = await act(client, "ContactAssign", {"contactId": ana, "agentId": None, "groupId": group}, key=scene.key)
    unassigned = await act(client, "ContactAssign", {"contactId": ana, "agentId": None, "groupId": None}, key=scene.key)

    # then
    assert assigned["contact"]["assignment"] == {"agent": {"id": agent}, "group": {"id": group}}
    assert to_group["contact"]["assignment"] == {"agent": None, "group": {"id": group}}
    assert unassigned["contact"]["assignment"] is None
    contact = await _contact(engine, scene.ana)
    assert (contact.assigned_agent_id, contact.assigned_group_id) == (None, None)
    assert [len(changes) for _, changes in await _audit(engine, scene.ana)] == [2, 1, 1]
