"""Reading background jobs (bulk actions, imports) of the caller's workspace."""

from domain.db import RequestSession
from domain.enums import JobKind
from domain.models import Job
from domain.policies import Action, Principal, authorize
from domain.repositories import jobs as jobs_repo


async def get_job(*, session: RequestSession, principal: Principal, job_id: int, kind: JobKind) -> Job | None:
    """The job of this kind with this id in the caller's workspace, or None."""
    authorize(principal, Action.READ)
    return await jobs_repo.get(session, workspace_id=principal.workspace_id, job_id=job_id, kind=kind)
