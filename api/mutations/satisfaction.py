"""Mutations of the satisfaction classifier: switch the serving model, relabel stored conversations."""

import strawberry

from api.context import Info
from api.mutations.common import UserError, attempt, wake_job_runner
from api.types.catalog import maybe
from api.types.satisfaction import SatisfactionModelVersion, SatisfactionRescoreJob
from domain.services import satisfaction_models


@strawberry.type
class SatisfactionModelActivatePayload:
    model: SatisfactionModelVersion | None
    user_errors: list[UserError]


@strawberry.type
class SatisfactionRescorePayload:
    job: SatisfactionRescoreJob | None
    user_errors: list[UserError]


@strawberry.type
class SatisfactionMutations:
    @strawberry.mutation(
        description="ADMIN only. Score your workspace's conversations with this version from now on, in every server "
        "process, without a restart. The artifact is checked against its manifest first: a version that fails to load "
        "is refused (MODEL_INVALID) and the current model keeps serving. Stored verdicts keep their model until "
        "`satisfactionRescore`."
    )
    async def satisfaction_model_activate(self, info: Info, version: str) -> SatisfactionModelActivatePayload:
        ctx = info.context
        assert ctx.models is not None, "the app always has a model server"

        async def run():  # type: ignore[no-untyped-def]
            return await satisfaction_models.activate(
                session=ctx.session, models=ctx.models, principal=ctx.caller, version=version, now=ctx.now
            )

        listing, errors = await attempt(info, run)
        return SatisfactionModelActivatePayload(model=maybe(SatisfactionModelVersion.from_listing, listing), user_errors=errors)

    @strawberry.mutation(
        description="Relabel every stored conversation of your workspace with the model serving it now, as a resumable "
        "job with progress. While one is pending or running, this returns it instead of queueing another."
    )
    async def satisfaction_rescore(self, info: Info) -> SatisfactionRescorePayload:
        ctx = info.context
        assert ctx.models is not None, "the app always has a model server"

        async def run():  # type: ignore[no-untyped-def]
            return await satisfaction_models.queue_rescore(
                session=ctx.session, models=ctx.models, principal=ctx.caller, now=ctx.now, queued=wake_job_runner(info)
            )

        job, errors = await attempt(info, run)
        return SatisfactionRescorePayload(job=maybe(SatisfactionRescoreJob.from_row, job), user_errors=errors)
