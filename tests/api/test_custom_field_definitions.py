"""Custom field definitions over the API: the contract's list, create, update and delete; values that
stored contacts hold protect a field's type and choices (CONFLICT with the number of contacts); a
required field binds new contacts, edits and imports; roles, tenancy and the audit trail."""

from collections import Counter
from typing import Any

import pytest
from sqlalchemy import func, select

from api.ids import parse_global_id
from domain import models
from domain.db import session_factory
from domain.enums import CustomFieldType, JobKind, Role
from domain.imports.handler import ImportHandler
from domain.jobs import registry
from domain.jobs.runner import JobRunner
from tests.api.access_helpers import trail
from tests.api.action_helpers import act, example, operation_text, rows
from tests.api.concurrency_helpers import AT_ONCE, outcomes_at_once
from tests.api.test_import import contacts, finish, imported, job_of, upload
from tests.graphql_client import data_of, gql

CREATE_CONTACT = """mutation($input: ContactCreateInput!) { contactCreate(input: $input) {
  contact { id customFields { key value } } userErrors { field message code } } }"""
UPDATE_CONTACT = """mutation($id: ID!, $input: ContactUpdateInput!) { contactUpdate(id: $id, input: $input) {
  contact { customFields { key value } } userErrors { field message code } } }"""
HISTORY = """query($id: ID!) { contact(id: $id) { customFields { key value }
  history(first: 20) { edges { node { action changes { field oldValue newValue } } } } } }"""


async def definitions(client, ws) -> list[dict[str, Any]]:
    return (await act(client, "CustomFieldDefinitions", {}, key=ws.agent_key))


async def create(client, ws, role: Role = Role.OPERATOR, **input: Any) -> dict[str, Any]:
    return await act(client, "CustomFieldDefinitionCreate", {"input": {**example("CustomFieldDefinitionCreate")["input"],
                                                                       **input}}, key=ws.keys[role])


async def update(client, ws, definition_id: str, role: Role = Role.OPERATOR, **input: Any) -> dict[str, Any]:
    return await act(client, "CustomFieldDefinitionUpdate", {"id": definition_id, "input": input}, key=ws.keys[role])


async def delete(client, ws, definition_id: str, role: Role = Role.ADMIN) -> dict[str, Any]:
    return await act(client, "CustomFieldDefinitionDelete", {"id": definition_id}, key=ws.keys[role])


async def new_contact(client, ws, name: str, email: str, fields: dict[str, str | None] | None = None):
    custom = [{"key": k, "value": v} for k, v in (fields or {}).items()]
    payload = data_of(await gql(client, CREATE_CONTACT, {"input": {"name": name, "email": email, "customFields": custom}},
                                key=ws.keys[Role.OPERATOR]))["contactCreate"]
    return payload


async def edit(client, ws, contact_id: str, fields: dict[str, str | None]) -> dict[str, Any]:
    custom = [{"key": k, "value": v} for k, v in fields.items()]
    return data_of(await gql(client, UPDATE_CONTACT, {"id": contact_id, "input": {"customFields": custom}},
                             key=ws.keys[Role.OPERATOR]))["contactUpdate"]


async def stored(engine, ws) -> tuple[int, int]:
    """How many definitions and values the workspace holds."""
    (defs,), = await rows(engine, select(func.count()).select_from(models.CustomFieldDefinition)
                          .where(models.CustomFieldDefinition.workspace_id == ws.id))
    (values,), = await rows(engine, select(func.count()).select_from(models.CustomFieldValue)
                            .where(models.CustomFieldValue.workspace_id == ws.id))
    return defs, values


