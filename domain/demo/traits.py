"""What a demo contact is like, decided before any row is written.

Shares follow the brief of the demo: about 5% inactive, 3% discarded, 80% with a company, 60% with
a department, 70% assigned, 40% with conversations, 30% with an NPS answer, 50% with items.
"""

from dataclasses import dataclass

from domain.enums import DiscardReason, EngagementStatus

STATUS_WEIGHTS: dict[EngagementStatus, float] = {
    EngagementStatus.NEW: 0.29,
    EngagementStatus.FREQUENT: 0.25,
    EngagementStatus.DORMANT: 0.21,
    EngagementStatus.EXPIRED: 0.19,
    EngagementStatus.INACTIVE: 0.05,
}


@dataclass(frozen=True)
class Traits:
    status: EngagementStatus  # the activity band aimed at (never DISCARDED)
    discard: DiscardReason | None
    has_email: bool
    has_phone: bool
    channel_count: int  # how many of the reachable channels the contact subscribed to
    company: bool
    department: bool
    agent: bool
    group: bool
    tags: int
    lists: int
    member_of_group: bool
    flows: int
    field_share: float  # chance of having a value for each custom field
    notes: int
    conversations: int
    tickets: int
    nps_answers: int
    items: int
    unsubscribe: bool
    showcase: bool = False
    age_days: int | None = None  # pins the age of the last activity (showcase only)


def _count(rng, weights: tuple[float, ...]) -> int:
    """0, 1, 2... drawn with the given weights."""
    return rng.choices(range(len(weights)), weights=weights)[0]


def random_traits(rng) -> Traits:
    """An ordinary contact."""
    status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
    active = status != EngagementStatus.INACTIVE
    contactability = rng.random()
    assigned = rng.random() < 0.7
    assignment = rng.choices(("agent", "group", "both"), weights=(0.4, 0.3, 0.3))[0] if assigned else ""
    return Traits(
        status=status,
        discard=rng.choice(list(DiscardReason)) if rng.random() < 0.03 else None,
        has_email=contactability >= 0.05,
        has_phone=contactability < 0.05 or contactability >= 0.10,
        channel_count=rng.choices((1, 2, 3, 4), weights=(0.08, 0.37, 0.35, 0.2))[0],
        company=rng.random() < 0.8,
        department=rng.random() < 0.6,
        agent=assignment in ("agent", "both"),
        group=assignment in ("group", "both"),
        tags=_count(rng, (0.3, 0.35, 0.2, 0.15)),
        lists=_count(rng, (0.4, 0.4, 0.2)),
        member_of_group=rng.random() < 0.5,
        flows=_count(rng, (0.55, 0.35, 0.1)),
        field_share=0.8 if rng.random() < 0.85 else 0.0,
        notes=_count(rng, (0.45, 0.3, 0.15, 0.1)),
        # Inactive contacts can have neither, so active ones get a little more than the target share.
        conversations=_count(rng, (0, 0.55, 0.3, 0.15)) if active and rng.random() < 0.435 else 0,
        tickets=_count(rng, (0, 0.7, 0.3)) if active and rng.random() < 0.2 else 0,
        nps_answers=_count(rng, (0, 0.8, 0.2)) if active and rng.random() < 0.325 else 0,
        items=rng.randint(1, 6) if rng.random() < 0.5 else 0,
        unsubscribe=rng.random() < 0.05,
    )


def showcase_traits() -> Traits:
    """The contact the demo opens on: every fact of the profile page is filled in."""
    return Traits(
        status=EngagementStatus.NEW,
        discard=None,
        has_email=True,
        has_phone=True,
        channel_count=4,
        company=True,
        department=True,
        agent=True,
        group=True,
        tags=3,
        lists=2,
        member_of_group=True,
        flows=2,
        field_share=1.0,
        notes=3,
        conversations=3,
        tickets=3,
        nps_answers=2,
        items=5,
        unsubscribe=False,
        showcase=True,
        age_days=1,
    )
