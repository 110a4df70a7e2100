"""Contacts made from the histories of generated ones: what makes a million contacts take minutes.

The demo generator costs about a millisecond of Python per contact (30 message events, support
text, a funnel per message). A worker generates a pool of template contacts with it, then every
further contact is a new person (name, e-mail, phone, search key: the domain's own functions) who
lived one template's history, moved back in time by whole days. Whole days keep every rollup exact:
a daily counter row moves to the day its events moved to, the latest event per channel and the last
activity move with the events. Message and external ids get the copy's number, so they stay unique;
conversation texts are the template's, so the stored verdicts are what the model says about them.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from domain.db import UtcDateTime
from domain.demo.catalog import Catalog
from domain.demo.contact_rows import Batch
from domain.demo.people import IdentityFactory
from domain.demo.store import TABLES
from domain.demo.timeline import EVENT_WINDOW
from domain.enums import Channel
from domain.text import fold, search_text

# How far back a copy's history may move: a few days keeps every engagement band populated.
MAX_SHIFT_DAYS = 6
# Columns holding ids that must stay unique per workspace: the copy's number is appended.
NUMBERED = ("message_id", "external_id")
# Instants of the load itself, not of the person's history: a copy was scored when its template was.
UNMOVED = frozenset({"analyzed_at"})
# The one DATE column that is a rollup key (custom DATE fields, birthdays, are not moved).
ROLLUP_DAY = ("contact_channel_daily", "day")


@dataclass
class Template:
    """One generated contact's rows, by table (contact ids are placeholders, replaced on copy)."""

    contact: dict
    rows: dict[str, list[dict]] = field(default_factory=dict)
    conversations: list[tuple[dict, list[dict]]] = field(default_factory=list)
    room_days: int | None = None  # how far back its history may move (Copier._room)


def split_templates(batch: Batch, first_local: int = 0) -> list[Template]:
    """Per-contact copies of a generated batch's rows, taken before the batch gets its real ids."""
    templates = [Template(dict(row)) for row in batch.rows["contact"]]
    for table, rows in batch.rows.items():
        if table == "contact" or not rows or "contact_id" not in rows[0]:
            continue
        for row in rows:
            templates[row["contact_id"] - first_local].rows.setdefault(table, []).append(dict(row))
    for conversation, turns in batch.conversations:
        templates[conversation["contact_id"] - first_local].conversations.append(
            (dict(conversation), [dict(turn) for turn in turns])
        )
    return templates


class Copier:
    """Makes contacts from templates for one worker; numbers copies so their ids stay unique."""

    def __init__(self, rng, identities: IdentityFactory, catalog: Catalog, now: datetime) -> None:
        self._rng = rng
        self._now = now
        self._identities = identities
        self._domains = {company.id: company.domain for group in catalog.companies.values() for company in group}
        self._copies = 0

    def add(self, batch: Batch, template: Template) -> None:
        """Append one new contact living `template`'s history to `batch`."""
        self._copies += 1
        suffix = f".{self._copies}"
        local = batch.contacts
        batch.contacts += 1
        shift = timedelta(days=self._rng.randint(0, self._room(template)))
        source = template.contact
        identity = self._identities.make(
            language=source["language"], with_email=source["email"] is not None, with_phone=source["phone"] is not None,
            work_domain=self._domains.get(source["company_id"]),
        )
        contact = _moved("contact", source, shift, suffix)
        contact.update(
            id=local, name=identity.name, name_key=fold(identity.name), email=identity.email, phone=identity.phone,
            search_text=search_text(identity.name, identity.email, identity.phone),
        )
        self._discard(contact)
        batch.rows["contact"].append(contact)
        for table, rows in template.rows.items():
            out = batch.rows[table]
            for row in rows:
                moved = _moved(table, row, shift, suffix)
                moved["contact_id"] = local
                if table == "channel_subscription":
                    moved["address"] = identity.email if row["channel"] == Channel.EMAIL else identity.phone
                out.append(moved)
        for conversation, turns in template.conversations:
            moved = _moved("conversation", conversation, shift, suffix)
            moved["contact_id"] = local
            batch.conversations.append((moved, [_moved("conversation_turn", turn, shift, suffix) for turn in turns]))


    def _room(self, template: Template) -> int:
        """Whole days (at most MAX_SHIFT_DAYS) the template's history may move back while its oldest
        message event stays within the demo's event window (domain.demo.timeline.EVENT_WINDOW)."""
        if template.room_days is None:
            events = template.rows.get("message_event", [])
            oldest = min((row["occurred_at"] for row in events), default=None)
            spare = MAX_SHIFT_DAYS if oldest is None else (oldest - (self._now - EVENT_WINDOW)).days
            template.room_days = max(0, min(MAX_SHIFT_DAYS, spare))
        return template.room_days

    def _discard(self, contact: dict) -> None:
        """A copy is discarded as its template is (moved with its history): the template's events say why
        (the hard bounce, complaint or failure at discarded_at, the BLOCKED_DISCARDED sends after it), so
        the discard cannot be drawn anew. The failed address is the copy's own."""
        channel = contact.get("discard_channel")
        if channel is not None:
            contact["discard_address"] = contact["email"] if channel == Channel.EMAIL.value else contact["phone"]
        moments = (contact["contact_since"], contact["last_activity_at"], contact["discarded_at"])
        contact["updated_at"] = max(filter(None, moments))


@lru_cache(maxsize=None)
def _moving(table: str, keys: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(keys to move back in time, keys to number) of a table's rows: decided once per table."""
    columns = TABLES[table].c
    instants = tuple(
        k for k in keys
        if (isinstance(columns[k].type, UtcDateTime) and k not in UNMOVED) or (table, k) == ROLLUP_DAY
    )
    return instants, tuple(k for k in keys if k in NUMBERED)


def _moved(table: str, row: dict, shift: timedelta, suffix: str) -> dict:
    """A copy of `row` with every instant (and rollup day) moved back by `shift`, unique ids numbered."""
    out = dict(row)
    instants, numbered = _moving(table, tuple(row))
    if shift:
        for key in instants:
            value = out[key]
            if value is not None:
                out[key] = value - shift
    for key in numbered:
        out[key] = out[key] + suffix
    return out
