"""What every ingestion record shares: times, external ids and the contact it belongs to."""

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError, ErrorCode, InvalidInput, NotFound
from domain.repositories import ingest as repo

# Pipelines' clocks drift; a timestamp a little ahead of ours is still believable.
MAX_CLOCK_SKEW = timedelta(minutes=5)
MAX_EXTERNAL_ID = 200


class Conflict(DomainError):
    code = ErrorCode.CONFLICT


def utc(at: datetime) -> datetime:
    """The instant in UTC. A timestamp without an offset is taken as UTC, as most pipelines mean it."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def past_instant(at: datetime, *, now: datetime, field: str) -> datetime:
    """`at` in UTC; a time further in the future than the allowed skew is refused."""
    at = utc(at)
    if at > now + MAX_CLOCK_SKEW:
        minutes = int(MAX_CLOCK_SKEW.total_seconds() // 60)
        raise InvalidInput(f"{at.isoformat()} lies in the future (more than {minutes} minutes after now)", field=field)
    return at


def external_id(value: str | None, *, field: str) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise InvalidInput("an external id is required: it makes sending the record twice harmless", field=field)
    if len(cleaned) > MAX_EXTERNAL_ID:
        raise InvalidInput(f"an external id is at most {MAX_EXTERNAL_ID} characters", field=field)
    return cleaned


def bounded_text(value: str | None, *, limit: int, field: str, required: bool) -> str | None:
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            raise InvalidInput("this text may not be empty", field=field)
        return None
    if len(cleaned) > limit:
        raise InvalidInput(f"this text is at most {limit} characters", field=field)
    return cleaned


async def require_contact(session: AsyncSession, *, workspace_id: int, contact_id: int, field: str = "contactId") -> None:
    if not await repo.contact_addresses(session, workspace_id=workspace_id, ids=[contact_id]):
        raise NotFound("no contact with this id in this workspace", field=field)


def check_owner(stored_contact_id: int, contact_id: int, what: str, external: str) -> None:
    """An external id names one record of one contact; the same id for another contact is a mistake."""
    if stored_contact_id != contact_id:
        raise Conflict(f"{what} {external!r} is already recorded for another contact", field="externalId")
