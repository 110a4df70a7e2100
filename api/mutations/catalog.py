"""Catalogue actions: create, rename and delete departments and tags; create companies, groups, lists, segments."""

from typing import Any

import strawberry

from api.context import Info
from api.ids import parse_typed_id
from api.mutations.common import UserError, attempt
from api.types.catalog import Company, ContactList, Department, Group, Segment, Tag
from api.types.inputs import ContactFilter, to_query
from domain import models
from domain.services import catalog_edit, segments


@strawberry.input(description="Names are trimmed, and unique in the workspace ignoring case.")
class DepartmentInput:
    name: str


@strawberry.input(description="Names are trimmed, at most 200 characters, and unique in the workspace ignoring case.")
class TagInput:
    name: str


@strawberry.input
class GroupInput:
    name: str


@strawberry.input
class ContactListInput:
    name: str


@strawberry.input
class CompanyInput:
    name: str
    domain: str | None = strawberry.field(default=None, description="The company's web domain, e.g. example.com.")


@strawberry.input(description="A saved filter and search; every id in the filter must exist in the workspace.")
class SegmentInput:
    name: str
    filter: ContactFilter | None = None
    search: str | None = None


@strawberry.type
class DepartmentPayload:
    department: Department | None
    user_errors: list[UserError]


@strawberry.type
class DepartmentDeletePayload:
    deleted_department_id: strawberry.ID | None
    user_errors: list[UserError]


@strawberry.type
class TagPayload:
    tag: Tag | None
    user_errors: list[UserError]


@strawberry.type
class TagDeletePayload:
    deleted_tag_id: strawberry.ID | None
    user_errors: list[UserError]


@strawberry.type
class CompanyPayload:
    company: Company | None
    user_errors: list[UserError]


@strawberry.type
class GroupPayload:
    group: Group | None
    user_errors: list[UserError]


@strawberry.type
class ContactListPayload:
    contact_list: ContactList | None
    user_errors: list[UserError]


@strawberry.type
class SegmentPayload:
    segment: Segment | None
    user_errors: list[UserError]


@strawberry.type(description="The deleted entity's id; null when nothing was deleted (see userErrors).")
class CatalogDeletePayload:
    deleted_id: strawberry.ID | None
    user_errors: list[UserError]


def _mapped(mapper: Any, row: Any) -> Any:
    return None if row is None else mapper(row)


async def _create(info: Info, model: Any, name: str) -> tuple[Any, list[UserError]]:
    ctx = info.context

    async def run():  # type: ignore[no-untyped-def]
        return await catalog_edit.create_named(session=ctx.session, principal=ctx.caller, model=model, name=name, now=ctx.now)

    return await attempt(info, run)


async def _rename(info: Info, model: Any, id: strawberry.ID, name: str) -> tuple[Any, list[UserError]]:
    ctx = info.context

    async def run():  # type: ignore[no-untyped-def]
        return await catalog_edit.rename(
            session=ctx.session, principal=ctx.caller, model=model, entity_id=parse_typed_id(id, model.__name__),
            name=name, now=ctx.now,
        )

    return await attempt(info, run)


async def _delete(info: Info, model: Any, id: strawberry.ID) -> CatalogDeletePayload:
    ctx = info.context

    async def run():  # type: ignore[no-untyped-def]
        pk = parse_typed_id(id, model.__name__)
        if model is models.Segment:
            return await segments.delete_segment(session=ctx.session, principal=ctx.caller, segment_id=pk, now=ctx.now)
        return await catalog_edit.delete_named(session=ctx.session, principal=ctx.caller, model=model, entity_id=pk, now=ctx.now)

    deleted, errors = await attempt(info, run)
    return CatalogDeletePayload(deleted_id=id if deleted is not None else None, user_errors=errors)


