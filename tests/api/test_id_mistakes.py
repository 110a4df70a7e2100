"""Ids a client gets wrong are BAD_USER_INPUT, never a server error: out of range, not canonical, too many.

A global id is base64url (unpadded) of "<TypeName>:<pk>"; only the exact text to_global_id makes is one.
Primary keys are 32-bit INTEGERs on PostgreSQL except in the tables declared with BigIntKey (audit
entries, message events...), so "Contact:2147483648" names nothing that can exist.
"""

import base64

import pytest
from sqlalchemy import BigInteger

from api.ids import key_limit, to_global_id
from api.schema import schema
from domain import models
from domain.enums import Role
from tests.api.action_helpers import act, codes, example, snapshot
from tests.graphql_client import data_of, gql

INT32_MAX, INT64_MAX = 2**31 - 1, 2**63 - 1


def raw_id(text: str, *, padded: bool = False) -> str:
    encoded = base64.urlsafe_b64encode(text.encode()).decode()
    return encoded if padded else encoded.rstrip("=")


def sloppy_tail(type_name: str) -> str:
    """The id of a `type_name` with the unused low bits of its last base64 character set: it decodes the same."""
    pk = next(pk for pk in (14400, 144000, 1440000) if len(f"{type_name}:{pk}") % 3 == 1)
    canonical = raw_id(f"{type_name}:{pk}")
    return canonical[:-1] + chr(ord(canonical[-1]) + 1)


def not_an_id(type_name: str) -> list[str]:
    """Texts that are not exactly an id of a `type_name`, though each decodes to something int() reads."""
    canonical = raw_id(f"{type_name}:1440")
    return [
        raw_id(f"{type_name}:{INT32_MAX + 1}"),  # a 32-bit key cannot hold it
        raw_id(f"{type_name}:{2**64}"),
        raw_id(f"{type_name}: 1440"),
        raw_id(f"{type_name}:1440 "),
        raw_id(f"{type_name}:1_440"),
        raw_id(f"{type_name}:+1440"),
        raw_id(f"{type_name}:01440"),
        raw_id(f"{type_name}:-1"),
        raw_id(f"{type_name}:0"),
        raw_id(f"{type_name}:\u0661\u0664\u0664\u0660"),  # Arabic-Indic digits: int() reads 1440
        raw_id(f"{type_name}:1440", padded=True) + "====",
        canonical[:4] + "\n" + canonical[4:],
        sloppy_tail(type_name),
        "",
        "x" * 10_000,
    ]


BAD_CONTACT_IDS = not_an_id("Contact")
BAD_TAG_IDS = not_an_id("Tag")
CONTACT_QUERY = "query($id: ID!) { contact(id: $id) { id } }"
NODE_QUERY = "query($id: ID!) { node(id: $id) { id } }"
FILTER_QUERY = "query($ids: [ID!]) { contacts(filter: {tagIds: $ids}) { totalCount } }"


def top_level_codes(result: dict) -> list[str]:
    return [e["extensions"]["code"] for e in result.get("errors") or []]


@pytest.fixture
async def ws(workspaces):
    return await workspaces.create()


@pytest.mark.parametrize(("bad", "bad_tag"), list(zip(BAD_CONTACT_IDS, BAD_TAG_IDS, strict=True)))
async def test_an_id_that_is_not_exactly_one_of_ours_is_bad_user_input_everywhere(
    client, engine, workspaces, ws, bad, bad_tag
):
    # given a contact whose real id is canonical
    contact = await workspaces.contact(ws, "Ana", email="ana@example.com")
    before = await snapshot(engine, ws.id)

    # when the id is read, resolved as a node, changed and filtered by
    read = await gql(client, CONTACT_QUERY, {"id": bad}, key=ws.agent_key)
    node = await gql(client, NODE_QUERY, {"id": bad}, key=ws.agent_key)
    filtered = await gql(client, FILTER_QUERY, {"ids": [bad_tag]}, key=ws.agent_key)
    changed = await act(client, "ContactUpdate", example("ContactUpdate", id=bad, input={"name": "Eva"}), key=ws.admin_key)

    # then each answer is a client mistake, and nothing changed
    assert top_level_codes(read) == top_level_codes(node) == top_level_codes(filtered) == ["BAD_USER_INPUT"]
    assert codes(changed) == ["BAD_USER_INPUT"] and changed["contact"] is None
    assert await snapshot(engine, ws.id) == before
    found = data_of(await gql(client, CONTACT_QUERY, {"id": to_global_id("Contact", contact)}, key=ws.agent_key))
    assert found["contact"]["id"] == to_global_id("Contact", contact)


