"""The contract's read operations against the demo data: real values, no nulls where the demo has the fact."""

from datetime import UTC, datetime

import pytest
from rich.console import Console
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from api.ids import to_global_id
from domain.demo import load_demo
from domain.models import Contact, Workspace
from tests.contract.documents import document, example_variables
from tests.graphql_client import data_of, gql

# The demo's clock is the tests' clock, so "last 15 days" means the same thing to both.
DEMO_NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
async def demo(engine: AsyncEngine):
    url = engine.url.render_as_string(hide_password=False)
    workspaces = await load_demo(database_url=url, contacts=120, reset=True, seed=11, console=Console(quiet=True), now=DEMO_NOW)
    async with engine.connect() as connection:
        ws_id = (await connection.execute(select(Workspace.id).where(Workspace.slug == "demo-main"))).scalar_one()
        showcase = (
            await connection.execute(select(Contact.id).where(Contact.workspace_id == ws_id).order_by(Contact.id).limit(1))
        ).scalar_one()
    return workspaces[0], showcase


def _nulls(value, path=""):
    """Paths of every null inside a JSON value."""
    if value is None:
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _nulls(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _nulls(v, f"{path}[{i}]")]
    return []


async def test_profile_of_the_showcase_contact_has_every_fact(client, demo):
    # given the demo's fully populated showcase contact
    main, contact_pk = demo
    key = main.keys[next(iter(main.keys))]

    # when
    result = await gql(client, document("profile"), {"id": to_global_id("Contact", contact_pk)}, key=key, operation_name="ContactProfile")

    # then every field has a value, except what the demo cannot have yet: no classifier has scored
    # a conversation (satisfaction), an active contact has no discard reason, and rates of channels
    # without traffic are null by definition.
    contact = data_of(result)["contact"]
    allowed = {".discardReason", ".satisfaction", ".activity.pageInfo.endCursor"}
    unexpected = [
        p for p in _nulls(contact)
        if p not in allowed and not (".byChannel[" in p and p.endswith(".value")) and not p.endswith("Rate.value")
    ]
    assert unexpected == []
    assert contact["status"] == "NEW"
    assert contact["notes"]["totalCount"] >= 2
    assert contact["tickets"]["open"] >= 1 and contact["tickets"]["resolved"] >= 1
    assert len(contact["customFields"]) == 5 and all(f["value"] is not None for f in contact["customFields"])
    assert len(contact["activity"]["edges"]) == 10
    assert contact["messageMetrics"]["deliveryRate"]["denominator"] > 0


async def test_contacts_module_on_demo_data(client, demo):
    # given
    main, _ = demo
    key = main.keys[next(iter(main.keys))]
    variables = {**example_variables("ContactsPage"), "search": None}

    # when
    page = data_of(await gql(client, document("contacts"), variables, key=key, operation_name="ContactsPage"))
    options = data_of(await gql(client, document("contacts"), key=key, operation_name="FilterOptions"))

    # then every status occurs in the demo, and the page shows NEW/FREQUENT contacts newest first
    counts = page["contactStatusCounts"]
    assert counts["total"] == 120
    assert all(counts[s] > 0 for s in ("new", "frequent", "dormant", "expired", "inactive", "discarded"))
    nodes = [e["node"] for e in page["contacts"]["edges"]]
    assert page["contacts"]["totalCount"] == counts["new"] + counts["frequent"]
    assert {n["status"] for n in nodes} <= {"NEW", "FREQUENT"}
    activity = [n["lastActivityAt"] for n in nodes]
    assert activity == sorted(activity, reverse=True)
    for name in ("tags", "groups", "contactLists", "segments", "flows", "companies", "departments"):
        assert options[name]["totalCount"] > 0, name
    assert sum(e["node"]["contactCount"] for e in options["tags"]["edges"]) > 0
