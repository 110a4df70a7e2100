"""Unsubscribing a contact from one channel: the contact stays, the channel records who, when and why."""

from datetime import datetime
from typing import Any

from domain.db import RequestSession, write_transaction
from domain.enums import Channel, SubscriptionStatus
from domain.errors import InvalidInput
from domain.models import Contact
from domain.policies import Action, Principal, authorize
from domain.repositories import contact_links as repo
from domain.services import audit, lookups

MAX_REASON = 500


def _clean_reason(reason: str | None) -> str | None:
    if reason is None or not reason.strip():
        return None
    if len(reason.strip()) > MAX_REASON:
        raise InvalidInput(f"a reason is at most {MAX_REASON} characters", field="reason")
    return reason.strip()


def _address(contact: Contact, channel: Channel) -> str:
    """The address a new subscription row carries: the e-mail for EMAIL, the phone for the others."""
    address = contact.email if channel == Channel.EMAIL else contact.phone
    if not address:
        noun = "e-mail address" if channel == Channel.EMAIL else "phone number"
        raise InvalidInput(f"the contact has no {noun} to unsubscribe from {channel.value}", field="channel")
    return address


async def unsubscribe(
    *, session: RequestSession, principal: Principal, contact_id: int, channel: Channel, reason: str | None,
    now: datetime,
) -> Contact:
    """Idempotent: a channel already unsubscribed keeps its original who, when and why."""
    authorize(principal, Action.WRITE)
    reason = _clean_reason(reason)
    async with write_transaction(session.raw):
        # The contact's lock makes concurrent unsubscribes take turns: the second finds it done.
        contact = await lookups.contact(session, principal, contact_id, field="contactId")
        ws = principal.workspace_id
        sub = await repo.subscription(session.raw, workspace_id=ws, contact_id=contact.id, channel=channel)
        if sub is None:
            # No row yet (never messaged on this channel): the opt-out must still be on record.
            created = await repo.insert_unsubscribed(
                session.raw, workspace_id=ws, contact_id=contact.id, channel=channel,
                address=_address(contact, channel), reason=reason, user_id=principal.user_id, now=now,
            )
            if created:
                old: dict[str, Any] = {"status": None, "reason": None}
            else:  # a pipeline added the channel's row meanwhile: unsubscribe that one
                sub = await repo.subscription(session.raw, workspace_id=ws, contact_id=contact.id, channel=channel)
                assert sub is not None, "the row the insert ran into exists"
        if sub is not None:
            if sub.status == SubscriptionStatus.UNSUBSCRIBED:
                return contact
            old = {"status": sub.status, "reason": sub.reason}
            sub.status, sub.changed_at, sub.reason = SubscriptionStatus.UNSUBSCRIBED, now, reason
            sub.changed_by_user_id = principal.user_id
        contact.updated_at = now
        prefix = f"channels.{channel.value}."
        audit.record(
            session.raw, principal=principal, contact_id=contact.id, action="CONTACT_UNSUBSCRIBED",
            changes=audit.diff(
                {prefix + k: v for k, v in old.items()},
                {prefix + "status": SubscriptionStatus.UNSUBSCRIBED, prefix + "reason": reason},
            ),
            at=now,
        )
    return contact