@strawberry.type
class CatalogMutations:
    @strawberry.mutation
    async def department_create(self, info: Info, input: DepartmentInput) -> DepartmentPayload:
        row, errors = await _create(info, models.Department, input.name)
        return DepartmentPayload(department=_mapped(Department.from_row, row), user_errors=errors)

    @strawberry.mutation(description="Rename a department.")
    async def department_update(self, info: Info, id: strawberry.ID, input: DepartmentInput) -> DepartmentPayload:
        row, errors = await _rename(info, models.Department, id, input.name)
        return DepartmentPayload(department=_mapped(Department.from_row, row), user_errors=errors)

    @strawberry.mutation(description="ADMIN only. Its contacts stay, with no department.")
    async def department_delete(self, info: Info, id: strawberry.ID) -> DepartmentDeletePayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            return await catalog_edit.delete_department(
                session=ctx.session, principal=ctx.caller, department_id=parse_typed_id(id, "Department"), now=ctx.now
            )

        deleted, errors = await attempt(info, run)
        return DepartmentDeletePayload(deleted_department_id=id if deleted is not None else None, user_errors=errors)

    @strawberry.mutation(description="A company contacts can be linked to with contactSetCompany.")
    async def company_create(self, info: Info, input: CompanyInput) -> CompanyPayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            return await catalog_edit.create_company(
                session=ctx.session, principal=ctx.caller, name=input.name, domain=input.domain, now=ctx.now
            )

        row, errors = await attempt(info, run)
        return CompanyPayload(company=_mapped(Company.from_row, row), user_errors=errors)

    @strawberry.mutation
    async def tag_create(self, info: Info, input: TagInput) -> TagPayload:
        row, errors = await _create(info, models.Tag, input.name)
        return TagPayload(tag=_mapped(Tag.from_row, row), user_errors=errors)

    @strawberry.mutation(description="Rename a tag.")
    async def tag_update(self, info: Info, id: strawberry.ID, input: TagInput) -> TagPayload:
        row, errors = await _rename(info, models.Tag, id, input.name)
        return TagPayload(tag=_mapped(Tag.from_row, row), user_errors=errors)

    @strawberry.mutation(description="ADMIN only. The tag is taken off every contact that carried it.")
    async def tag_delete(self, info: Info, id: strawberry.ID) -> TagDeletePayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            return await catalog_edit.delete_tag(
                session=ctx.session, principal=ctx.caller, tag_id=parse_typed_id(id, "Tag"), now=ctx.now
            )

        deleted, errors = await attempt(info, run)
        return TagDeletePayload(deleted_tag_id=id if deleted is not None else None, user_errors=errors)

    @strawberry.mutation
    async def group_create(self, info: Info, input: GroupInput) -> GroupPayload:
        row, errors = await _create(info, models.Group, input.name)
        return GroupPayload(group=_mapped(Group.from_row, row), user_errors=errors)

    @strawberry.mutation
    async def contact_list_create(self, info: Info, input: ContactListInput) -> ContactListPayload:
        row, errors = await _create(info, models.ContactList, input.name)
        return ContactListPayload(contact_list=_mapped(ContactList.from_row, row), user_errors=errors)

    @strawberry.mutation(description="Rename a group.")
    async def group_update(self, info: Info, id: strawberry.ID, input: GroupInput) -> GroupPayload:
        row, errors = await _rename(info, models.Group, id, input.name)
        return GroupPayload(group=_mapped(Group.from_row, row), user_errors=errors)

    @strawberry.mutation(description="Delete a group: its contacts leave it (and lose it as their assigned group), "
                         "each with a history entry. OPERATOR and ADMIN.")
    async def group_delete(self, info: Info, id: strawberry.ID) -> CatalogDeletePayload:
        return await _delete(info, models.Group, id)

    @strawberry.mutation(description="Rename a contact list.")
    async def contact_list_update(self, info: Info, id: strawberry.ID, input: ContactListInput) -> ContactListPayload:
        row, errors = await _rename(info, models.ContactList, id, input.name)
        return ContactListPayload(contact_list=_mapped(ContactList.from_row, row), user_errors=errors)

    @strawberry.mutation(description="Delete a contact list: its contacts leave it, each with a history entry. "
                         "OPERATOR and ADMIN.")
    async def contact_list_delete(self, info: Info, id: strawberry.ID) -> CatalogDeletePayload:
        return await _delete(info, models.ContactList, id)

    @strawberry.mutation(description="Rename a company and set its domain (null clears it).")
    async def company_update(self, info: Info, id: strawberry.ID, input: CompanyInput) -> CompanyPayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            return await catalog_edit.update_company(
                session=ctx.session, principal=ctx.caller, company_id=parse_typed_id(id, "Company"), name=input.name,
                domain=input.domain, now=ctx.now,
            )

        row, errors = await attempt(info, run)
        return CompanyPayload(company=_mapped(Company.from_row, row), user_errors=errors)

    @strawberry.mutation(description="Delete a company: its contacts stay, with no company, each with a history "
                         "entry. OPERATOR and ADMIN.")
    async def company_delete(self, info: Info, id: strawberry.ID) -> CatalogDeletePayload:
        return await _delete(info, models.Company, id)

    @strawberry.mutation(description="Replace a segment's name, filter and search (checked as segmentCreate checks them).")
    async def segment_update(self, info: Info, id: strawberry.ID, input: SegmentInput) -> SegmentPayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            return await segments.update_segment(
                session=ctx.session, principal=ctx.caller, segment_id=parse_typed_id(id, "Segment"), name=input.name,
                query=to_query(input.filter, input.search), now=ctx.now,
            )

        row, errors = await attempt(info, run)
        return SegmentPayload(segment=_mapped(Segment.from_row, row), user_errors=errors)

    @strawberry.mutation(description="Delete a saved segment; its contacts are not touched. OPERATOR and ADMIN.")
    async def segment_delete(self, info: Info, id: strawberry.ID) -> CatalogDeletePayload:
        return await _delete(info, models.Segment, id)

    @strawberry.mutation(description="Save a filter and search as a segment; its contactCount is evaluated live.")
    async def segment_create(self, info: Info, input: SegmentInput) -> SegmentPayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            return await segments.create_segment(
                session=ctx.session, principal=ctx.caller, name=input.name, query=to_query(input.filter, input.search),
                now=ctx.now,
            )

        row, errors = await attempt(info, run)
        return SegmentPayload(segment=_mapped(Segment.from_row, row), user_errors=errors)
