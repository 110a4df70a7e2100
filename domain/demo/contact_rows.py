"""All rows of one demo contact, generated as plain dicts ready for a Core bulk insert.

The order of the work matters for consistency: a discarded contact's discard (when, why, by which
message) is planned first, then events and support rows are generated, then the rollups (daily
counters, latest event and bounces per channel, last activity) are computed from those very rows
and written onto the contact and its subscriptions.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from domain.demo.catalog import Catalog, CompanyRef
from domain.demo.events import Discard, EventSummary, MessageIds, contact_events, daily_rows, plan_discard, summarise
from domain.demo.people import IdentityFactory
from domain.demo.profile_rows import (
    choose_channels,
    field_value_rows,
    item_rows,
    membership_rows,
    subscription_rows,
    unsubscriptions,
)
from domain.demo.profiles import WorkspaceProfile
from domain.demo.support_rows import ContactContext, SupportWriter
from domain.demo.timeline import plan_timeline
from domain.demo.traits import Traits
from domain.enums import Channel, ContactOrigin, Role
from domain.text import fold, search_text

ORIGIN_WEIGHTS = {
    ContactOrigin.IMPORT: 0.3, ContactOrigin.FORM: 0.22, ContactOrigin.API: 0.15,
    ContactOrigin.INBOUND_MESSAGE: 0.13, ContactOrigin.MANUAL: 0.1, ContactOrigin.INTEGRATION: 0.1,
}


class Batch:
    """Rows of a chunk of contacts, by table name.

    Generation needs no database: contacts are numbered 0, 1, 2... within the batch and
    conversations wait aside; `bind_ids` swaps in the primary keys reserved at insert time.
    """

    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.conversations: list[tuple[dict, list[dict]]] = []
        self.contacts = 0

    def bind_ids(self, contact_ids: list[int], conversation_ids: list[int]) -> None:
        """Replace batch-local contact numbers by real ids and give conversations theirs."""
        for conversation_id, (conversation, turns) in zip(conversation_ids, self.conversations, strict=True):
            conversation["id"] = conversation_id
            for turn in turns:
                turn["conversation_id"] = conversation_id
            self.rows["conversation"].append(conversation)
            self.rows["conversation_turn"].extend(turns)
        self.conversations = []
        for table, rows in self.rows.items():
            key = "id" if table == "contact" else "contact_id"
            if rows and key in rows[0]:
                for row in rows:
                    row[key] = contact_ids[row[key]]


@dataclass
class History:
    """A contact's activity-producing rows and the rollups computed from them."""

    events: list[dict]
    summary: EventSummary
    conversations: list[tuple[dict, list[dict]]]
    tickets: list[dict]
    answers: list[dict]

    def last_activity_at(self) -> datetime | None:
        """The latest of: activity events, conversation start or last turn, ticket changes, NPS answers."""
        moments = [self.summary.last_activity_at] if self.summary.last_activity_at else []
        for conversation, _ in self.conversations:
            moments += [conversation["started_at"], conversation["last_turn_at"]]
        moments += [at for ticket in self.tickets for at in (ticket["opened_at"], ticket["resolved_at"]) if at]
        moments += [answer["responded_at"] for answer in self.answers]
        return max(moments) if moments else None


def _discard_columns(discard: Discard | None, email: str | None, phone: str | None) -> dict:
    """The contact's discard columns, as domain.ingest.discards writes them: a discarding message
    leaves its channel and the address it went to; a suspension by hand leaves neither."""
    if discard is None:
        return {"discard_reason": None, "discarded_at": None, "discard_channel": None, "discard_address": None}
    channel = discard.channel
    return {
        "discard_reason": discard.reason, "discarded_at": discard.at,
        "discard_channel": channel.value if channel else None,
        "discard_address": None if channel is None else email if channel == Channel.EMAIL else phone,
    }


