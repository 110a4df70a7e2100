"""No N+1: a page of contacts with every profile field costs the same statements for 5 or 100 rows.

The statements the server runs are counted with SQLAlchemy's `before_cursor_execute` event, only
while the request is in flight. The selection is taken from the shared contract documents, so a
field added to the contract is measured here too.
"""

from datetime import timedelta
from typing import Any

import pytest
from graphql import OperationDefinitionNode, parse, print_ast
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from domain import models
from domain.db import session_factory
from domain.enums import (
    Channel, ContactOrigin, CustomFieldType, MessageEventType as E, Role, SatisfactionLabel, SubscriptionStatus,
    TicketStatus,
)
from domain.rollups import NewMessageEvent, record_message_events
from domain.text import fold, search_text
from tests.conftest import NOW
from tests.contract.documents import document
from tests.factories import WorkspaceFactory, WorkspaceHandle
from tests.sql_counter import counted_statements
from tests.graphql_client import data_of, gql

CONTACTS = 120
H = timedelta(hours=1)


def _selection(doc: str, operation: str, *path: str) -> str:
    """The printed selection set under `path` in one operation of a contract document."""
    (op,) = [d for d in parse(document(doc)).definitions
             if isinstance(d, OperationDefinitionNode) and d.name and d.name.value == operation]
    node: Any = op
    for name in path:
        (node,) = [s for s in node.selection_set.selections if s.name.value == name]
    return print_ast(node.selection_set)


RICH_PAGE = f"""query RichPage($first: Int) {{
  contacts(first: $first) {{
    totalCount pageInfo {{ hasNextPage endCursor }}
    edges {{ cursor node {_selection("contacts", "ContactsPage", "contacts", "edges", "node")}
                    node {_selection("profile", "ContactProfile", "contact")} }}
  }}
}}"""




async def _bulk(session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    result = await session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), rows)
    return list(result.all())


