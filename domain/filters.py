"""What a contacts query asks for: filter, search and order, independent of the API's shapes."""

from dataclasses import dataclass, field, replace
from typing import Any

from domain.enums import Channel, ContactOrderField, DiscardReason, EngagementStatus, SortDirection, SubscriptionStatus
from domain.errors import InvalidInput

# Ids one facet may name. Far more than a person picks, and every facet of a filter and of its segment
# together stay well under the 32,767 values PostgreSQL binds in one statement.
MAX_IDS_PER_FACET = 1_000
# (facet attribute, the GraphQL input field it comes from)
FACETS = (
    ("tag_ids", "tagIds"), ("group_ids", "groupIds"), ("list_ids", "listIds"), ("company_ids", "companyIds"),
    ("department_ids", "departmentIds"), ("flow_ids", "flowIds"),
)


@dataclass(frozen=True)
class ContactFilter:
    """Facets are combined with AND; the ids inside one facet with OR (any of the tags...).

    An empty facet does not filter. Ids are the workspace's own primary keys.
    """

    statuses: tuple[EngagementStatus, ...] = ()
    tag_ids: tuple[int, ...] = ()
    group_ids: tuple[int, ...] = ()
    list_ids: tuple[int, ...] = ()
    company_ids: tuple[int, ...] = ()
    department_ids: tuple[int, ...] = ()
    flow_ids: tuple[int, ...] = ()
    # DISCARDED contacts discarded for one of these reasons (the suspended tab: (SUSPENDED,)).
    discard_reasons: tuple[DiscardReason, ...] = ()
    # Contacts with a channel in one of these states, e.g. ((WHATSAPP, UNSUBSCRIBED),).
    channel_statuses: tuple[tuple[Channel, SubscriptionStatus], ...] = ()
    segment_id: int | None = None

    def __post_init__(self) -> None:
        for attribute, name in FACETS:
            if len(getattr(self, attribute)) > MAX_IDS_PER_FACET:
                raise InvalidInput(f"a filter names at most {MAX_IDS_PER_FACET:,} ids per facet", field=f"filter.{name}")

    def without_statuses(self) -> "ContactFilter":
        return replace(self, statuses=())

    def to_json(self) -> dict[str, Any]:
        """The stored form of a segment's filter (same keys as the GraphQL input)."""
        data: dict[str, Any] = {
            "status": [s.value for s in self.statuses],
            "tagIds": list(self.tag_ids),
            "groupIds": list(self.group_ids),
            "listIds": list(self.list_ids),
            "companyIds": list(self.company_ids),
            "departmentIds": list(self.department_ids),
            "flowIds": list(self.flow_ids),
            "discardReason": [r.value for r in self.discard_reasons],
            "channelStatus": [{"channel": c.value, "status": s.value} for c, s in self.channel_statuses],
        }
        return {k: v for k, v in data.items() if v}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> "ContactFilter":
        data = data or {}

        def ids(key: str) -> tuple[int, ...]:
            return tuple(int(v) for v in data.get(key) or ())

        return cls(
            statuses=tuple(EngagementStatus(s) for s in data.get("status") or ()),
            tag_ids=ids("tagIds"),
            group_ids=ids("groupIds"),
            list_ids=ids("listIds"),
            company_ids=ids("companyIds"),
            department_ids=ids("departmentIds"),
            flow_ids=ids("flowIds"),
            discard_reasons=tuple(DiscardReason(r) for r in data.get("discardReason") or ()),
            channel_statuses=tuple(
                (Channel(c["channel"]), SubscriptionStatus(c["status"])) for c in data.get("channelStatus") or ()
            ),
        )


@dataclass(frozen=True)
class ContactQuery:
    """A filter plus a free-text search; segments are stored as one of these."""

    filter: ContactFilter = field(default_factory=ContactFilter)
    search: str | None = None


@dataclass(frozen=True)
class ContactOrder:
    field: ContactOrderField = ContactOrderField.CONTACT_SINCE
    direction: SortDirection = SortDirection.DESC
