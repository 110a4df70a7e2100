"""Identical writes at the same moment get the answer a sequential repeat gets, never INTERNAL_SERVER_ERROR.

Every unique key a client can hit: a contact's e-mail and phone, catalogue names, users' e-mails
answer CONFLICT to all but one; idempotent records (external ids, memberships, unsubscribes) answer
every request with the one stored row.
"""

from collections import Counter

import pytest

from api.ids import to_global_id
from domain import models
from domain.enums import Role
from tests.api.action_helpers import example
from tests.api.concurrency_helpers import (
    AT_ONCE,
    at_once,
    contract_at_once,
    count,
    each_at_once,
    outcome,
    outcomes_at_once,
)
from tests.api.ingest_helpers import INGEST
from tests.api.ingest_helpers import example as ingest_example
from tests.graphql_client import data_of, gql

ONE_WINS = Counter({"OK": 1, "CONFLICT": AT_ONCE - 1})
ALL_OK = Counter({"OK": AT_ONCE})
CREATE = 'mutation($email: String) { contactCreate(input: {name: "Ana", email: $email}) { contact { id } userErrors { field message code } } }'


@pytest.fixture
async def ws(workspaces):
    return await workspaces.create()


@pytest.mark.parametrize(
    ("email", "phone"), [("dup@example.com", None), (None, "+54 9 11 5555-0101"), ("dup@example.com", "+5491155550101")]
)
async def test_concurrent_duplicate_contacts_are_one_contact_and_conflicts(client, engine, ws, email, phone):
    # given
    variables = example("ContactCreate", input__email=email, input__phone=phone, input__customFields=[])

    # when the same contact is created by many requests at once
    outcomes = await contract_at_once(client, "ContactCreate", variables, key=ws.admin_key)

    # then one creates it, the others are told it exists, as a sequential repeat is
    assert outcomes == ONE_WINS
    assert await count(engine, models.Contact, models.Contact.workspace_id == ws.id) == 1


async def test_a_conflict_lost_to_a_concurrent_writer_names_the_winner(client, engine, ws):
    # when
    answers = await at_once(lambda: gql(client, CREATE, {"email": "dup@example.com"}, key=ws.admin_key))

    # then every CONFLICT names the contact that was created, as the sequential answer does
    created = [a["data"]["contactCreate"]["contact"] for a in answers if a["data"]["contactCreate"]["contact"]]
    (winner,) = created
    for a in answers:
        for error in a["data"]["contactCreate"]["userErrors"]:
            assert (error["code"], error["field"]) == ("CONFLICT", "email")
            assert winner["id"] in error["message"]


async def test_concurrent_edits_to_one_e_mail_leave_it_to_one_contact(client, engine, workspaces, ws):
    # given several contacts
    contacts = [await workspaces.contact(ws, f"Contact {i}", email=f"c{i}@example.com") for i in range(AT_ONCE)]
    query = 'mutation($id: ID!) { contactUpdate(id: $id, input: {email: "taken@example.com"}) { contact { id } userErrors { code } } }'

    # when each is given the same e-mail at the same moment
    answers = await each_at_once(client, query, [{"id": to_global_id("Contact", c)} for c in contacts], key=ws.admin_key)

    # then one keeps it, the others are told it is taken
    assert Counter(outcome(a, "contactUpdate") for a in answers) == ONE_WINS
    holders = await count(engine, models.Contact, models.Contact.workspace_id == ws.id, models.Contact.email == "taken@example.com")
    assert holders == 1


@pytest.mark.parametrize(
    ("operation", "variables"),
    [
        ("TagCreate", {"input": {"name": "vip"}}),
        ("GroupCreate", {"input": {"name": "Soporte"}}),
        ("ContactListCreate", {"input": {"name": "Clientes"}}),
        ("DepartmentCreate", {"input": {"name": "Compras"}}),
        ("SegmentCreate", {"input": {"name": "Dormidos", "filter": {"status": ["DORMANT"]}, "search": None}}),
    ],
)
async def test_concurrent_catalogue_entries_of_one_name_are_one_entry_and_conflicts(client, ws, operation, variables):
    # when
    outcomes = await contract_at_once(client, operation, variables, key=ws.admin_key)

    # then
    assert outcomes == ONE_WINS