async def build_rich_workspace(f: WorkspaceFactory, engine: AsyncEngine, n: int) -> WorkspaceHandle:
    """n contacts, each with rows in every table the profile reads (bulk inserts, one transaction)."""
    ws = await f.create()
    w, agent, operator = ws.id, ws.users[Role.AGENT], ws.users[Role.OPERATOR]

    def named(names: list[str]) -> list[dict[str, Any]]:
        return [{"workspace_id": w, "name": name, "created_at": NOW} for name in names]

    async with session_factory(engine)() as s, s.begin():
        companies = await _bulk(s, models.Company, named(["Acme", "Globex"]))
        departments = await _bulk(s, models.Department, named(["Compras", "IT"]))
        tags = await _bulk(s, models.Tag, named(["gold", "silver", "vip"]))
        lists = await _bulk(s, models.ContactList, named(["Clientes", "Newsletter"]))
        groups = await _bulk(s, models.Group, named(["Soporte", "Ventas"]))
        flows = await _bulk(s, models.Flow, named(["Bienvenida"]))
        fields = await _bulk(s, models.CustomFieldDefinition, [
            {"workspace_id": w, "key": "city", "label": "City", "type": CustomFieldType.TEXT, "position": 0},
            {"workspace_id": w, "key": "ltv", "label": "LTV", "type": CustomFieldType.NUMBER, "position": 1},
        ])
        items = await _bulk(
            s, models.Item, [{"workspace_id": w, "external_id": f"sku-{k}", "name": f"Item {k}"} for k in range(3)]
        )
        contacts = await _bulk(s, models.Contact, [
            {
                "workspace_id": w, "name": f"Contact {i:03d}", "name_key": fold(f"Contact {i:03d}"),
                "search_text": search_text(f"Contact {i:03d}", f"c{i}@bulk.example", f"+54911{i:08d}"),
                "email": f"c{i}@bulk.example", "phone": f"+54911{i:08d}", "origin": ContactOrigin.IMPORT,
                "contact_since": NOW - i * H, "company_id": companies[i % 2], "department_id": departments[i % 2],
                "assigned_agent_id": agent, "assigned_group_id": groups[i % 2], "language": "es",
                "last_activity_at": NOW - 240 * H, "created_at": NOW, "updated_at": NOW,
            }
            for i in range(n)
        ])
        each = list(enumerate(contacts))

        async def rows(model: Any, make: Any) -> None:
            await s.execute(insert(model), [row for i, c in each for row in make(i, c)])

        base = {"workspace_id": w, "created_at": NOW}
        await rows(models.ContactTag, lambda i, c: [{**base, "contact_id": c, "tag_id": tags[i % 3]},
                                                    {**base, "contact_id": c, "tag_id": tags[(i + 1) % 3]}])
        await rows(models.ContactListMember, lambda i, c: [{**base, "contact_id": c, "list_id": lists[i % 2]}])
        await rows(models.GroupMember, lambda i, c: [{**base, "contact_id": c, "group_id": groups[i % 2]}])
        await rows(models.FlowEnrolment, lambda i, c: [
            {"workspace_id": w, "contact_id": c, "flow_id": flows[0], "status": "ACTIVE", "enrolled_at": NOW}])
        await rows(models.CustomFieldValue, lambda i, c: [
            {"workspace_id": w, "contact_id": c, "field_id": fields[0], "value_text": f"City {i}"},
            {"workspace_id": w, "contact_id": c, "field_id": fields[1], "value_number": i * 1.5}])
        await rows(models.ChannelSubscription, lambda i, c: [
            {"workspace_id": w, "contact_id": c, "channel": ch, "address": addr, "status": SubscriptionStatus.SUBSCRIBED,
             "changed_at": NOW - 500 * H}
            for ch, addr in [(Channel.EMAIL, f"c{i}@bulk.example"), (Channel.WHATSAPP, f"+54911{i:08d}")]])
        await rows(models.Note, lambda i, c: [
            {"workspace_id": w, "contact_id": c, "author_user_id": operator, "body": f"Note {k} on {i}",
             "created_at": NOW - (300 + k) * H} for k in range(3)])
        await rows(models.NpsResponse, lambda i, c: [
            {"workspace_id": w, "contact_id": c, "external_id": f"nps-{i}", "score": i % 11, "responded_at": NOW - 240 * H}])
        await rows(models.Ticket, lambda i, c: [
            {"workspace_id": w, "contact_id": c, "external_id": f"t-{i}-{st.value}", "subject": "Help", "status": st,
             "opened_at": NOW - 400 * H, "resolved_at": NOW - 390 * H if st == TicketStatus.RESOLVED else None}
            for st in TicketStatus])
        await rows(models.ItemInteraction, lambda i, c: [
            {"workspace_id": w, "contact_id": c, "item_id": items[(i + k) % 3], "occurred_at": NOW - (100 + k) * H}
            for k in range(2)])
        await rows(models.ContactItem, lambda i, c: [
            {"workspace_id": w, "contact_id": c, "item_id": items[(i + k) % 3], "interactions": 1,
             "last_interaction_at": NOW - (100 + k) * H} for k in range(2)])
        await rows(models.Conversation, lambda i, c: [
            {"workspace_id": w, "contact_id": c, "external_id": f"conv-{i}", "channel": Channel.WHATSAPP,
             "started_at": NOW - 120 * H, "customer_replied": True, "turn_count": 2,
             "satisfaction_label": SatisfactionLabel.SATISFIED, "p_satisfied": 0.8, "p_neutral": 0.15,
             "p_dissatisfied": 0.05, "model_version": "test-1", "analyzed_at": NOW - 100 * H}])
        events = [
            NewMessageEvent(c, ch, t, f"{ch.value}-{i}", NOW - (48 + i) * H + k * timedelta(minutes=1))
            for i, c in each
            for ch, types in [(Channel.WHATSAPP, [E.SENT, E.DELIVERED, E.READ, E.REPLIED]),
                              (Channel.EMAIL, [E.SENT, E.DELIVERED, E.CLICKED])]
            for k, t in enumerate(types)
        ]
        await record_message_events(s, workspace_id=w, events=events, now=NOW)
    return ws


@pytest.fixture
async def rich_workspace(workspaces, engine):
    return await build_rich_workspace(workspaces, engine, CONTACTS)


async def _run_counted(client, engine, query: str, variables: dict, key: str) -> tuple[dict, list[str]]:
    with counted_statements(engine) as statements:
        result = await gql(client, query, variables, key=key)
    return data_of(result), statements


async def test_rich_contacts_page_costs_the_same_for_5_or_100_contacts(client, engine, rich_workspace):
    # given a warmed-up app (so nothing one-off is counted)
    key = rich_workspace.agent_key
    await gql(client, RICH_PAGE, {"first": 1}, key=key)

    # when
    small, small_statements = await _run_counted(client, engine, RICH_PAGE, {"first": 5}, key)
    large, large_statements = await _run_counted(client, engine, RICH_PAGE, {"first": 100}, key)

    # then the pages are full of real values
    for data, size in ((small, 5), (large, 100)):
        page = data["contacts"]
        assert (page["totalCount"], len(page["edges"]), page["pageInfo"]["hasNextPage"]) == (CONTACTS, size, True)
        for edge in page["edges"]:
            c = edge["node"]
            assert len(c["tags"]) == 2 and len(c["channels"]) == 2
            assert len(c["lists"]) == len(c["groups"]) == 1
            assert c["company"]["name"] in ("Acme", "Globex") and c["department"]["name"] in ("Compras", "IT")
            assert c["assignment"]["agent"]["name"].startswith("Agent of") and c["assignment"]["group"]["name"]
            assert [f["key"] for f in c["customFields"]] == ["city", "ltv"]
            assert c["notes"]["totalCount"] == 3 and c["notes"]["edges"][0]["node"]["author"]["name"]
            assert c["happiness"]["category"] and c["satisfaction"]["label"] == "SATISFIED"
            assert c["tickets"] == {"open": 1, "resolved": 1, "all": 2}
            assert c["items"]["totalCount"] == 2 and c["items"]["edges"][0]["node"]["item"]["name"]
            assert len(c["activity"]["edges"]) == 7
            assert c["messageMetrics"]["deliveryRate"]["value"] == 1.0
            assert c["messageMetrics"]["openRate"]["numerator"] == 1
            assert {ch["lastEvent"]["type"] for ch in c["channels"]} == {"REPLIED", "CLICKED"}
            assert c["status"] == "NEW"

    # and the database was asked the same number of statements, whatever the page size
    assert len(small_statements) == len(large_statements), (len(small_statements), len(large_statements))


