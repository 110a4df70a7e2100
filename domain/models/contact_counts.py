"""Counts the contacts module reads instead of scanning the workspace: kept exact by database triggers.

Every write path (API, import, ingestion, bulk jobs, the demo loader, raw SQL) changes `contact` and the
membership tables; triggers installed by the migrations (20261202_d4e8f2a6b1c3, 20261203_f6a1b4c8d2e7)
keep these tables in step, so no Python code has to remember them.
`domain.repositories.counters.rebuild_counters` recomputes them.

Engagement status depends on the clock, so contacts are counted per UTC day of their last activity (and
discard reason), not per status: a status count is a sum of day buckets (see domain.reads.contact_counts).
Three tables of totals:

- ContactActivityCount: the activity histogram of a workspace, (day, discard reason) -> contacts.
- MembershipCount: members per tag, list or group.
- MembershipActivityCount: the activity histogram of the members of one tag, list or group (a status
  count within a tag: contactStatusCounts under a tag filter, a segment "status NEW/FREQUENT + tag vip").
  Each membership counts at its contact's current bucket (the contact's workspace, day and reason); a
  contact whose bucket changes moves all its memberships, a deleted contact takes them out first.

On PostgreSQL, writers only append deltas (`*_delta`), never update a shared row, so concurrent imports
and ingestion do not queue behind one counter row; the deltas are folded into the totals now and then
(by whichever writer gets the advisory lock) and readers add the unfolded ones. On SQLite (one writer
at a time) the triggers update the totals directly and the delta tables stay empty.
"""

from sqlalchemy import Column, ForeignKey, Index, Integer, String
from sqlmodel import Field, SQLModel

from domain.db import BigIntKey

# The `day` of a contact without any activity (real days since 1970 stay within +-3 million).
NO_ACTIVITY_DAY = -2_147_483_648
# The `discard_reason` of a contact that is not discarded (NULL cannot be part of a primary key).
NOT_DISCARDED = ""
# `kind` of a membership count, by membership table.
MEMBERSHIP_KINDS = {"contact_tag": "tag", "contact_list_member": "list", "contact_group_member": "group"}


class ContactActivityCount(SQLModel, table=True):
    """Contacts of a workspace per (UTC day of last activity, discard reason)."""

    __tablename__ = "contact_activity_count"

    workspace_id: int = Field(foreign_key="workspace.id", primary_key=True)
    day: int = Field(primary_key=True, sa_type=Integer, sa_column_kwargs={"autoincrement": False})
    discard_reason: str = Field(primary_key=True, sa_type=String(32))
    contacts: int = Field(sa_type=Integer)


class ContactActivityDelta(SQLModel, table=True):
    """Changes of ContactActivityCount not folded in yet (PostgreSQL only)."""

    __tablename__ = "contact_activity_delta"
    __table_args__ = (Index("ix_contact_activity_delta_ws", "workspace_id"),)

    id: int | None = Field(default=None, sa_column=Column(BigIntKey, primary_key=True))
    workspace_id: int = Field(sa_column=Column(Integer, ForeignKey("workspace.id"), nullable=False))
    day: int = Field(sa_type=Integer)
    discard_reason: str = Field(sa_type=String(32))
    contacts: int = Field(sa_type=Integer)


class MembershipCount(SQLModel, table=True):
    """Contacts per tag, contact list or group (`kind` says which)."""

    __tablename__ = "membership_count"

    workspace_id: int = Field(foreign_key="workspace.id", primary_key=True)
    kind: str = Field(primary_key=True, sa_type=String(8))
    target_id: int = Field(primary_key=True, sa_type=Integer, sa_column_kwargs={"autoincrement": False})
    contacts: int = Field(sa_type=Integer)


class MembershipDelta(SQLModel, table=True):
    """Changes of MembershipCount not folded in yet (PostgreSQL only)."""

    __tablename__ = "membership_delta"
    __table_args__ = (Index("ix_membership_delta_ws", "workspace_id"),)

    id: int | None = Field(default=None, sa_column=Column(BigIntKey, primary_key=True))
    workspace_id: int = Field(sa_column=Column(Integer, ForeignKey("workspace.id"), nullable=False))
    kind: str = Field(sa_type=String(8))
    target_id: int = Field(sa_type=Integer)
    contacts: int = Field(sa_type=Integer)


class MembershipActivityCount(SQLModel, table=True):
    """Members of a tag, contact list or group per (contact's UTC day of last activity, discard reason)."""

    __tablename__ = "membership_activity_count"

    workspace_id: int = Field(foreign_key="workspace.id", primary_key=True)
    kind: str = Field(primary_key=True, sa_type=String(8))
    target_id: int = Field(primary_key=True, sa_type=Integer, sa_column_kwargs={"autoincrement": False})
    day: int = Field(primary_key=True, sa_type=Integer, sa_column_kwargs={"autoincrement": False})
    discard_reason: str = Field(primary_key=True, sa_type=String(32))
    contacts: int = Field(sa_type=Integer)


class MembershipActivityDelta(SQLModel, table=True):
    """Changes of MembershipActivityCount not folded in yet (PostgreSQL only)."""

    __tablename__ = "membership_activity_delta"
    __table_args__ = (Index("ix_membership_activity_delta_target", "workspace_id", "kind", "target_id"),)

    id: int | None = Field(default=None, sa_column=Column(BigIntKey, primary_key=True))
    workspace_id: int = Field(sa_column=Column(Integer, ForeignKey("workspace.id"), nullable=False))
    kind: str = Field(sa_type=String(8))
    target_id: int = Field(sa_type=Integer)
    day: int = Field(sa_type=Integer)
    discard_reason: str = Field(sa_type=String(32))
    contacts: int = Field(sa_type=Integer)