async def test_64_bit_keys_are_ids_only_of_the_types_stored_with_them(client, ws):
    # when the largest 32-bit and 64-bit keys are asked for
    answers = {
        text: await gql(client, NODE_QUERY, {"id": raw_id(text)}, key=ws.admin_key)
        for text in (
            f"Contact:{INT32_MAX}", f"Tag:{INT32_MAX}", f"ActivityEvent:{INT64_MAX}", f"AuditTrailEntry:{INT64_MAX}",
            f"Tag:{INT32_MAX + 1}", f"ActivityEvent:{INT64_MAX + 1}", f"ContactHistoryEntry:{INT64_MAX + 1}",
        )
    }

    # then ids a table can hold find nothing (null), larger ones are refused
    nothing = {text for text, a in answers.items() if not a.get("errors") and a["data"]["node"] is None}
    refused = {text for text, a in answers.items() if top_level_codes(a) == ["BAD_USER_INPUT"]}
    assert nothing == {f"Contact:{INT32_MAX}", f"Tag:{INT32_MAX}", f"ActivityEvent:{INT64_MAX}", f"AuditTrailEntry:{INT64_MAX}"}
    assert refused == {f"Tag:{INT32_MAX + 1}", f"ActivityEvent:{INT64_MAX + 1}", f"ContactHistoryEntry:{INT64_MAX + 1}"}


# Every Node type of the schema and the table its rows live in.
NODE_TABLES = {
    "Contact": models.Contact, "Company": models.Company, "Department": models.Department, "Tag": models.Tag,
    "ContactList": models.ContactList, "Group": models.Group, "Segment": models.Segment, "Flow": models.Flow,
    "User": models.User, "Workspace": models.Workspace, "Note": models.Note, "Item": models.Item,
    "ActivityEvent": models.MessageEvent, "ContactHistoryEntry": models.AuditEntry,
    "AuditTrailEntry": models.AuditEntry, "ApiKey": models.ApiKey, "Conversation": models.Conversation,
    "Ticket": models.Ticket, "NpsResponse": models.NpsResponse, "BulkJob": models.Job, "ImportJob": models.Job,
    "SatisfactionRescoreJob": models.Job, "CustomFieldDefinition": models.CustomFieldDefinition,
}


def test_the_id_range_of_every_node_type_is_the_range_of_its_table():
    # given every type implementing Node
    node_types = {t.name for t in schema._schema.type_map.values() if "Node" in {i.name for i in getattr(t, "interfaces", ())}}

    # then each is known here, and its ids range as far as its table's key (BigIntKey: 64 bits)
    assert node_types == set(NODE_TABLES)
    for name, model in NODE_TABLES.items():
        big = isinstance(model.__table__.c.id.type, BigInteger)
        assert key_limit(name) == (INT64_MAX if big else INT32_MAX), name


async def test_more_filter_ids_than_the_limit_are_refused_naming_it(client, workspaces, ws):
    # given 40,000 tag ids: more than PostgreSQL binds in one statement
    tag = await workspaces.named(ws, models.Tag, "vip")
    many = [to_global_id("Tag", tag)] * 40_000

    # when the contacts module, the status counts and a bulk dry run filter by them
    listed = await gql(client, FILTER_QUERY, {"ids": many}, key=ws.agent_key)
    counted = await gql(
        client, "query($ids: [ID!]) { contactStatusCounts(filter: {tagIds: $ids}) { total } }", {"ids": many},
        key=ws.agent_key,
    )
    bulk = await act(
        client, "ContactsBulkAction",
        {"selection": {"filter": {"tagIds": many}}, "action": "SUSPEND", "targetId": None, "dryRun": True},
        key=ws.admin_key,
    )

    # then each is a client mistake that names the limit
    for answer in (listed, counted):
        assert top_level_codes(answer) == ["BAD_USER_INPUT"]
        assert "1,000" in answer["errors"][0]["message"]
    assert codes(bulk) == ["BAD_USER_INPUT"] and "1,000" in bulk["userErrors"][0]["message"]


@pytest.mark.parametrize(
    ("operation", "variables", "limit"),
    [
        ("ContactListAddContacts", {"contactIds": 40_000}, "1,000"),
        ("ContactAddTags", {"tagIds": 40_000}, "1,000"),
        ("ContactsBulkAction", {"selection": 40_000}, "10,000"),
    ],
)
async def test_more_ids_than_a_change_takes_are_refused_naming_the_limit(
    client, engine, workspaces, ws, operation, variables, limit
):
    # given
    contact = to_global_id("Contact", await workspaces.contact(ws, "Ana", email="ana@example.com"))
    tag = to_global_id("Tag", await workspaces.named(ws, models.Tag, "vip"))
    contact_list = to_global_id("ContactList", await workspaces.named(ws, models.ContactList, "Clientes"))
    (name, count), = variables.items()
    given = {
        "ContactListAddContacts": {"listId": contact_list, "contactIds": [contact] * count},
        "ContactAddTags": {"contactId": contact, "tagIds": [tag] * count},
        "ContactsBulkAction": {"selection": {"ids": [contact] * count}, "action": "SUSPEND", "targetId": None, "dryRun": False},
    }[operation]
    before = await snapshot(engine, ws.id)

    # when
    payload = await act(client, operation, given, key=ws.keys[Role.OPERATOR])

    # then
    assert codes(payload) == ["BAD_USER_INPUT"]
    assert limit in payload["userErrors"][0]["message"]
    assert await snapshot(engine, ws.id) == before