class ContactGenerator:
    """Generates contacts of one workspace; one instance per workspace and load."""

    def __init__(self, rng, profile: WorkspaceProfile, catalog: Catalog, now: datetime) -> None:
        self._rng = rng
        self._catalog = catalog
        self._now = now
        self._ws = {"workspace_id": catalog.workspace_id}
        self._identities = IdentityFactory(rng, profile)
        self._message_ids = MessageIds(profile.message_prefix)
        self._support = SupportWriter(rng, catalog, profile.message_prefix)
        self._operator = next(u for u in catalog.users if u.role == Role.OPERATOR)

    def add(self, batch: Batch, traits: Traits) -> None:
        """Append every row of one more contact to `batch`."""
        rng, catalog = self._rng, self._catalog
        contact_id = batch.contacts  # batch-local until Batch.bind_ids
        batch.contacts += 1
        timeline = plan_timeline(rng, traits.status, self._now, age_days=traits.age_days)
        language = self._identities.language()
        company = self._company(language) if traits.company else None
        identity = self._identities.make(
            language=language, with_email=traits.has_email, with_phone=traits.has_phone,
            work_domain=company.domain if company else None,
        )
        channels = choose_channels(rng, identity, traits.channel_count)
        plan = unsubscriptions(rng, channels, timeline, traits.unsubscribe and not traits.showcase)
        discard = plan_discard(rng, traits.discard, timeline, plan)
        agent = rng.choice(catalog.agents)
        context = ContactContext(
            catalog.workspace_id, contact_id, identity, timeline, tuple(channels), agent, traits.showcase
        )
        history = self._history(context, plan, traits, discard)
        last_activity_at = history.last_activity_at()
        discarded = _discard_columns(discard, identity.email, identity.phone)
        group_id = rng.choice(catalog.groups) if traits.member_of_group else None
        batch.rows["contact"].append({
            "id": contact_id, **self._ws, "name": identity.name, "name_key": fold(identity.name),
            "search_text": search_text(identity.name, identity.email, identity.phone),
            "email": identity.email, "phone": identity.phone, "language": identity.language,
            "origin": rng.choices(list(ORIGIN_WEIGHTS), weights=list(ORIGIN_WEIGHTS.values()))[0],
            "contact_since": timeline.contact_since,
            "company_id": company.id if company else None,
            "department_id": rng.choice(catalog.departments) if traits.department else None,
            "assigned_agent_id": agent.id if traits.agent else None,
            # Contacts assigned to a group usually sit in that group too.
            "assigned_group_id": (group_id or rng.choice(catalog.groups)) if traits.group else None,
            **discarded,
            "last_activity_at": last_activity_at,
            "created_at": timeline.contact_since,
            "updated_at": max(filter(None, (timeline.contact_since, last_activity_at, discarded["discarded_at"]))),
        })
        self._add_history(batch, context, history)
        self._add_profile(batch, context, plan, traits, group_id, history.summary)

    def _company(self, language: str) -> CompanyRef:
        """Most people work for a company of their own language; otherwise any company."""
        companies = self._catalog.companies
        return self._rng.choice(companies.get(language) or [c for group in companies.values() for c in group])

    def _history(
        self, context: ContactContext, plan: dict[Channel, datetime | None], traits: Traits, discard: Discard | None
    ) -> History:
        """Message events, then conversations, tickets and NPS answers (active contacts only)."""
        events = contact_events(
            self._rng, self._message_ids, workspace_id=context.workspace_id, contact_id=context.contact_id,
            timeline=context.timeline, channels=plan, showcase=traits.showcase, discard=discard,
        )
        active = context.timeline.active
        return History(
            events=events,
            summary=summarise(events),
            conversations=self._support.conversations(context, traits.conversations) if active else [],
            tickets=self._support.tickets(context, traits.tickets) if active else [],
            answers=self._support.nps_answers(context, traits.nps_answers) if active else [],
        )

    def _add_history(self, batch: Batch, context: ContactContext, history: History) -> None:
        rows, ws = batch.rows, self._ws
        rows["message_event"].extend(history.events)
        rows["contact_channel_daily"].extend(daily_rows(history.summary, contact_id=context.contact_id, **ws))
        rows["ticket"].extend(history.tickets)
        rows["nps_response"].extend(history.answers)
        batch.conversations.extend(history.conversations)

    def _add_profile(self, batch: Batch, context: ContactContext, plan, traits: Traits, group_id, summary) -> None:
        """Subscriptions, memberships, custom fields, items and notes."""
        rng, catalog, rows, ws = self._rng, self._catalog, batch.rows, self._ws
        common = {"ws": ws, "contact_id": context.contact_id}
        rows["channel_subscription"].extend(subscription_rows(
            rng, **common, identity=context.identity, plan=plan, timeline=context.timeline, summary=summary,
            operator=self._operator,
        ))
        memberships = membership_rows(
            rng, **common, catalog=catalog, timeline=context.timeline, traits=traits, group_id=group_id
        )
        for table, table_rows in memberships.items():
            rows[table].extend(table_rows)
        rows["custom_field_value"].extend(field_value_rows(
            rng, **common, fields=catalog.fields, share=traits.field_share, identity=context.identity, now=self._now
        ))
        interactions, rollups = item_rows(rng, **common, catalog=catalog, count=traits.items, timeline=context.timeline)
        rows["item_interaction"].extend(interactions)
        rows["contact_item"].extend(rollups)
        rows["note"].extend(self._support.notes(context, traits.notes))
