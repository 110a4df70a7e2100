"""A contact's conversations, tickets, NPS answers and notes, written in the contact's language.

Conversations, tickets and NPS answers count as activity, so they are placed inside the contact's
active period (never after its planned last activity). Notes do not, and may be recent.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.demo import dialogues_en, dialogues_es, dialogues_pt
from domain.demo.catalog import Catalog, UserRef
from domain.demo.dialogue import render
from domain.demo.people import Identity
from domain.demo.places import money
from domain.demo.support_text import NOTES, NPS_COMMENTS, TICKET_SUBJECTS
from domain.demo.timeline import Timeline, moment
from domain.enums import Channel, TicketStatus, TurnRole
from domain.nps import nps_category

DIALOGUES = {"es": dialogues_es.DIALOGUES, "pt": dialogues_pt.DIALOGUES, "en": dialogues_en.DIALOGUES}
# Agent-only notices: the contact never answered them.
OUTBOUND_TOPICS = frozenset({"shipping_notice", "payment_reminder"})
CONVERSATION_CHANNEL_WEIGHTS = {Channel.WHATSAPP: 5, Channel.EMAIL: 2, Channel.SMS: 2, Channel.RCS: 1}
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")
# 0-10 with the usual NPS shape: many promoters, a long tail of detractors.
SCORE_WEIGHTS = (2, 1, 1, 2, 3, 5, 8, 13, 17, 22, 26)


@dataclass(frozen=True)
class ContactContext:
    """What the support rows of one contact depend on."""

    workspace_id: int
    contact_id: int
    identity: Identity
    timeline: Timeline
    channels: tuple[Channel, ...]
    agent: UserRef
    showcase: bool


class SupportWriter:
    """Writes support rows for every contact of one workspace, numbering external ids."""

    def __init__(self, rng, catalog: Catalog, prefix: str) -> None:
        self._rng = rng
        self._catalog = catalog
        self._prefix = prefix.upper()
        self._conversations = 0
        self._tickets = 0
        self._answers = 0

    def _placeholders(self, ctx: ContactContext, at: datetime) -> dict[str, str]:
        """Values for the template placeholders, written the way the contact's country writes them."""
        rng = self._rng
        when = (at + timedelta(days=rng.randint(1, 6))).date()
        if ctx.identity.language == "en":
            date = f"{MONTHS_EN[when.month - 1]} {when.day}"
        else:
            date = f"{when.day:02d}/{when.month:02d}"
        return {
            "first": ctx.identity.first_name,
            "agent": ctx.agent.first_name,
            "order": f"#{self._prefix}-{rng.randint(100000, 999999)}",
            "product": rng.choice(self._catalog.item_names[ctx.identity.language]),
            "amount": money(ctx.identity.country, round(rng.uniform(8, 450), 2)),
            "date": date,
        }

    def conversations(self, ctx: ContactContext, count: int) -> list[tuple[dict, list[dict]]]:
        """(conversation row, its turn rows) pairs; conversation ids are assigned by the loader."""
        return [self._conversation(ctx) for _ in range(count)]

    def _conversation(self, ctx: ContactContext) -> tuple[dict, list[dict]]:
        """One dialogue, ending before the contact's planned last activity."""
        rng = self._rng
        # About one conversation in eight is an agent's notice that nobody answered.
        outbound = not ctx.showcase and rng.random() < 0.12
        dialogue = rng.choice([d for d in DIALOGUES[ctx.identity.language] if (d.topic in OUTBOUND_TOPICS) == outbound])
        gaps = self._gaps([turn.role for turn in dialogue.turns])
        latest = ctx.timeline.horizon - timedelta(seconds=sum(gaps))
        started = moment(rng, ctx.timeline.start, latest) if latest > ctx.timeline.start else ctx.timeline.start
        turns = render(rng, dialogue, self._placeholders(ctx, started))
        turn_rows, at = [], started
        for seq, ((role, text), gap) in enumerate(zip(turns, [0, *gaps], strict=True)):
            at = at + timedelta(seconds=gap)
            turn_rows.append(
                {"workspace_id": ctx.workspace_id, "conversation_id": None, "seq": seq, "role": role,
                 "text": text, "at": at, "satisfaction_label": None, "satisfaction_confidence": None}
            )
        self._conversations += 1
        weights = [CONVERSATION_CHANNEL_WEIGHTS[c] for c in ctx.channels]
        conversation = {
            "id": None, "workspace_id": ctx.workspace_id, "contact_id": ctx.contact_id,
            "external_id": f"{self._prefix.lower()}-conv-{self._conversations:08d}",
            "channel": rng.choices(ctx.channels, weights=weights)[0], "language": ctx.identity.language,
            "started_at": started, "last_turn_at": at, "turn_count": len(turns),
            "customer_replied": any(role == TurnRole.CUSTOMER for role, _ in turns),
            # Left for the satisfaction classifier to fill in.
            "satisfaction_label": None, "p_satisfied": None, "p_neutral": None, "p_dissatisfied": None,
            "model_version": None, "analyzed_at": None,
        }
        return conversation, turn_rows

    def _gaps(self, roles: list[TurnRole]) -> list[int]:
        """Seconds between consecutive turns: agents answer in minutes, customers take longer."""
        rng = self._rng
        gaps = []
        for previous, current in zip(roles, roles[1:]):
            if current == TurnRole.AGENT:
                gaps.append(rng.randint(10, 120) if previous == TurnRole.AGENT else rng.randint(30, 900))
            else:
                gaps.append(rng.randint(20, 300) if previous == TurnRole.CUSTOMER else rng.randint(60, 10800))
        return gaps

    def tickets(self, ctx: ContactContext, count: int) -> list[dict]:
        """Tickets opened (and mostly resolved) inside the active period; the showcase gets both kinds."""
        rng = self._rng
        rows = []
        for index in range(count):
            is_open = index == 0 if ctx.showcase else rng.random() < 0.3
            duration = timedelta(seconds=rng.randint(1800, 6 * 86400))
            span_end = ctx.timeline.horizon if is_open else ctx.timeline.horizon - duration
            opened = moment(rng, ctx.timeline.start, span_end) if span_end > ctx.timeline.start else ctx.timeline.start
            resolved = None if is_open else min(opened + duration, ctx.timeline.horizon)
            self._tickets += 1
            subject = rng.choice(TICKET_SUBJECTS[ctx.identity.language]).format_map(self._placeholders(ctx, opened))
            rows.append(
                {"workspace_id": ctx.workspace_id, "contact_id": ctx.contact_id,
                 "external_id": f"{self._prefix}-TCK-{self._tickets:07d}", "subject": subject,
                 "status": TicketStatus.OPEN if is_open else TicketStatus.RESOLVED,
                 "opened_at": opened, "resolved_at": resolved}
            )
        return rows

    def nps_answers(self, ctx: ContactContext, count: int) -> list[dict]:
        """NPS answers with a comment matching the score's category most of the time."""
        rng = self._rng
        rows = []
        for _ in range(count):
            score = rng.choices(range(11), weights=SCORE_WEIGHTS)[0]
            comments = NPS_COMMENTS[ctx.identity.language][nps_category(score).value]
            comment = rng.choice(comments) if ctx.showcase or rng.random() < 0.7 else None
            self._answers += 1
            rows.append(
                {"workspace_id": ctx.workspace_id, "contact_id": ctx.contact_id,
                 "external_id": f"{self._prefix.lower()}-nps-{self._answers:07d}", "score": score,
                 "comment": comment, "responded_at": moment(rng, ctx.timeline.start, ctx.timeline.horizon)}
            )
        return rows

    def notes(self, ctx: ContactContext, count: int) -> list[dict]:
        """Internal notes by the workspace's users; not activity, so any time since joining."""
        rng = self._rng
        rows = []
        for _ in range(count):
            created = moment(rng, ctx.timeline.contact_since, ctx.timeline.now)
            body = rng.choice(NOTES[ctx.identity.language]).format_map(self._placeholders(ctx, created))
            rows.append(
                {"workspace_id": ctx.workspace_id, "contact_id": ctx.contact_id,
                 "author_user_id": rng.choice(self._catalog.users).id, "body": body, "created_at": created}
            )
        return rows
