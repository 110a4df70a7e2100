"""contactsImport: a CSV upload (GraphQL multipart request spec) that becomes an IMPORT job."""

from typing import Any

import strawberry
from strawberry.file_uploads import Upload

from api.context import Info
from api.ids import parse_typed_ids
from api.mutations.common import UserError, attempt, wake_job_runner
from api.types.jobs import ImportJob
from domain.errors import InvalidInput
from domain.imports.options import ImportOptions as Options
from domain.services import imports
from domain.services.lookups import MAX_IDS_PER_CALL

_READ_CHUNK = 1024 * 1024


@strawberry.input(description="How a CSV import treats the base and what it adds to every imported contact.")
class ImportOptions:
    update_existing: bool | None = strawberry.field(
        default=False,
        description="A row matching an existing contact (same e-mail or phone) updates it; otherwise the row is "
        "skipped. Blank cells never clear a value; tags and lists are only added.",
    )
    tag_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Tags added to every imported contact."
    )
    list_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Lists every imported contact joins."
    )
    dry_run: bool | None = strawberry.field(
        default=False, description="Validate and count what would happen; the contact base is left untouched."
    )

    def to_domain(self) -> Options:
        return Options(
            update_existing=bool(self.update_existing),
            tag_ids=parse_typed_ids(self.tag_ids, "Tag", field="options.tagIds", limit=MAX_IDS_PER_CALL),
            list_ids=parse_typed_ids(self.list_ids, "ContactList", field="options.listIds", limit=MAX_IDS_PER_CALL),
            dry_run=bool(self.dry_run),
        )


@strawberry.type
class ContactsImportPayload:
    job: ImportJob | None = strawberry.field(
        description="The import job (PENDING or RUNNING), polled with node(id:) until COMPLETED or FAILED."
    )
    user_errors: list[UserError]


async def _read(file: Any) -> tuple[str, bytes]:
    """The upload's name and bytes, reading no more than the size limit allows."""
    if not hasattr(file, "read"):
        raise InvalidInput("send the file as a multipart upload (GraphQL multipart request spec)", field="file")
    chunks, size = [], 0
    while chunk := await file.read(_READ_CHUNK):
        size += len(chunk)
        if size > imports.MAX_FILE_BYTES:
            raise InvalidInput(f"the file is larger than {imports.MAX_FILE_BYTES // (1024 * 1024)} MB", field="file")
        chunks.append(chunk)
    return getattr(file, "filename", None) or "import.csv", b"".join(chunks)


def _max_rows(info: Info) -> int:
    """Settings.max_import_rows of the app serving the request (create_app keeps its settings in app.state)."""
    settings = getattr(info.context.request.app.state, "settings", None)
    return getattr(settings, "max_import_rows", imports.MAX_IMPORT_ROWS)


@strawberry.type
class ImportMutations:
    @strawberry.mutation(
        description="Import contacts from a CSV file (UTF-8, `,` or `;` separated, header row first). Columns: name "
        "(or first name + last name), email, phone, language, company, department, tags and lists (names separated "
        "by `;` or `|`; missing ones are created), and custom fields as `cf.<key>` or their key. Rows are matched "
        "to the base and to earlier rows by e-mail and phone. Bad rows are reported per row and column; good rows "
        "land. A job does the work: poll it with node(id:). OPERATOR and ADMIN."
    )
    async def contacts_import(
        self, info: Info, file: Upload, options: ImportOptions | None = None
    ) -> ContactsImportPayload:
        ctx = info.context

        async def run():  # type: ignore[no-untyped-def]
            imports.authorize_import(principal=ctx.caller)  # before reading an upload a caller may not make
            chosen = (options or ImportOptions()).to_domain()
            filename, data = await _read(file)
            return await imports.start_import(
                session=ctx.session, principal=ctx.caller, filename=filename, data=data, options=chosen,
                now=ctx.now, queued=wake_job_runner(info), max_rows=_max_rows(info),
            )

        job, errors = await attempt(info, run)
        return ContactsImportPayload(job=None if job is None else ImportJob.from_row(job), user_errors=errors)
