"""Consent per channel: what a record holds and the one rule every path that writes one applies.

A channel's row (channel_subscription) keeps the latest consent on record: its legal basis
(CONSENT, CONTRACT, LEGITIMATE_INTEREST), where it came from (FORM, IMPORT, INBOUND_MESSAGE, API,
AGENT), when the person gave it, who recorded it and the wording they agreed to. The audit history
keeps every earlier one.

Who writes one:
- `contactSubscribe` (re-subscribes an unsubscribed channel, or opens WHATSAPP/RCS on the phone);
- `contactCreate(input: {consents})` and an import's `consent_*` columns, for new and existing
  contacts (an import never re-subscribes a channel the person left: only contactSubscribe does);
- an inbound message (REPLIED) on a channel the contact had no row for: source INBOUND_MESSAGE,
  basis CONSENT, dated when the message came in.

WHATSAPP and RCS rows exist only with an opt-in (one of the above); EMAIL and SMS rows exist from
the moment the address is known, with no consent record unless one was given.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.enums import Channel, ConsentBasis, ConsentSource
from domain.errors import InvalidInput

MAX_TEXT = 2000
# Channels that ride on the phone number rather than the e-mail address.
PHONE_CHANNELS = (Channel.SMS, Channel.WHATSAPP, Channel.RCS)
# Channels a contact has only once the phone opted in (a consent record or an inbound message).
OPT_IN_CHANNELS = frozenset({Channel.WHATSAPP, Channel.RCS})


@dataclass(frozen=True)
class Consent:
    basis: ConsentBasis
    source: ConsentSource
    at: datetime
    by_user_id: int | None = None
    text: str | None = None

    def columns(self) -> dict[str, Any]:
        """The channel_subscription columns this record sets."""
        return {
            "consent_basis": self.basis, "consent_source": self.source, "consent_at": self.at,
            "consent_by_user_id": self.by_user_id, "consent_text": self.text,
        }

    def trail(self, channel: Channel) -> dict[str, Any]:
        """The record as audit fields (channels.<CHANNEL>.consent*)."""
        prefix = f"channels.{channel.value}."
        return {
            prefix + "consentBasis": self.basis, prefix + "consentSource": self.source,
            prefix + "consentAt": self.at, prefix + "consentText": self.text,
        }


def clean_text(text: str | None, *, field: str) -> str | None:
    if text is None or not text.strip():
        return None
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"a consent's wording is at most {MAX_TEXT} characters", field=field)
    return text


def clean_at(at: datetime | None, *, now: datetime, field: str) -> datetime:
    """When the person consented: now when not given; never in the future."""
    if at is None:
        return now
    if at.tzinfo is None:
        raise InvalidInput("a consent's time needs a time zone (e.g. 2026-05-01T10:00:00Z)", field=field)
    if at > now:
        raise InvalidInput("a consent cannot be dated in the future", field=field)
    return at


def address_for(channel: Channel, email: str | None, phone: str | None, *, field: str) -> str:
    """The address a channel's row carries; a channel whose address the contact lacks cannot be consented to."""
    address = phone if channel in PHONE_CHANNELS else email
    if not address:
        noun = "phone number" if channel in PHONE_CHANNELS else "e-mail address"
        raise InvalidInput(f"the contact has no {noun} for {channel.value}", field=field)
    return address


@dataclass(frozen=True)
class ConsentRequest:
    """A consent as a caller gives it (contactCreate's `consents`, contactSubscribe's `consent`)."""

    basis: ConsentBasis
    source: ConsentSource
    text: str | None = None
    at: datetime | None = None
    channel: Channel | None = None


def accept(request: ConsentRequest, *, by_user_id: int | None, now: datetime, field: str) -> Consent:
    """The record a request makes, validated (`field` is the input's path, e.g. "consents.0")."""
    return Consent(
        basis=request.basis, source=request.source, by_user_id=by_user_id,
        text=clean_text(request.text, field=f"{field}.text"), at=clean_at(request.at, now=now, field=f"{field}.at"),
    )


def accept_many(
    requests: Sequence[ConsentRequest], *, email: str | None, phone: str | None, by_user_id: int | None,
    now: datetime, field: str = "consents",
) -> dict[Channel, Consent]:
    """A new contact's consents by channel: one per channel, each for an address the contact has."""
    consents: dict[Channel, Consent] = {}
    for i, request in enumerate(requests):
        assert request.channel is not None, "a contact's consents each name their channel"
        if request.channel in consents:
            raise InvalidInput(f"{request.channel.value} is given twice", field=f"{field}.{i}.channel")
        address_for(request.channel, email, phone, field=f"{field}.{i}.channel")
        consents[request.channel] = accept(request, by_user_id=by_user_id, now=now, field=f"{field}.{i}")
    return consents


def inbound(at: datetime) -> Consent:
    """The record an inbound message leaves on a channel the contact had no row for."""
    return Consent(basis=ConsentBasis.CONSENT, source=ConsentSource.INBOUND_MESSAGE, at=at)
