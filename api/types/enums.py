"""Domain enums exposed in the schema under the same names and values."""

import strawberry

from domain import enums

Role = strawberry.enum(enums.Role)
Channel = strawberry.enum(enums.Channel)
SubscriptionStatus = strawberry.enum(enums.SubscriptionStatus)
ContactOrigin = strawberry.enum(enums.ContactOrigin)
ConsentBasis = strawberry.enum(enums.ConsentBasis, description="The legal basis of a channel's messages: CONSENT "
                               "(the person agreed), CONTRACT (needed for a contract with them), LEGITIMATE_INTEREST.")
ConsentSource = strawberry.enum(enums.ConsentSource, description="Where a consent came from: a FORM, an IMPORT, an "
                                "INBOUND_MESSAGE (the person wrote on the channel), the API, or an AGENT who heard it.")
MessageEventType = strawberry.enum(enums.MessageEventType)
BounceType = strawberry.enum(enums.BounceType, description="HARD: the address does not exist or refuses for good "
                             "(discards the contact); SOFT: a passing refusal (full mailbox, phone off).")
FailureReason = strawberry.enum(enums.FailureReason, description="INVALID_ADDRESS: the address cannot receive "
                                "messages at all (discards the contact); OTHER: anything else.")
EngagementStatus = strawberry.enum(enums.EngagementStatus)
DiscardReason = strawberry.enum(enums.DiscardReason)
FlowEnrolmentStatus = strawberry.enum(enums.FlowEnrolmentStatus)
CustomFieldType = strawberry.enum(enums.CustomFieldType)
SatisfactionLabel = strawberry.enum(enums.SatisfactionLabel)
NpsCategory = strawberry.enum(enums.NpsCategory)
SortDirection = strawberry.enum(enums.SortDirection)
ContactOrderField = strawberry.enum(enums.ContactOrderField)
BulkAction = strawberry.enum(enums.BulkAction)
TicketStatus = strawberry.enum(enums.TicketStatus)
TurnRole = strawberry.enum(enums.TurnRole)
AuditAction = strawberry.enum(enums.AuditAction)
AuditSource = strawberry.enum(enums.AuditSource)
