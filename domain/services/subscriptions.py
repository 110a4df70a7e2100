"""Unsubscribing a contact from one channel (the contact stays, the channel records who, when and why)
and subscribing it again with a consent (domain.consent)."""

from datetime import datetime
from typing import Any

from domain import consent as consent_rules
from domain.consent import ConsentRequest
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
    return consent_rules.address_for(channel, contact.email, contact.phone, field="channel")


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
        await audit.record(
            session.raw, principal=principal, contact_id=contact.id, action="CONTACT_UNSUBSCRIBED",
            changes=audit.diff(
                {prefix + k: v for k, v in old.items()},
                {prefix + "status": SubscriptionStatus.UNSUBSCRIBED, prefix + "reason": reason},
            ),
            at=now,
        )
    return contact


async def subscribe(
    *, session: RequestSession, principal: Principal, contact_id: int, channel: Channel, consent: ConsentRequest,
    now: datetime,
) -> Contact:
    """The channel SUBSCRIBED with this consent, on the contact's current address.

    An unsubscribed channel comes back (the opt-out's who/when/why stay in the history); a channel
    the contact had no row for opens (how WHATSAPP and RCS are opted in to); a subscribed one takes
    the new consent. The same consent again changes nothing. A discarded contact stays discarded:
    sends to it stay blocked until it is reactivated.
    """
    authorize(principal, Action.WRITE)
    record = consent_rules.accept(consent, by_user_id=principal.user_id, now=now, field="consent")
    async with write_transaction(session.raw):
        contact = await lookups.contact(session, principal, contact_id, field="contactId")
        address = _address(contact, channel)
        ws = principal.workspace_id
        sub = await repo.subscription(session.raw, workspace_id=ws, contact_id=contact.id, channel=channel)
        prefix = f"channels.{channel.value}."
        if sub is None:
            written = await repo.insert_subscribed(
                session.raw, workspace_id=ws, contact_id=contact.id, channel=channel, address=address,
                consent=record, user_id=principal.user_id, now=now,
            )
            if not written:  # a pipeline added the channel's row meanwhile: subscribe that one
                sub = await repo.subscription(session.raw, workspace_id=ws, contact_id=contact.id, channel=channel)
                assert sub is not None, "the row the insert ran into exists"
            old: dict[str, Any] = {prefix + "status": None}
        if sub is not None:
            same = (sub.consent_basis, sub.consent_source, sub.consent_text) == (record.basis, record.source, record.text)
            if sub.status == SubscriptionStatus.SUBSCRIBED and same and sub.address == address:
                return contact
            old = {prefix + "status": sub.status, prefix + "address": sub.address, prefix + "reason": sub.reason,
                   **_recorded(sub, prefix)}
            if sub.status == SubscriptionStatus.UNSUBSCRIBED:
                sub.status, sub.changed_at, sub.reason = SubscriptionStatus.SUBSCRIBED, now, None
                sub.changed_by_user_id = principal.user_id
            sub.address = address
            for name, value in record.columns().items():
                setattr(sub, name, value)
        contact.updated_at = now
        new = {prefix + "status": SubscriptionStatus.SUBSCRIBED, prefix + "address": address, prefix + "reason": None,
               **record.trail(channel)}
        await audit.record(
            session.raw, principal=principal, contact_id=contact.id, action="CONTACT_SUBSCRIBED",
            changes=audit.diff(old, new), at=now,
        )
    return contact


def _recorded(sub: Any, prefix: str) -> dict[str, Any]:
    return {prefix + "consentBasis": sub.consent_basis, prefix + "consentSource": sub.consent_source,
            prefix + "consentAt": sub.consent_at, prefix + "consentText": sub.consent_text}
