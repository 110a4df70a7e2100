"""Catalogue types: companies, departments, tags, lists, groups, segments, flows, workspaces (users: api/access)."""

from datetime import datetime
from typing import Any

import strawberry

from api.access.types import User
from api.context import Info
from api.ids import to_global_id
from api.types.enums import CustomFieldType, FlowEnrolmentStatus, Role
from api.types.node import Node
from domain import models


@strawberry.type
class Company(Node):
    pk: strawberry.Private[int]
    name: str
    domain: str | None

    @classmethod
    def from_row(cls, row: models.Company) -> "Company":
        return cls(pk=row.id, id=to_global_id("Company", row.id), name=row.name, domain=row.domain)


@strawberry.type
class Department(Node):
    pk: strawberry.Private[int]
    name: str

    @classmethod
    def from_row(cls, row: models.Department) -> "Department":
        return cls(pk=row.id, id=to_global_id("Department", row.id), name=row.name)


@strawberry.type
class Tag(Node):
    pk: strawberry.Private[int]
    name: str

    @strawberry.field(description="How many contacts carry this tag.")
    def contact_count(self, info: Info) -> int:
        return info.context.loaders.contact_count_by_tag.load(self.pk)

    @classmethod
    def from_row(cls, row: models.Tag) -> "Tag":
        return cls(pk=row.id, id=to_global_id("Tag", row.id), name=row.name)


@strawberry.type
class ContactList(Node):
    pk: strawberry.Private[int]
    name: str

    @strawberry.field(description="How many contacts are on this list.")
    def contact_count(self, info: Info) -> int:
        return info.context.loaders.contact_count_by_list.load(self.pk)

    @classmethod
    def from_row(cls, row: models.ContactList) -> "ContactList":
        return cls(pk=row.id, id=to_global_id("ContactList", row.id), name=row.name)


@strawberry.type
class Group(Node):
    pk: strawberry.Private[int]
    name: str

    @strawberry.field(description="How many contacts belong to this group.")
    def contact_count(self, info: Info) -> int:
        return info.context.loaders.contact_count_by_group.load(self.pk)

    @classmethod
    def from_row(cls, row: models.Group) -> "Group":
        return cls(pk=row.id, id=to_global_id("Group", row.id), name=row.name)


@strawberry.type(description="A saved filter and search, evaluated live.")
class Segment(Node):
    pk: strawberry.Private[int]
    name: str
    search: str | None

    @strawberry.field(description="How many contacts match the segment now.")
    def contact_count(self, info: Info) -> int:
        return info.context.loaders.contact_count_by_segment.load(self.pk)

    @classmethod
    def from_row(cls, row: models.Segment) -> "Segment":
        return cls(
            pk=row.id, id=to_global_id("Segment", row.id), name=row.name, search=row.search
        )


@strawberry.type
class Flow(Node):
    pk: strawberry.Private[int]
    name: str

    @classmethod
    def from_row(cls, row: models.Flow) -> "Flow":
        return cls(pk=row.id, id=to_global_id("Flow", row.id), name=row.name)


@strawberry.type(description="A contact's enrolment in a flow (an automated journey) and where it stands.")
class FlowEnrolment:
    flow: Flow
    status: FlowEnrolmentStatus
    enrolled_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> "FlowEnrolment":
        return cls(flow=Flow(pk=row.id, id=to_global_id("Flow", row.id), name=row.name), status=row.status,
                   enrolled_at=row.enrolled_at)


@strawberry.type(description="A tenant: everything a key can see belongs to its workspace.")
class Workspace(Node):
    pk: strawberry.Private[int]
    name: str
    created_at: datetime

    @classmethod
    def from_row(cls, row: models.Workspace) -> "Workspace":
        return cls(pk=row.id, id=to_global_id("Workspace", row.id), name=row.name, created_at=row.created_at)


@strawberry.type
class Viewer:
    user: User
    workspace: Workspace
    role: Role = strawberry.field(
        description="The role this request acts with: the user's, or lower when a token's `role` claim lowers it."
    )


def maybe(mapper: Any, row: Any) -> Any:
    return None if row is None else mapper(row)


@strawberry.type(description="A contact field the workspace defines. Its `key` names it in `customFields` inputs, in "
                 "import columns (`cf.<key>` or the bare key) and in history entries (`customFields.<key>`).")
class CustomFieldDefinition(Node):
    pk: strawberry.Private[int]
    key: str
    label: str
    type: CustomFieldType
    choices: list[str] | None = strawberry.field(description="The allowed values of a CHOICE field; null for other types.")
    required: bool = strawberry.field(
        description="New contacts need a value and edits cannot clear it; contacts stored before it became "
        "required may have none."
    )
    position: int = strawberry.field(description="Where a form shows the field: ascending, then by key.")

    @classmethod
    def from_row(cls, row: models.CustomFieldDefinition) -> "CustomFieldDefinition":
        return cls(
            pk=row.id, id=to_global_id("CustomFieldDefinition", row.id), key=row.key, label=row.label, type=row.type,
            choices=list(row.choices) if row.choices else None, required=row.required, position=row.position,
        )
