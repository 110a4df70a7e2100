"""The role matrix of the profile actions: every contract mutation under AGENT, OPERATOR and ADMIN.

AGENT reads only; OPERATOR may run everything but tagDelete and departmentDelete; ADMIN everything.
A refused call answers FORBIDDEN and leaves every row of the workspace as it was; an allowed call
changes something. (Bulk actions and imports have their own matrix, next to their jobs.)
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from api.ids import to_global_id
from domain import models
from domain.enums import Channel, CustomFieldType, DiscardReason, Role
from tests.api.action_helpers import act, codes, example, snapshot
from tests.factories import WorkspaceFactory, WorkspaceHandle


@dataclass
class Scene:
    ws: WorkspaceHandle
    ids: dict[str, str]


async def _scene(f: WorkspaceFactory) -> Scene:
    """Ana (subscribed on WhatsApp, in nothing yet), Beto (tagged, listed), Sara (suspended), and the catalogue."""
    ws = await f.create()
    await f.custom_field(ws, "city", CustomFieldType.TEXT)
    await f.custom_field(ws, "plan", CustomFieldType.CHOICE, choices=["free", "gold"])
    ana = await f.contact(ws, "Ana", email="ana@example.com", phone="+5491155550909")
    beto = await f.contact(ws, "Beto", email="beto@example.com")
    sara = await f.contact(ws, "Sara", email="sara@example.com", discard_reason=DiscardReason.SUSPENDED)
    await f.channel(ws, ana, Channel.WHATSAPP, "+5491155550909")
    tag = await f.named(ws, models.Tag, "vip")
    lst = await f.named(ws, models.ContactList, "Clientes")
    await f.member(ws, models.ContactTag, beto, tag_id=tag)
    await f.member(ws, models.ContactListMember, beto, list_id=lst)
    ids = {
        "ana": to_global_id("Contact", ana), "beto": to_global_id("Contact", beto), "sara": to_global_id("Contact", sara),
        "tag": to_global_id("Tag", tag), "list": to_global_id("ContactList", lst),
        "department": to_global_id("Department", await f.named(ws, models.Department, "Compras")),
        "company": to_global_id("Company", await f.named(ws, models.Company, "Andes SA")),
        "group": to_global_id("Group", await f.named(ws, models.Group, "Soporte")),
        "agent": to_global_id("User", ws.users[Role.AGENT]),
    }
    return Scene(ws=ws, ids=ids)


# Every profile action of actions.graphql, with variables that make a real change in the scene.
VARIABLES: dict[str, Callable[[dict[str, str]], dict[str, Any]]] = {
    "ContactCreate": lambda i: example("ContactCreate"),
    "ContactUpdate": lambda i: example("ContactUpdate", id=i["ana"]),
    "ContactDelete": lambda i: {"id": i["ana"]},
    "ContactSuspend": lambda i: {"id": i["ana"]},
    "ContactReactivate": lambda i: {"id": i["sara"]},
    "ContactSetCompany": lambda i: {"contactId": i["ana"], "companyId": i["company"]},
    "DepartmentCreate": lambda i: example("DepartmentCreate", input__name="Ventas"),
    "DepartmentUpdate": lambda i: {"id": i["department"], "input": {"name": "Ventas"}},
    "DepartmentDelete": lambda i: {"id": i["department"]},
    "ContactSetDepartment": lambda i: {"contactId": i["ana"], "departmentId": i["department"]},
    "ContactListAddContacts": lambda i: {"listId": i["list"], "contactIds": [i["ana"]]},
    "ContactListRemoveContacts": lambda i: {"listId": i["list"], "contactIds": [i["beto"]]},
    "ContactUnsubscribe": lambda i: example("ContactUnsubscribe", contactId=i["ana"]),
    "TagCreate": lambda i: example("TagCreate", input__name="gold"),
    "TagUpdate": lambda i: {"id": i["tag"], "input": {"name": "gold"}},
    "TagDelete": lambda i: {"id": i["tag"]},
    "ContactAddTags": lambda i: {"contactId": i["ana"], "tagIds": [i["tag"]]},
    "ContactRemoveTags": lambda i: {"contactId": i["beto"], "tagIds": [i["tag"]]},
    "GroupCreate": lambda i: {"input": {"name": "Ventas"}},
    "ContactListCreate": lambda i: {"input": {"name": "Newsletter"}},
    "SegmentCreate": lambda i: example("SegmentCreate", input__filter={"status": ["DORMANT"], "tagIds": [i["tag"]]}),
    "NoteCreate": lambda i: {"contactId": i["ana"], "body": "Called back"},
    "ContactAssign": lambda i: {"contactId": i["ana"], "agentId": i["agent"], "groupId": i["group"]},
}
ADMIN_ONLY = {"TagDelete", "DepartmentDelete"}


def allowed(role: Role, operation: str) -> bool:
    if role == Role.AGENT:
        return False
    return role == Role.ADMIN or operation not in ADMIN_ONLY


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("operation", list(VARIABLES))
async def test_role_matrix(client, engine, workspaces, operation, role):
    # given
    scene = await _scene(workspaces)
    before = await snapshot(engine, scene.ws.id)

    # when
    payload = await act(client, operation, VARIABLES[operation](scene.ids), key=scene.ws.keys[role])

    # then
    after = await snapshot(engine, scene.ws.id)
    if allowed(role, operation):
        assert payload["userErrors"] == []
        assert after != before
    else:
        assert codes(payload) == ["FORBIDDEN"]
        assert [v for k, v in payload.items() if k != "userErrors"] == [None]
        assert after == before