async def test_the_contract_defines_a_choice_field_contacts_use_and_every_role_reads_it(client, workspaces):
    ws = await workspaces.create()
    assert await definitions(client, ws) == []

    payload = await create(client, ws)
    assert payload["userErrors"] == []
    field = payload["customFieldDefinition"]
    assert field == {"id": field["id"], "key": "plan", "label": "Plan contratado", "type": "CHOICE",
                     "choices": ["Básico", "Premium", "Empresa"], "required": False, "position": 0}
    second = (await create(client, ws, key="renewal", label="  Próxima   renovación ", type="DATE", choices=None))
    assert second["customFieldDefinition"]["label"] == "Próxima renovación"
    assert second["customFieldDefinition"]["position"] == 1  # after the existing field

    # the list is what AGENT reads too, in form order; node(id:) finds a definition
    assert [d["key"] for d in await definitions(client, ws)] == ["plan", "renewal"]
    node = data_of(await gql(client, "query($id: ID!) { node(id: $id) { ... on CustomFieldDefinition { key } } }",
                             {"id": field["id"]}, key=ws.agent_key))
    assert node == {"node": {"key": "plan"}}

    # a contact takes a value of it, as the profile shows
    made = await new_contact(client, ws, "Ana", "ana@example.com", {"plan": "Premium", "renewal": "2027-03-01"})
    assert made["userErrors"] == []
    assert made["contact"]["customFields"] == [{"key": "plan", "value": "Premium"}, {"key": "renewal", "value": "2027-03-01"}]
    bad = await new_contact(client, ws, "Bea", "bea@example.com", {"plan": "Oro"})
    assert bad["userErrors"][0]["code"] == "BAD_USER_INPUT" and "Premium" in bad["userErrors"][0]["message"]

    # the update adds a choice and makes the field required, as the contract's example does
    changed = await act(client, "CustomFieldDefinitionUpdate", example("CustomFieldDefinitionUpdate", id=field["id"]),
                        key=ws.keys[Role.OPERATOR])
    assert changed["userErrors"] == [] and changed["affectedContacts"] is None
    assert changed["customFieldDefinition"] | {"id": None} == {
        "id": None, "key": "plan", "label": "Plan", "type": "CHOICE", "choices": ["Básico", "Premium", "Empresa", "Gobierno"],
        "required": True, "position": 0}

    entries = await trail(client, key=ws.admin_key, actions=["CUSTOM_FIELD_CREATED", "CUSTOM_FIELD_UPDATED"])
    assert [(e["action"], e["subjectId"]) for e in entries] == [
        ("CUSTOM_FIELD_UPDATED", field["id"]), ("CUSTOM_FIELD_CREATED", second["customFieldDefinition"]["id"]),
        ("CUSTOM_FIELD_CREATED", field["id"]),
    ]
    assert {c["field"]: (c["oldValue"], c["newValue"]) for c in entries[0]["changes"]} == {
        "key": ("plan", "plan"), "label": ("Plan contratado", "Plan"),
        "choices": (["Básico", "Premium", "Empresa"], ["Básico", "Premium", "Empresa", "Gobierno"]),
        "required": (False, True),
    }


@pytest.fixture
async def crm(client, workspaces):
    """A CHOICE field three contacts hold (two Premium, one Básico) and a TEXT field one contact holds."""
    ws = await workspaces.create()
    plan = (await create(client, ws))["customFieldDefinition"]["id"]
    city = (await create(client, ws, key="city", label="Ciudad", type="TEXT", choices=None))["customFieldDefinition"]["id"]
    people = {}
    for name, value in (("Ana", "Premium"), ("Bea", "Premium"), ("Caro", "Básico")):
        made = await new_contact(client, ws, name, f"{name.lower()}@example.com", {"plan": value})
        people[name] = made["contact"]["id"]
    await edit(client, ws, people["Ana"], {"city": "Rosario"})
    return ws, {"plan": plan, "city": city}, people


