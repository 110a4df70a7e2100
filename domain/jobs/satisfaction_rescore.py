"""The SATISFACTION_RESCORE job handler: relabels a workspace's conversations in id order, in batches.

The cursor is the last conversation id whose new verdict is committed, so a restarted server goes
on after it. The model is the one fixed when the job was queued (`params.spec`).
"""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import JobKind
from domain.errors import ModelInvalid, ServiceUnavailable
from domain.jobs.registry import JobServices, register
from domain.models import Job
from domain.repositories import satisfaction as repo
from domain.services.satisfaction_models import score_conversations
from ml.serving import ModelError

BATCH = 500


class RescoreHandler:
    async def run_batch(self, session: AsyncSession, job: Job, *, now: datetime, services: JobServices) -> bool:
        if services.models is None:
            raise ServiceUnavailable("this process serves no satisfaction models")
        spec = str(job.params["spec"])
        try:
            model = services.models.model(spec)
        except ModelError as exc:
            raise ModelInvalid(f"the model this rescore was queued with cannot load: {exc.message}") from None
        ids = await repo.conversation_ids_after(
            session, workspace_id=job.workspace_id, after=job.cursor, up_to=int(job.params["up_to"]), limit=BATCH
        )
        if ids:
            await score_conversations(session, model=model, workspace_id=job.workspace_id, conversation_ids=ids, now=now)
            job.cursor = ids[-1]
            job.processed += len(ids)
        return len(ids) < BATCH


register(JobKind.SATISFACTION_RESCORE, RescoreHandler())