async def _filter_options_workspace(f: WorkspaceFactory, engine: AsyncEngine, k: int) -> WorkspaceHandle:
    """A workspace with k tags, lists, groups, segments, flows, companies and departments."""
    ws = await f.create()
    w = ws.id
    async with session_factory(engine)() as s, s.begin():
        contacts = await _bulk(s, models.Contact, [
            {"workspace_id": w, "name": f"P {i}", "name_key": f"p {i}", "search_text": f"p {i}",
             "origin": ContactOrigin.API, "contact_since": NOW, "last_activity_at": NOW - i * 240 * H,
             "created_at": NOW, "updated_at": NOW} for i in range(10)
        ])
        entities = {}
        for model in (models.Tag, models.ContactList, models.Group, models.Flow, models.Company, models.Department):
            entities[model] = await _bulk(s, model, [{"workspace_id": w, "name": f"{model.__name__} {j:02d}",
                                                      "created_at": NOW} for j in range(k)])
        for model, link, column in [(models.Tag, models.ContactTag, "tag_id"),
                                    (models.ContactList, models.ContactListMember, "list_id"),
                                    (models.Group, models.GroupMember, "group_id")]:
            await s.execute(insert(link), [{"workspace_id": w, "contact_id": c, column: e, "created_at": NOW}
                                           for j, e in enumerate(entities[model]) for c in contacts[: j % 10 + 1]])
        await s.execute(insert(models.Segment), [
            {"workspace_id": w, "name": f"Segment {j:02d}", "created_at": NOW, "search": "p" if j % 2 else None,
             "filter": {"tagIds": [entities[models.Tag][j]], "status": ["NEW"] if j % 3 else []}}
            for j in range(k)
        ])
    return ws


async def test_filter_options_cost_does_not_grow_with_the_catalogue(client, engine, workspaces):
    # given two workspaces: 3 and 30 of each kind of picker entry
    small = await _filter_options_workspace(workspaces, engine, 3)
    large = await _filter_options_workspace(workspaces, engine, 30)
    query = document("contacts")
    await gql(client, query, key=small.agent_key, operation_name="FilterOptions")  # warm-up, not counted
    await gql(client, "{ viewer { user { id } } }", key=large.agent_key)  # the key's one-off lookup, not counted

    # when
    counted = {}
    for ws, k in ((small, 3), (large, 30)):
        with counted_statements(engine) as statements:
            data = data_of(await gql(client, query, key=ws.agent_key, operation_name="FilterOptions"))
        counted[k] = len(statements)

        # then every picker lists its k entries with their live counts
        for picker in ("tags", "groups", "contactLists", "segments", "flows", "companies", "departments"):
            assert data[picker]["totalCount"] == len(data[picker]["edges"]) == k
        assert [e["node"]["contactCount"] for e in data["tags"]["edges"]] == [j % 10 + 1 for j in range(k)]
        segment_sizes = [e["node"]["contactCount"] for e in data["segments"]["edges"]]
        assert segment_sizes == [(j % 10 + 1) if j % 3 == 0 else min(j % 10 + 1, 2) for j in range(k)]

    assert counted[3] == counted[30], counted


async def test_contract_profile_reads_in_two_statements(client, engine, rich_workspace):
    # given a warmed-up app and key (the key's lookup and last-use stamp are not the profile's cost)
    key = rich_workspace.agent_key
    profile = document("profile")
    contact = (await gql(client, RICH_PAGE, {"first": 1}, key=key))["data"]["contacts"]["edges"][0]["node"]
    await gql(client, profile, {"id": contact["id"]}, key=key, operation_name="ContactProfile")

    # when the contract's profile, every field, is asked for
    with counted_statements(engine) as statements:
        data = data_of(await gql(client, profile, {"id": contact["id"]}, key=key, operation_name="ContactProfile"))

    # then it is all there: the contact's row, then every part of it (company to activity) in one statement
    c = data["contact"]
    assert c["company"]["name"] and c["assignment"]["agent"]["name"] and len(c["tags"]) == 2
    assert c["notes"]["edges"][0]["node"]["author"]["name"] and len(c["activity"]["edges"]) == 7
    assert len(statements) == 2, statements