async def test_a_type_change_or_a_removed_choice_that_stored_values_use_is_a_conflict_with_the_count(client, engine, crm):
    ws, ids, people = crm
    before = await definitions(client, ws)

    retype = await update(client, ws, ids["plan"], type="TEXT")
    assert retype["customFieldDefinition"] is None and retype["affectedContacts"] == 3
    assert retype["userErrors"] == [{"field": "type", "code": "CONFLICT", "message": retype["userErrors"][0]["message"]}]
    assert "3 contacts" in retype["userErrors"][0]["message"]

    # removing Premium (held by two) is refused; renaming it is a removal too
    removed = await update(client, ws, ids["plan"], choices=["Básico", "Empresa"])
    assert removed["affectedContacts"] == 2 and removed["userErrors"][0]["code"] == "CONFLICT"
    assert removed["userErrors"][0]["field"] == "choices" and "Premium" in removed["userErrors"][0]["message"]
    renamed = await update(client, ws, ids["plan"], choices=["Básico", "Premium Plus", "Empresa"])
    assert renamed["affectedContacts"] == 2
    number = await update(client, ws, ids["city"], type="NUMBER")
    assert number["affectedContacts"] == 1 and "1 contact holds" in number["userErrors"][0]["message"]

    # refused changes changed nothing and wrote no audit entry
    assert await definitions(client, ws) == before
    assert await trail(client, key=ws.admin_key, actions=["CUSTOM_FIELD_UPDATED"]) == []

    # removing an unused choice is fine; once no contact holds a value, the type may change
    assert (await update(client, ws, ids["plan"], choices=["Básico", "Premium"]))["userErrors"] == []
    assert (await edit(client, ws, people["Ana"], {"city": None}))["userErrors"] == []
    retyped = await update(client, ws, ids["city"], type="NUMBER", label="Habitantes")
    assert retyped["userErrors"] == [] and retyped["customFieldDefinition"]["type"] == "NUMBER"
    assert (await edit(client, ws, people["Bea"], {"city": "Rosario"}))["userErrors"][0]["code"] == "BAD_USER_INPUT"
    assert (await edit(client, ws, people["Bea"], {"city": "1200000"}))["userErrors"] == []
    # a CHOICE field that becomes TEXT drops its choices; a TEXT field may not take choices
    assert (await update(client, ws, ids["city"], choices=["a"]))["userErrors"][0]["field"] == "choices"


async def test_a_required_field_binds_new_contacts_and_edits_but_not_contacts_stored_before(client, engine, crm):
    ws, ids, people = crm
    assert (await update(client, ws, ids["city"], required=True))["userErrors"] == []

    missing = await new_contact(client, ws, "Dani", "dani@example.com", {"plan": "Premium"})
    assert missing["contact"] is None
    assert missing["userErrors"] == [{"field": "customFields", "code": "BAD_USER_INPUT",
                                      "message": "a new contact needs a value for the required custom field city"}]
    blank = await new_contact(client, ws, "Dani", "dani@example.com", {"city": "  "})
    assert blank["userErrors"][0]["field"] == "customFields.0.value"
    assert "Dani" not in await contacts(engine, ws)
    made = await new_contact(client, ws, "Dani", "dani@example.com", {"city": "Córdoba"})
    assert made["userErrors"] == []

    # Bea was stored before the field became required: her other edits still work, without a city
    assert (await edit(client, ws, people["Bea"], {"plan": "Básico"}))["userErrors"] == []
    # nobody may clear a required value
    cleared = await edit(client, ws, people["Ana"], {"city": "Rosario"})
    assert cleared["userErrors"] == []
    refused = await edit(client, ws, people["Ana"], {"city": ""})
    assert refused["userErrors"] == [{"field": "customFields.0.value", "code": "BAD_USER_INPUT",
                                      "message": "city is required: it cannot be left blank"}]
    shown = data_of(await gql(client, HISTORY, {"id": people["Ana"]}, key=ws.agent_key))["contact"]["customFields"]
    assert {"key": "city", "value": "Rosario"} in shown


