"""Which contact a message event is about: named by id, or by its address on the channel.

An address is compared in normalised form: e-mail trimmed and lower-cased, phones (SMS, WhatsApp,
RCS) in E.164. The contact's own e-mail or phone decides first, because those are unique in a
workspace; otherwise a channel subscription with that address on that channel does, provided it
names one contact only.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from domain import contact_rules
from domain.enums import Channel
from domain.errors import DomainError, InvalidInput, NotFound
from domain.ingest.common import Conflict
from domain.repositories import ingest as repo


@dataclass(frozen=True)
class Target:
    """Who an event names: a contact id, or else a normalised address on `channel`."""

    contact_id: int | None
    channel: Channel
    address: str | None


def normalise_address(channel: Channel, address: str, *, field: str = "address") -> str:
    if channel == Channel.EMAIL:
        cleaned = contact_rules.clean_email(address, field=field)
    else:
        cleaned = contact_rules.clean_phone(address, field=field)
    if cleaned is None:
        raise InvalidInput("the address is empty", field=field)
    return cleaned


async def resolve(
    session: AsyncSession, *, workspace_id: int, targets: Mapping[int, Target]
) -> dict[int, int | DomainError]:
    """For each index: the contact id, or why no single contact of the workspace matches.

    Costs at most three statements whatever the number of targets.
    """
    ids = {t.contact_id for t in targets.values() if t.contact_id is not None}
    addressed = {(t.channel, t.address) for t in targets.values() if t.contact_id is None and t.address is not None}
    found_ids = await repo.contact_addresses(session, workspace_id=workspace_id, ids=ids)
    by_email, by_phone = await repo.contacts_by_email_or_phone(
        session,
        workspace_id=workspace_id,
        emails={a for ch, a in addressed if ch == Channel.EMAIL},
        phones={a for ch, a in addressed if ch != Channel.EMAIL},
    )

    def own(channel: Channel, address: str) -> int | None:
        return (by_email if channel == Channel.EMAIL else by_phone).get(address)

    unmatched = {(ch, a) for ch, a in addressed if own(ch, a) is None}
    owners = await repo.subscription_owners(session, workspace_id=workspace_id, addresses=unmatched)

    resolved: dict[int, int | DomainError] = {}
    for index, t in targets.items():
        if t.contact_id is not None:
            ok = t.contact_id in found_ids
            resolved[index] = t.contact_id if ok else NotFound("no contact with this id in this workspace", field="contactId")
            continue
        assert t.address is not None, "a target names an id or an address"
        contact_id = own(t.channel, t.address)
        candidates = owners.get((t.channel, t.address), set())
        if contact_id is not None:
            resolved[index] = contact_id
        elif len(candidates) == 1:
            resolved[index] = next(iter(candidates))
        elif candidates:
            resolved[index] = Conflict(
                f"{t.address} is the {t.channel.value} address of several contacts: send the contact id", field="address"
            )
        else:
            resolved[index] = NotFound(f"no contact has {t.address} as its {t.channel.value} address", field="address")
    return resolved
