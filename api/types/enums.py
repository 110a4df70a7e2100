"""Domain enums exposed in the schema under the same names and values."""

import strawberry

from domain import enums

Role = strawberry.enum(enums.Role)
Channel = strawberry.enum(enums.Channel)
SubscriptionStatus = strawberry.enum(enums.SubscriptionStatus)
ContactOrigin = strawberry.enum(enums.ContactOrigin)
MessageEventType = strawberry.enum(enums.MessageEventType)
EngagementStatus = strawberry.enum(enums.EngagementStatus)
DiscardReason = strawberry.enum(enums.DiscardReason)
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