async def test_an_import_creates_contacts_only_with_the_required_values_and_updates_without_them(
    client, engine, clock, crm
):
    ws, ids, _ = crm
    assert (await update(client, ws, ids["city"], required=True))["userErrors"] == []
    data = ("name,email,cf.city,plan\n"
            "Ana Updated,ana@example.com,,Básico\n"      # updates Ana: a blank cell keeps her city
            "Eva,eva@example.com,Mendoza,Premium\n"      # a new contact with its city
            "Fer,fer@example.com,,Premium\n")            # a new contact without one: refused
    job = await imported(client, engine, clock, ws.admin_key, data, updateExisting=True)
    assert (job["created"], job["updated"], job["failed"]) == (1, 1, 1)
    assert job["errors"] == [{"row": 4, "column": "cf.city",
                              "message": "a new contact needs a value for the required custom field city"}]
    found = await contacts(engine, ws)
    assert "Eva" in found and "Fer" not in found and "Ana Updated" in found

    # a file with no column for the required field still updates, and says why its new rows fail
    job = await imported(client, engine, clock, ws.admin_key, "name,email\nBea B,bea@example.com\nGil,gil@example.com\n",
                         updateExisting=True)
    assert (job["created"], job["updated"], job["failed"]) == (0, 1, 1)
    assert job["errors"][0]["column"] is None and "city" in job["errors"][0]["message"]


async def test_an_import_stops_when_the_fields_it_fills_change_while_it_runs(client, engine, clock, crm, monkeypatch):
    ws, ids, _ = crm
    registry.handler_for(JobKind.IMPORT)
    monkeypatch.setitem(registry._HANDLERS, JobKind.IMPORT, ImportHandler(batch_rows=1, parallel_min_rows=10**9))
    data = "name,email,cf.city\nGus,gus@example.com,Salta\nHebe,hebe@example.com,Jujuy\nIsa,isa@example.com,Tandil\n"
    payload = await upload(client, ws.admin_key, data)
    runner = JobRunner(session_factory(engine), clock)
    assert await runner.run_batch(parse_global_id(payload["job"]["id"])[1]) is False  # the first row: Gus

    # plan becomes required: the file's later rows were checked without that rule (and have no plan)
    assert (await update(client, ws, ids["plan"], required=True))["userErrors"] == []
    await finish(engine, clock, payload)

    job = await job_of(client, ws.admin_key, payload)
    failed = data_of(await gql(client, "query($id: ID!) { node(id: $id) { ... on ImportJob { status error } } }",
                               {"id": payload["job"]["id"]}, key=ws.admin_key))["node"]
    assert failed["status"] == "FAILED" and "plan" in failed["error"] and "import the rest" in failed["error"]
    assert job["created"] == 1 and sorted(n for n in await contacts(engine, ws) if n in ("Gus", "Hebe", "Isa")) == ["Gus"]