async def test_concurrent_companies_and_users_of_one_name_are_one_and_conflicts(client, engine, ws):
    # when
    companies = await outcomes_at_once(
        client, 'mutation { companyCreate(input: {name: "Acme"}) { company { id } userErrors { code } } }', {},
        key=ws.admin_key, field="companyCreate",
    )
    users = await outcomes_at_once(
        client, 'mutation { userCreate(input: {email: "new@example.com", name: "New", role: AGENT}) { user { id } userErrors { code } } }',
        {}, key=ws.admin_key, field="userCreate",
    )

    # then
    assert companies == users == ONE_WINS
    assert await count(engine, models.User, models.User.workspace_id == ws.id, models.User.email == "new@example.com") == 1


SPELLINGS = ["Envío gratis", "envio gratis", "ENVIO  GRATIS", "Envio Gratis", "envío gratis", "EnvÍo gratis",
             "envio gratis ", "ENVÍO GRATIS"]


@pytest.mark.parametrize(("model", "mutation"), [(models.Tag, "tagCreate"), (models.Company, "companyCreate")])
async def test_concurrent_spellings_of_one_name_are_one_entry_and_conflicts(client, engine, ws, model, mutation):
    # when differently written forms of one name (case, accents, spaces) are created at the same moment
    payload = "tag { id }" if model is models.Tag else "company { id }"
    query = f"mutation($n: String!) {{ {mutation}(input: {{name: $n}}) {{ {payload} userErrors {{ code }} }} }}"
    answers = await each_at_once(client, query, [{"n": n} for n in SPELLINGS[:AT_ONCE]], key=ws.admin_key)

    # then the database let one of them in (its unique folded name), and the others are CONFLICT
    assert Counter(outcome(a, mutation) for a in answers) == ONE_WINS
    assert await count(engine, model, model.workspace_id == ws.id) == 1


async def test_concurrent_renames_to_one_name_leave_it_to_one_tag(client, workspaces, ws):
    # given
    tags = [await workspaces.named(ws, models.Tag, f"tag {i}") for i in range(AT_ONCE)]
    query = "mutation($id: ID!) { tagUpdate(id: $id, input: {name: \"vip\"}) { tag { id } userErrors { code } } }"

    # when
    answers = await each_at_once(client, query, [{"id": to_global_id("Tag", t)} for t in tags], key=ws.admin_key)

    # then
    assert Counter(outcome(a, "tagUpdate") for a in answers) == ONE_WINS


@pytest.mark.parametrize(
    ("operation", "model"),
    [
        ("TicketRecord", models.Ticket),
        ("NpsResponseRecord", models.NpsResponse),
        ("ConversationRecord", models.Conversation),
        ("ItemInteractionRecord", models.ItemInteraction),
        ("MessageEventsRecord", models.MessageEvent),
    ],
)
async def test_concurrent_deliveries_of_one_record_store_it_once_and_all_succeed(
    client, engine, workspaces, ws, operation, model
):
    # given
    contact = await workspaces.contact(ws, "Ana", email="ana@example.com", phone="+5491155550101")
    variables = ingest_example(operation, contact)
    if operation == "TicketRecord":
        variables["input"]["openedAt"] = "2026-11-20T11:00:00Z"  # the example's is ahead of the tests' clock
    field = operation[0].lower() + operation[1:]

    # when a pipeline delivers the same record several times at once
    answers = await at_once(lambda: gql(client, INGEST, variables, key=ws.keys[Role.OPERATOR], operation_name=operation))

    # then each delivery succeeds and the record is stored once
    assert Counter(outcome(a, field) for a in answers) == ALL_OK
    stored = await count(engine, model, model.workspace_id == ws.id)
    assert stored == (len(variables["events"]) if operation == "MessageEventsRecord" else 1)
    if operation in ("TicketRecord", "ConversationRecord"):
        key = "ticket" if operation == "TicketRecord" else "conversation"
        assert len({data_of(a)[field][key]["id"] for a in answers}) == 1


@pytest.mark.parametrize(
    ("operation", "variables"),
    [
        ("ContactAddTags", {"tagIds": ["<tag>"]}),
        ("ContactUnsubscribe", {"channel": "SMS", "reason": None}),
    ],
)
async def test_concurrent_repeats_of_an_idempotent_change_all_succeed(client, workspaces, ws, operation, variables):
    # given
    contact = to_global_id("Contact", await workspaces.contact(ws, "Ana", email="ana@example.com", phone="+5491155550101"))
    tag = to_global_id("Tag", await workspaces.named(ws, models.Tag, "vip"))
    given = {"contactId": contact, **{k: [tag] if v == ["<tag>"] else v for k, v in variables.items()}}

    # when
    outcomes = await contract_at_once(client, operation, given, key=ws.admin_key)

    # then
    assert outcomes == ALL_OK
