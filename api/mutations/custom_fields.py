"""Custom field definitions: create and update (OPERATOR and ADMIN), delete (ADMIN only)."""

import strawberry

from api.context import Info
from api.ids import parse_typed_id
from api.mutations.common import UserError, attempt
from api.types.catalog import CustomFieldDefinition
from api.types.enums import CustomFieldType
from domain.services import custom_fields
from domain.services.custom_fields import DefinitionChanges, FieldInUse


@strawberry.input(description="A new custom field. `key`: 1-64 lower-case letters, digits or underscores, starting "
                  "with a letter, unique in the workspace, never changed afterwards.")
class CustomFieldDefinitionCreateInput:
    key: str
    label: str
    type: CustomFieldType
    choices: list[str] | None = strawberry.field(default=None, description="Required for CHOICE, refused otherwise.")
    required: bool = False
    position: int | None = strawberry.field(default=None, description="Default: after the existing fields.")


@strawberry.input(description="What to change; an omitted or null attribute stays as it is (the key never changes).")
class CustomFieldDefinitionUpdateInput:
    label: str | None = None
    type: CustomFieldType | None = strawberry.field(
        default=None, description="Refused with CONFLICT while any contact holds a value of the field."
    )
    choices: list[str] | None = strawberry.field(
        default=None, description="The full new list; removing a choice that contacts hold is refused with CONFLICT."
    )
    required: bool | None = None
    position: int | None = None


@strawberry.type
class CustomFieldDefinitionPayload:
    custom_field_definition: CustomFieldDefinition | None
    affected_contacts: int | None = strawberry.field(
        description="When the change was refused because stored values use what it changes: how many contacts hold them."
    )
    user_errors: list[UserError]


@strawberry.type
class CustomFieldDefinitionDeletePayload:
    deleted_id: strawberry.ID | None
    user_errors: list[UserError]


@strawberry.type
class CustomFieldMutations:
    @strawberry.mutation(description="Define a custom contact field. OPERATOR and ADMIN.")
    async def custom_field_definition_create(
        self, info: Info, input: CustomFieldDefinitionCreateInput
    ) -> CustomFieldDefinitionPayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            return await custom_fields.create_definition(
                session=ctx.session, principal=ctx.caller, key=input.key, label=input.label, type=input.type,
                choices=input.choices, required=input.required, position=input.position, now=ctx.now,
            )

        row, errors = await attempt(info, run)
        return CustomFieldDefinitionPayload(
            custom_field_definition=None if row is None else CustomFieldDefinition.from_row(row),
            affected_contacts=None, user_errors=errors,
        )

    @strawberry.mutation(description="Change a custom field's label, type, choices, required flag or position. A new "
                         "type while contacts hold values, or removing a choice contacts hold, is refused with CONFLICT "
                         "and `affectedContacts`. OPERATOR and ADMIN.")
    async def custom_field_definition_update(
        self, info: Info, id: strawberry.ID, input: CustomFieldDefinitionUpdateInput
    ) -> CustomFieldDefinitionPayload:
        ctx = info.context
        affected: list[int] = []

        async def run():  # type: ignore[no-untyped-def]
            changes = DefinitionChanges(
                label=input.label, type=input.type, choices=input.choices, required=input.required,
                position=input.position,
            )
            try:
                return await custom_fields.update_definition(
                    session=ctx.session, principal=ctx.caller,
                    definition_id=parse_typed_id(id, "CustomFieldDefinition"), changes=changes, now=ctx.now,
                )
            except FieldInUse as exc:
                affected.append(exc.affected)
                raise

        row, errors = await attempt(info, run)
        return CustomFieldDefinitionPayload(
            custom_field_definition=None if row is None else CustomFieldDefinition.from_row(row),
            affected_contacts=affected[0] if affected else None, user_errors=errors,
        )

    @strawberry.mutation(description="ADMIN only. Deletes the field and every contact's value of it; each contact "
                         "that held a value gets a history entry.")
    async def custom_field_definition_delete(self, info: Info, id: strawberry.ID) -> CustomFieldDefinitionDeletePayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            return await custom_fields.delete_definition(
                session=ctx.session, principal=ctx.caller, definition_id=parse_typed_id(id, "CustomFieldDefinition"),
                now=ctx.now,
            )

        deleted, errors = await attempt(info, run)
        return CustomFieldDefinitionDeletePayload(deleted_id=id if deleted is not None else None, user_errors=errors)
