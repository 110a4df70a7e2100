"""Enumerations shared by the domain and (through it) the API."""

from enum import Enum


class Role(str, Enum):
    AGENT = "AGENT"
    OPERATOR = "OPERATOR"
    ADMIN = "ADMIN"


class Channel(str, Enum):
    SMS = "SMS"
    EMAIL = "EMAIL"
    WHATSAPP = "WHATSAPP"
    RCS = "RCS"


class SubscriptionStatus(str, Enum):
    SUBSCRIBED = "SUBSCRIBED"
    UNSUBSCRIBED = "UNSUBSCRIBED"


class ContactOrigin(str, Enum):
    MANUAL = "MANUAL"
    IMPORT = "IMPORT"
    SATISFACTION_RESCORE = "SATISFACTION_RESCORE"
    API = "API"
    FORM = "FORM"
    INBOUND_MESSAGE = "INBOUND_MESSAGE"
    INTEGRATION = "INTEGRATION"


class MessageEventType(str, Enum):
    SENT = "SENT"
    DELIVERED = "DELIVERED"
    READ = "READ"
    CLICKED = "CLICKED"
    REPLIED = "REPLIED"
    BOUNCED = "BOUNCED"
    FAILED = "FAILED"
    BLOCKED_UNSUBSCRIBED = "BLOCKED_UNSUBSCRIBED"


class EngagementStatus(str, Enum):
    NEW = "NEW"
    FREQUENT = "FREQUENT"
    DORMANT = "DORMANT"
    EXPIRED = "EXPIRED"
    INACTIVE = "INACTIVE"
    DISCARDED = "DISCARDED"


class DiscardReason(str, Enum):
    SUSPENDED = "SUSPENDED"
    HARD_BOUNCE = "HARD_BOUNCE"
    SPAM_COMPLAINT = "SPAM_COMPLAINT"
    INVALID_ADDRESS = "INVALID_ADDRESS"


class CustomFieldType(str, Enum):
    TEXT = "TEXT"
    NUMBER = "NUMBER"
    DATE = "DATE"
    BOOLEAN = "BOOLEAN"
    CHOICE = "CHOICE"


class TicketStatus(str, Enum):
    OPEN = "OPEN"
    RESOLVED = "RESOLVED"


class TurnRole(str, Enum):
    CUSTOMER = "CUSTOMER"
    AGENT = "AGENT"


class SatisfactionLabel(str, Enum):
    SATISFIED = "SATISFIED"
    NEUTRAL = "NEUTRAL"
    DISSATISFIED = "DISSATISFIED"


class NpsCategory(str, Enum):
    PROMOTER = "PROMOTER"
    PASSIVE = "PASSIVE"
    DETRACTOR = "DETRACTOR"


class FlowEnrolmentStatus(str, Enum):
    ACTIVE = "ACTIVE"
    COMPLETED = "COMPLETED"
    EXITED = "EXITED"


class SortDirection(str, Enum):
    ASC = "ASC"
    DESC = "DESC"


class ContactOrderField(str, Enum):
    NAME = "NAME"
    CONTACT_SINCE = "CONTACT_SINCE"
    LAST_ACTIVITY_AT = "LAST_ACTIVITY_AT"


class JobKind(str, Enum):
    BULK_ACTION = "BULK_ACTION"
    IMPORT = "IMPORT"
    SATISFACTION_RESCORE = "SATISFACTION_RESCORE"


class JobStatus(str, Enum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class BulkAction(str, Enum):
    ADD_TAG = "ADD_TAG"
    ADD_TO_GROUP = "ADD_TO_GROUP"
    CONNECT_FLOW = "CONNECT_FLOW"
    SUSPEND = "SUSPEND"
    DELETE = "DELETE"