@pytest.mark.parametrize("input, field, code", [
    ({"key": "Plan"}, "key", "BAD_USER_INPUT"),
    ({"key": "1st"}, "key", "BAD_USER_INPUT"),
    ({"key": "x" * 65}, "key", "BAD_USER_INPUT"),
    ({"key": "city"}, "key", "CONFLICT"),
    ({"label": "   "}, "label", "BAD_USER_INPUT"),
    ({"label": "x" * 201}, "label", "BAD_USER_INPUT"),
    ({"type": "TEXT"}, "choices", "BAD_USER_INPUT"),  # the example's choices on a TEXT field
    ({"choices": []}, "choices", "BAD_USER_INPUT"),
    ({"choices": None}, "choices", "BAD_USER_INPUT"),
    ({"choices": ["Oro", " oro "]}, "choices.1", "BAD_USER_INPUT"),
    ({"choices": ["Oro", ""]}, "choices.1", "BAD_USER_INPUT"),
    ({"choices": [str(i) for i in range(101)]}, "choices", "BAD_USER_INPUT"),
    ({"position": -1}, "position", "BAD_USER_INPUT"),
])
async def test_a_bad_definition_is_refused_with_its_field_and_changes_nothing(client, engine, crm, input, field, code):
    ws, _, _ = crm
    before = await stored(engine, ws)
    payload = await create(client, ws, **{"key": "tier", **input})
    assert payload["customFieldDefinition"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert await stored(engine, ws) == before
    assert len(await trail(client, key=ws.admin_key, actions=["CUSTOM_FIELD_CREATED"])) == 2  # the fixture's


async def test_delete_is_admin_only_and_removes_every_value_with_a_history_entry_per_contact(client, engine, crm):
    ws, ids, people = crm
    for role in (Role.AGENT, Role.OPERATOR):
        refused = await delete(client, ws, ids["plan"], role=role)
        assert refused == {"deletedId": None, "userErrors": [refused["userErrors"][0]]}
        assert refused["userErrors"][0]["code"] == "FORBIDDEN"
    assert (await create(client, ws, role=Role.AGENT, key="tier"))["userErrors"][0]["code"] == "FORBIDDEN"
    assert (await update(client, ws, ids["plan"], role=Role.AGENT, label="x"))["userErrors"][0]["code"] == "FORBIDDEN"
    assert await stored(engine, ws) == (2, 4)

    assert await delete(client, ws, ids["plan"]) == {"deletedId": ids["plan"], "userErrors": []}
    assert await stored(engine, ws) == (1, 1)
    assert [d["key"] for d in await definitions(client, ws)] == ["city"]
    profile = data_of(await gql(client, HISTORY, {"id": people["Bea"]}, key=ws.agent_key))["contact"]
    assert profile["customFields"] == []
    latest = profile["history"]["edges"][0]["node"]
    assert latest == {"action": "CUSTOM_FIELD_DELETED",
                      "changes": [{"field": "customFields.plan", "oldValue": "Premium", "newValue": None}]}
    # the id names nothing now; a second delete is NOT_FOUND and a new field never gets the old id
    again = await delete(client, ws, ids["plan"])
    assert again["userErrors"][0]["code"] == "NOT_FOUND"
    fresh = (await create(client, ws))["customFieldDefinition"]["id"]
    assert parse_global_id(fresh)[1] > parse_global_id(ids["plan"])[1]
    entries = await trail(client, key=ws.admin_key, actions=["CUSTOM_FIELD_DELETED"])
    assert sorted(e["contactId"] for e in entries if e["contactId"]) == sorted(people.values())
    assert [e["subjectId"] for e in entries if e["contactId"] is None] == [ids["plan"]]


async def test_another_workspace_neither_sees_nor_changes_the_definitions(client, workspaces, crm):
    ws, ids, _ = crm
    other = await workspaces.create()
    assert await definitions(client, other) == []
    assert (await update(client, other, ids["plan"], label="Mine"))["userErrors"][0]["code"] == "NOT_FOUND"
    assert (await delete(client, other, ids["plan"]))["userErrors"][0]["code"] == "NOT_FOUND"
    found = data_of(await gql(client, "query($id: ID!) { node(id: $id) { id } }", {"id": ids["plan"]}, key=other.agent_key))
    assert found == {"node": None}
    # the same key is free in another workspace
    assert (await create(client, other))["userErrors"] == []
    assert [d["label"] for d in await definitions(client, ws) if d["key"] == "plan"] == ["Plan contratado"]


async def test_a_workspace_holds_at_most_a_hundred_fields(client, engine, workspaces):
    ws = await workspaces.create()
    for i in range(100):
        await workspaces.custom_field(ws, f"f{i}", CustomFieldType.TEXT)
    refused = await create(client, ws, key="one_more")
    assert refused["userErrors"][0]["code"] == "CONFLICT" and "100" in refused["userErrors"][0]["message"]
    assert (await stored(engine, ws))[0] == 100


async def test_concurrent_creates_of_one_key_give_one_field_and_conflicts(client, engine, workspaces):
    # given eight requests defining the same key at the same moment
    ws = await workspaces.create()
    variables = example("CustomFieldDefinitionCreate")
    outcomes = await outcomes_at_once(client, operation_text("CustomFieldDefinitionCreate"), variables,
                                      key=ws.keys[Role.OPERATOR], field="customFieldDefinitionCreate")

    # then one defines it, the others are CONFLICT (never a server error), and one row exists
    assert outcomes == Counter({"OK": 1, "CONFLICT": AT_ONCE - 1})
    assert (await stored(engine, ws))[0] == 1
