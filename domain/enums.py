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


class ConsentBasis(str, Enum):
    """The legal basis a channel's messages rest on (GDPR art. 6, LGPD art. 7)."""

    CONSENT = "CONSENT"
    CONTRACT = "CONTRACT"
    LEGITIMATE_INTEREST = "LEGITIMATE_INTEREST"


class ConsentSource(str, Enum):
    """Where a consent record came from."""

    FORM = "FORM"
    IMPORT = "IMPORT"
    INBOUND_MESSAGE = "INBOUND_MESSAGE"
    API = "API"
    AGENT = "AGENT"


class ContactOrigin(str, Enum):
    MANUAL = "MANUAL"
    IMPORT = "IMPORT"
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
    COMPLAINED = "COMPLAINED"
    BLOCKED_UNSUBSCRIBED = "BLOCKED_UNSUBSCRIBED"
    BLOCKED_DISCARDED = "BLOCKED_DISCARDED"


class BounceType(str, Enum):
    HARD = "HARD"
    SOFT = "SOFT"


class FailureReason(str, Enum):
    INVALID_ADDRESS = "INVALID_ADDRESS"
    OTHER = "OTHER"


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
    REMOVE_TAG = "REMOVE_TAG"
    ADD_TO_GROUP = "ADD_TO_GROUP"
    REMOVE_FROM_GROUP = "REMOVE_FROM_GROUP"
    ADD_TO_LIST = "ADD_TO_LIST"
    REMOVE_FROM_LIST = "REMOVE_FROM_LIST"
    CONNECT_FLOW = "CONNECT_FLOW"
    SUSPEND = "SUSPEND"
    REACTIVATE = "REACTIVATE"
    UNSUBSCRIBE = "UNSUBSCRIBE"
    DELETE = "DELETE"


class AuditAction(str, Enum):
    """Every kind of audit entry; the one writer (repositories.audit.write_entries) accepts only these.

    A change to one contact has one name however it was made (one action, a bulk job, an import).
    """

    CONTACT_CREATED = "CONTACT_CREATED"
    CONTACT_UPDATED = "CONTACT_UPDATED"
    CONTACT_SUSPENDED = "CONTACT_SUSPENDED"
    CONTACT_REACTIVATED = "CONTACT_REACTIVATED"
    # A message event discarded the contact (hard bounce, complaint, invalid address).
    CONTACT_DISCARDED = "CONTACT_DISCARDED"
    CONTACT_TAGS_ADDED = "CONTACT_TAGS_ADDED"
    CONTACT_TAGS_REMOVED = "CONTACT_TAGS_REMOVED"
    CONTACT_GROUPS_ADDED = "CONTACT_GROUPS_ADDED"
    CONTACT_GROUPS_REMOVED = "CONTACT_GROUPS_REMOVED"
    CONTACT_LISTS_ADDED = "CONTACT_LISTS_ADDED"
    CONTACT_LISTS_REMOVED = "CONTACT_LISTS_REMOVED"
    # Enrolled in a flow (bulk CONNECT_FLOW), or enrolled again after leaving it.
    CONTACT_FLOWS_ADDED = "CONTACT_FLOWS_ADDED"
    CONTACT_COMPANY_SET = "CONTACT_COMPANY_SET"
    CONTACT_DEPARTMENT_SET = "CONTACT_DEPARTMENT_SET"
    CONTACT_ASSIGNED = "CONTACT_ASSIGNED"
    CONTACT_UNSUBSCRIBED = "CONTACT_UNSUBSCRIBED"
    CONTACT_SUBSCRIBED = "CONTACT_SUBSCRIBED"
    NOTE_CREATED = "NOTE_CREATED"
    CONTACTS_DELETED = "CONTACTS_DELETED"
    # The catalogue (domain.services.catalog_edit, segments).
    TAG_CREATED = "TAG_CREATED"
    TAG_RENAMED = "TAG_RENAMED"
    TAG_DELETED = "TAG_DELETED"
    DEPARTMENT_CREATED = "DEPARTMENT_CREATED"
    DEPARTMENT_RENAMED = "DEPARTMENT_RENAMED"
    DEPARTMENT_DELETED = "DEPARTMENT_DELETED"
    GROUP_CREATED = "GROUP_CREATED"
    GROUP_RENAMED = "GROUP_RENAMED"
    CONTACT_LIST_CREATED = "CONTACT_LIST_CREATED"
    CONTACT_LIST_RENAMED = "CONTACT_LIST_RENAMED"
    CONTACT_LIST_DELETED = "CONTACT_LIST_DELETED"
    GROUP_DELETED = "GROUP_DELETED"
    COMPANY_CREATED = "COMPANY_CREATED"
    COMPANY_RENAMED = "COMPANY_RENAMED"
    COMPANY_DELETED = "COMPANY_DELETED"
    SEGMENT_CREATED = "SEGMENT_CREATED"
    SEGMENT_UPDATED = "SEGMENT_UPDATED"
    SEGMENT_DELETED = "SEGMENT_DELETED"
    CUSTOM_FIELD_CREATED = "CUSTOM_FIELD_CREATED"
    CUSTOM_FIELD_UPDATED = "CUSTOM_FIELD_UPDATED"
    # Also written in the history of each contact that held a value of the deleted field.
    CUSTOM_FIELD_DELETED = "CUSTOM_FIELD_DELETED"
    # Access (domain.services.access): the workspace's people and their keys.
    WORKSPACE_CREATED = "WORKSPACE_CREATED"
    USER_CREATED = "USER_CREATED"
    USER_ROLE_CHANGED = "USER_ROLE_CHANGED"
    USER_DEACTIVATED = "USER_DEACTIVATED"
    USER_REACTIVATED = "USER_REACTIVATED"
    API_KEY_CREATED = "API_KEY_CREATED"
    API_KEY_REVOKED = "API_KEY_REVOKED"


class AuditSource(str, Enum):
    """Where an audited change came from."""

    API = "API"  # a GraphQL caller (its user is the entry's actor)
    CLI = "CLI"  # the installation's operator, on the command line (no actor)
