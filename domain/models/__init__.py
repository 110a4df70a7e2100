"""SQLModel tables. Importing this package registers every table on SQLModel.metadata."""

from domain.models.activity import ContactChannelDaily, MessageEvent
from domain.models.audit import AuditEntry
from domain.models.catalog import (
    Company,
    ContactList,
    ContactListMember,
    ContactTag,
    Department,
    Flow,
    FlowEnrolment,
    Group,
    GroupMember,
    Segment,
    Tag,
)
from domain.models.channels import ChannelSubscription
from domain.models.contact import Contact, ContactTombstone
from domain.models.contact_counts import (
    ContactActivityCount,
    ContactActivityDelta,
    MembershipActivityCount,
    MembershipActivityDelta,
    MembershipCount,
    MembershipDelta,
)
from domain.models.conversations import Conversation, ConversationTurn
from domain.models.custom_fields import CustomFieldDefinition, CustomFieldValue
from domain.models.items import ContactItem, Item, ItemInteraction
from domain.models.maintenance import DeferredDdl
from domain.models.jobs import Job, JobFile, JobItem, JobRowError
from domain.models.satisfaction_models import ModelActivation
from domain.models.support import Note, NpsResponse, Ticket
from domain.models.workspace import ApiKey, User, Workspace

__all__ = [
    "ModelActivation",
    "ApiKey",
    "AuditEntry",
    "DeferredDdl",
    "ChannelSubscription",
    "Company",
    "Contact",
    "ContactActivityCount",
    "ContactActivityDelta",
    "MembershipActivityCount",
    "MembershipActivityDelta",
    "MembershipCount",
    "MembershipDelta",
    "ContactChannelDaily",
    "ContactItem",
    "ContactList",
    "ContactListMember",
    "ContactTag",
    "ContactTombstone",
    "Conversation",
    "ConversationTurn",
    "CustomFieldDefinition",
    "CustomFieldValue",
    "Department",
    "Flow",
    "FlowEnrolment",
    "Group",
    "GroupMember",
    "Item",
    "ItemInteraction",
    "Job",
    "JobFile",
    "JobItem",
    "JobRowError",
    "MessageEvent",
    "Note",
    "NpsResponse",
    "Segment",
    "Tag",
    "Ticket",
    "User",
    "Workspace",
]


def _ids_never_reused() -> None:
    """SQLite: a table with an integer id never hands a deleted row's id out again (AUTOINCREMENT),
    as PostgreSQL's sequences never do; ids are public. Migration f3b8d6e1a7c9 rebuilt the existing tables."""
    from sqlmodel import SQLModel

    for table in SQLModel.metadata.tables.values():
        if [c.name for c in table.primary_key.columns] == ["id"]:
            table.dialect_options["sqlite"]["autoincrement"] = True


_ids_never_reused()
