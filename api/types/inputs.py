"""Inputs of the contacts module: filter, order, consent."""

from datetime import datetime

import strawberry

from api.ids import parse_typed_id, parse_typed_ids
from api.types.enums import Channel, ConsentBasis, ConsentSource, ContactOrderField, DiscardReason, EngagementStatus, SortDirection, SubscriptionStatus
from domain import enums as domain_enums
from domain import filters
from domain.consent import ConsentRequest
from domain.enums import ContactOrderField as OrderField
from domain.enums import SortDirection as Direction


@strawberry.input(description="One channel in one state.")
class ChannelStatusFilter:
    channel: Channel
    status: SubscriptionStatus


@strawberry.input(
    description="Facets combine with AND; the values inside one facet with OR (any of the tags). "
    "An empty or absent facet does not filter."
)
class ContactFilter:
    status: list[EngagementStatus] | None = None
    tag_ids: list[strawberry.ID] | None = None
    group_ids: list[strawberry.ID] | None = None
    list_ids: list[strawberry.ID] | None = None
    company_ids: list[strawberry.ID] | None = None
    department_ids: list[strawberry.ID] | None = None
    flow_ids: list[strawberry.ID] | None = None
    discard_reason: list[DiscardReason] | None = strawberry.field(
        default=None, description="DISCARDED contacts discarded for any of these reasons ([SUSPENDED]: the suspended tab)."
    )
    channel_status: list[ChannelStatusFilter] | None = strawberry.field(
        default=None, description="Contacts with any of these channel states, e.g. [{channel: WHATSAPP, status: UNSUBSCRIBED}]."
    )
    segment_id: strawberry.ID | None = strawberry.field(
        default=None, description="Also apply this segment's saved filter and search."
    )

    def to_domain(self) -> filters.ContactFilter:
        def ids(given: list[strawberry.ID] | None, type_name: str, field: str) -> tuple[int, ...]:
            return parse_typed_ids(given, type_name, field=f"filter.{field}", limit=filters.MAX_IDS_PER_FACET)

        return filters.ContactFilter(
            statuses=tuple(self.status or ()),
            tag_ids=ids(self.tag_ids, "Tag", "tagIds"),
            group_ids=ids(self.group_ids, "Group", "groupIds"),
            list_ids=ids(self.list_ids, "ContactList", "listIds"),
            company_ids=ids(self.company_ids, "Company", "companyIds"),
            department_ids=ids(self.department_ids, "Department", "departmentIds"),
            flow_ids=ids(self.flow_ids, "Flow", "flowIds"),
            discard_reasons=tuple(dict.fromkeys(domain_enums.DiscardReason(r) for r in self.discard_reason or ())),
            channel_statuses=tuple(dict.fromkeys(
                (domain_enums.Channel(c.channel), domain_enums.SubscriptionStatus(c.status)) for c in self.channel_status or ()
            )),
            segment_id=parse_typed_id(self.segment_id, "Segment", field="filter.segmentId") if self.segment_id else None,
        )


@strawberry.input
class ContactOrder:
    field: ContactOrderField
    direction: SortDirection = Direction.ASC

    def to_domain(self) -> filters.ContactOrder:
        return filters.ContactOrder(field=OrderField(self.field), direction=Direction(self.direction))


def to_query(filter: ContactFilter | None, search: str | None) -> filters.ContactQuery:
    return filters.ContactQuery(
        filter=filter.to_domain() if filter else filters.ContactFilter(),
        search=search,
    )


@strawberry.input(description="A consent to one channel: its legal basis, where it came from and the wording the "
                  "person agreed to (at most 2,000 characters). `at` is when they agreed (default: now; never in "
                  "the future). The caller is recorded as who took it.")
class ConsentInput:
    basis: ConsentBasis
    source: ConsentSource
    text: str | None = None
    at: datetime | None = None

    def to_domain(self, channel: object = None) -> ConsentRequest:
        return ConsentRequest(
            basis=domain_enums.ConsentBasis(self.basis), source=domain_enums.ConsentSource(self.source), text=self.text,
            at=self.at, channel=None if channel is None else domain_enums.Channel(channel),
        )


@strawberry.input(description="A consent to one channel of a new contact (WHATSAPP and RCS need one to show).")
class ChannelConsentInput(ConsentInput):
    channel: Channel
