"""Work the database still owes itself: DDL a bulk load set aside and must put back."""

from sqlalchemy import Column, Integer, Text
from sqlmodel import Field, SQLModel


class DeferredDdl(SQLModel, table=True):
    """One statement that recreates an index, key or trigger state a bulk load set aside (PostgreSQL).

    Written in the transaction that drops what it recreates, deleted in the one that runs it, so an
    interrupted load leaves exactly the statements still owed; the next `rapport migrate` or `rapport
    demo` runs them (domain.migrate.upgrade, domain.demo.parallel.structures.put_back_owed).
    """

    __tablename__ = "deferred_ddl"

    position: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    statement: str = Field(sa_column=Column(Text, nullable=False))
