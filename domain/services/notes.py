"""Notes on a contact: written by the caller, stamped with the request's time."""

from datetime import datetime

from domain.db import RequestSession, write_transaction
from domain.errors import InvalidInput
from domain.models import Note
from domain.policies import Action, Principal, authorize
from domain.services import audit, lookups

MAX_BODY = 10_000


def _clean_body(body: str | None) -> str:
    # Outer blank lines are noise; the line breaks inside are the note's own layout.
    text = (body or "").strip()
    if not text:
        raise InvalidInput("a note needs some text", field="body")
    if len(text) > MAX_BODY:
        raise InvalidInput(f"a note is at most {MAX_BODY:,} characters", field="body")
    return text


async def create_note(
    *, session: RequestSession, principal: Principal, contact_id: int, body: str, now: datetime
) -> Note:
    authorize(principal, Action.WRITE)
    text = _clean_body(body)
    async with write_transaction(session.raw):
        contact = await lookups.contact(session, principal, contact_id, field="contactId")
        note = Note(
            workspace_id=principal.workspace_id, contact_id=contact.id, author_user_id=principal.user_id, body=text,
            created_at=now,
        )
        session.raw.add(note)
        await session.raw.flush()
        # The history names the note, not its text: the note itself is the record of what was said.
        await audit.record(
            session.raw, principal=principal, contact_id=contact.id, action="NOTE_CREATED",
            changes=audit.diff({}, {"note_id": note.id}), at=now,
        )
    return note
