"""Who may do what: the one role and workspace policy of Rapport.

Every service function receives a Principal (the caller, resolved from an API key) and asks this
module before reading or changing anything. The API layer never checks roles itself.
"""

from dataclasses import dataclass
from enum import Enum

from domain.enums import Role
from domain.errors import DomainError, ErrorCode


@dataclass(frozen=True)
class Principal:
    """The caller of a request: a user acting in one workspace with one role."""

    workspace_id: int
    user_id: int
    role: Role


class Action(str, Enum):
    READ = "READ"
    WRITE = "WRITE"  # every mutation not listed below
    DELETE_TAG = "DELETE_TAG"
    DELETE_DEPARTMENT = "DELETE_DEPARTMENT"
    DELETE_CUSTOM_FIELD = "DELETE_CUSTOM_FIELD"
    INGEST = "INGEST"
    ADMINISTER_MODELS = "ADMINISTER_MODELS"
    ADMINISTER_ACCESS = "ADMINISTER_ACCESS"  # users, their roles and API keys; the audit trail


_ALLOWED: dict[Role, frozenset[Action]] = {
    Role.AGENT: frozenset({Action.READ}),
    Role.OPERATOR: frozenset({Action.READ, Action.WRITE, Action.INGEST}),
    Role.ADMIN: frozenset(Action),
}


class Forbidden(DomainError):
    """The caller's role may not do this (a userError in mutations, a coded error in queries)."""

    code = ErrorCode.FORBIDDEN

    def __init__(self, role: Role, action: Action) -> None:
        super().__init__(f"the {role.value} role may not {action.value.lower().replace('_', ' ')}")
        self.role = role
        self.action = action


def is_allowed(principal: Principal, action: Action) -> bool:
    return action in _ALLOWED[principal.role]


def authorize(principal: Principal, action: Action) -> None:
    if not is_allowed(principal, action):
        raise Forbidden(principal.role, action)
