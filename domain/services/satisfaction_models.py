"""The satisfaction classifier as the domain uses it: which model serves, predict, score, activate, rescore.

Which model serves a workspace, first that loads wins:
1. the workspace's newest activation (`satisfactionModelActivate`, by its ADMIN);
2. the newest activation for every workspace (`rapport model activate`);
3. `SATISFACTION_MODEL` (a version in models/ or a `package.module:factory` import spec);
Activations live in the database and every process reads them when it scores, so an activation
reaches all server processes without a restart. A process whose copy of the activated model fails
to load keeps serving with the model it served before (and logs why).
"""

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.clock import Clock
from domain.db import RequestSession, write_transaction
from domain.enums import JobKind, JobStatus, SatisfactionLabel, TurnRole
from domain.errors import InvalidInput, ModelInvalid, NotFound, ServiceUnavailable
from domain.jobs.registry import JobServices
from domain.jobs.runner import JobRunner
from domain.models import Job, Workspace
from domain.policies import Action, Principal, authorize
from domain.repositories import locks
from domain.repositories import satisfaction as repo
from domain.text import without_paths
from ml.serving import ModelError, ModelInfo, ModelServer, Prediction, SatisfactionModel, Scored, Turn, check_version

log = logging.getLogger(__name__)

MAX_PREDICT_TURNS = 200
MAX_PREDICT_TEXT = 10_000
# A scoring call making more predictions than this (one per conversation and one per customer
# turn) runs in a worker thread, off the event loop.
THREAD_AFTER = 16


@dataclass(frozen=True)
class ModelListing:
    version: str
    active: bool
    created_at: str | None
    trained_on: str | None
    metrics: dict[str, float]
    level: str | None = None


@dataclass(frozen=True)
class PredictTurn:
    role: TurnRole
    text: str


async def serving_chain(session: AsyncSession | RequestSession, *, models: ModelServer, workspace_id: int) -> list[str]:
    own, everywhere = await repo.active_versions(session, workspace_id=workspace_id)
    chain: list[str] = []
    for spec in (own, everywhere, models.default_spec):
        if spec and spec not in chain:
            chain.append(spec)
    return chain


async def serving_model(session: AsyncSession | RequestSession, *, models: ModelServer, workspace_id: int) -> tuple[str, SatisfactionModel]:
    """(spec, model) that scores for the workspace now; SERVICE_UNAVAILABLE when none can load."""
    problems = []
    for spec in await serving_chain(session, models=models, workspace_id=workspace_id):
        try:
            return spec, models.serve(workspace_id, spec)
        except ModelError as exc:
            log.error("satisfaction model %s cannot serve workspace %s: %s", spec, workspace_id, without_paths(exc.message))
            problems.append(f"{spec}: {without_paths(exc.message)}")
    raise ServiceUnavailable("no satisfaction model can serve: " + "; ".join(problems))


def _listing(info: ModelInfo, active: str | None) -> ModelListing:
    return ModelListing(
        version=info.version,
        active=info.version == active,
        created_at=info.created_at,
        trained_on=info.trained_on,
        metrics=info.metrics,
        level=info.manifest.get("level"),
    )


async def list_models(*, session: RequestSession, models: ModelServer, principal: Principal) -> list[ModelListing]:
    """Every version in models/, newest first, the one serving this workspace marked active.

    A custom model (import spec) that serves is listed first; it has no manifest, so no metrics.
    """
    authorize(principal, Action.READ)
    try:
        # Through the request's session, not .raw: other resolvers of the request share it (domain/db.py).
        _, model = await serving_model(session, models=models, workspace_id=principal.workspace_id)
        active: str | None = model.version
    except ServiceUnavailable:
        active = None
    listed = [_listing(info, active) for info in models.versions()]
    if active is not None and all(m.version != active for m in listed):
        listed.insert(0, ModelListing(version=active, active=True, created_at=None, trained_on=None, metrics={}))
    return listed


def _checked_version(models: ModelServer, version: str) -> ModelInfo:
    try:
        check_version(version)
        info = models.info(version)
        models.check(version)
    except ModelError as exc:
        message = without_paths(exc.message)  # the models directory is the server's business
        if exc.code == "NOT_FOUND":
            raise NotFound(message, field="version") from None
        if exc.code == "BAD_USER_INPUT":
            raise InvalidInput(message, field="version") from None
        raise ModelInvalid(f"model version {version!r} cannot serve: {message}", field="version") from None
    return info


async def activate(
    *, session: RequestSession, models: ModelServer, principal: Principal, version: str, now: datetime
) -> ModelListing:
    """Serve `version` for the caller's workspace from now on, in every process (ADMIN only).

    The model is loaded and its artifact checked against the manifest first; a version that fails
    is refused (MODEL_INVALID) and the current model keeps serving.
    """
    authorize(principal, Action.ADMINISTER_MODELS)
    info = _checked_version(models, version)
    async with write_transaction(session.raw):
        await repo.add_activation(
            session.raw, workspace_id=principal.workspace_id, version=info.version, now=now, user_id=principal.user_id
        )
    return _listing(info, info.version)


async def activate_from_cli(
    *, session: AsyncSession, models: ModelServer, version: str, now: datetime, slug: str | None = None
) -> ModelInfo:
    """`rapport model activate`: for one workspace (by slug), or for every workspace without its own."""
    info = _checked_version(models, version)
    workspace_id = None
    if slug is not None:
        found = await repo.workspaces(session, slug=slug)
        if not found:
            raise NotFound(f"no workspace with slug {slug!r}", field="workspace")
        workspace_id = found[0].id
    async with write_transaction(session):
        await repo.add_activation(session, workspace_id=workspace_id, version=info.version, now=now, user_id=None)
    return info


def _turns(turns: Sequence[PredictTurn]) -> list[Turn]:
    if not turns:
        raise InvalidInput("give at least one turn", field="turns")
    if len(turns) > MAX_PREDICT_TURNS:
        raise InvalidInput(f"at most {MAX_PREDICT_TURNS} turns", field="turns")
    out = []
    for i, turn in enumerate(turns):
        text = (turn.text or "").strip()
        if not text:
            raise InvalidInput("this text may not be empty", field=f"turns.{i}.text")
        if len(text) > MAX_PREDICT_TEXT:
            raise InvalidInput(f"this text is at most {MAX_PREDICT_TEXT} characters", field=f"turns.{i}.text")
        out.append(Turn(turn.role.value, text))
    if not any(t.role == TurnRole.CUSTOMER.value for t in out):
        raise InvalidInput("the customer must write at least once: there is nothing to judge otherwise", field="turns")
    return out


async def predict(
    *, session: RequestSession, models: ModelServer, principal: Principal, turns: Sequence[PredictTurn]
) -> Scored:
    """Classify turns with the model serving the caller's workspace; nothing is stored."""
    authorize(principal, Action.READ)
    conversation = _turns(turns)
    _, model = await serving_model(session, models=models, workspace_id=principal.workspace_id)
    scored = await _score(model, [conversation])
    assert scored[0] is not None, "a conversation with a customer turn is scored"
    return scored[0]


async def _score(model: SatisfactionModel, conversations: Sequence[Sequence[Turn]]) -> list[Scored | None]:
    predictions = sum(1 + sum(1 for t in turns if t.role == TurnRole.CUSTOMER.value) for turns in conversations)
    try:
        if predictions > THREAD_AFTER:
            return await asyncio.to_thread(ModelServer.score, model, conversations)
        return ModelServer.score(model, conversations)
    except ModelError as exc:
        raise ServiceUnavailable(without_paths(exc.message)) from None
    except Exception as exc:  # a custom model's bug must not look like ours, nor leak its internals
        log.exception("satisfaction model %s failed to score", model.version)
        raise ServiceUnavailable(f"satisfaction model {model.version} failed to score ({type(exc).__name__})") from None


def _label(prediction: Prediction) -> SatisfactionLabel:
    return SatisfactionLabel(prediction.label)


def verdict_values(
    scored: Scored | None, turn_count: int, *, now: datetime
) -> tuple[dict[str, Any], list[tuple[SatisfactionLabel | None, float | None]]]:
    """What is stored for one scored conversation: its verdict columns, and (label, confidence) per turn.

    One definition for every writer (scoring on record, rescore jobs, the bench seed). A conversation
    in which the customer never wrote (`scored` None) stores no verdict at all.
    """
    if scored is None:
        empty = {"label": None, "p_satisfied": None, "p_neutral": None, "p_dissatisfied": None,
                 "version": None, "explanation": None, "at": None}
        return empty, [(None, None)] * turn_count
    verdict = scored.conversation
    p = verdict.probabilities
    explanation = None if verdict.explanation is None else [[t.term, t.weight] for t in verdict.explanation]
    values = {"label": _label(verdict), "p_satisfied": p["SATISFIED"], "p_neutral": p["NEUTRAL"],
              "p_dissatisfied": p["DISSATISFIED"], "version": verdict.version, "explanation": explanation, "at": now}
    turns = []
    for position in range(turn_count):
        judged = scored.turns.get(position)
        turns.append((None, None) if judged is None else (_label(judged), judged.confidence))
    return values, turns


async def score_conversations(
    session: AsyncSession, *, model: SatisfactionModel, workspace_id: int, conversation_ids: Sequence[int], now: datetime
) -> int:
    """Score and store conversations with `model` (caller commits); returns how many got a verdict.

    A conversation in which the customer never wrote gets no verdict (its stored one is cleared).
    """
    stored = await repo.turns_of(session, workspace_id=workspace_id, conversation_ids=conversation_ids)
    ids = list(conversation_ids)
    conversations = [[Turn(t.role.value, t.text) for t in stored.get(cid, [])] for cid in ids]
    results = await _score(model, conversations)
    conversation_rows: list[dict[str, Any]] = []
    turn_rows: list[dict[str, Any]] = []
    for cid, scored in zip(ids, results, strict=True):
        turns = stored.get(cid, [])
        values, judged = verdict_values(scored, len(turns), now=now)
        conversation_rows.append({"id": cid, **values})
        turn_rows.extend(
            {"id": turn.id, "label": label, "confidence": confidence}
            for turn, (label, confidence) in zip(turns, judged, strict=True)
        )
    await repo.store_verdicts(session, conversations=conversation_rows, turns=turn_rows)
    return sum(1 for r in results if r is not None)


async def score_on_record(
    session: AsyncSession, *, models: ModelServer | None, workspace_id: int, conversation_id: int, now: datetime
) -> None:
    """Score a conversation just recorded, in its transaction; without a working model it stays unscored.

    Recording never fails for the classifier's sake: a rescore fills the verdict in later.
    """
    if models is None:
        return
    try:
        _, model = await serving_model(session, models=models, workspace_id=workspace_id)
        await score_conversations(session, model=model, workspace_id=workspace_id, conversation_ids=[conversation_id], now=now)
    except ServiceUnavailable as exc:
        log.error("conversation %s recorded without satisfaction: %s", conversation_id, exc.message)


async def queue_rescore(
    *, session: RequestSession, models: ModelServer, principal: Principal, now: datetime, queued: Callable[[], None]
) -> Job:
    """Relabel every stored conversation of the workspace with the model serving it now, as a job.

    The model is fixed when the job is queued, and so is the set of conversations (those existing
    then; later ones are scored as they are recorded). A rescore already pending or running is
    returned instead of queueing a second one.
    """
    authorize(principal, Action.WRITE)
    job, created = await queue_rescore_job(
        session.raw, models=models, workspace_id=principal.workspace_id, user_id=principal.user_id, now=now
    )
    if created:
        queued()
    return job


async def queue_rescore_job(
    session: AsyncSession, *, models: ModelServer, workspace_id: int, user_id: int | None, now: datetime
) -> tuple[Job, bool]:
    """(the workspace's rescore job, whether this call queued it); see `queue_rescore`."""
    spec, model = await serving_model(session, models=models, workspace_id=workspace_id)
    async with write_transaction(session):
        # Two requests at once must not both queue one: the first holds the workspace's lock.
        await locks.lock_workspace(session, workspace_id=workspace_id)
        existing = await repo.unfinished_job(session, workspace_id=workspace_id, kind=JobKind.SATISFACTION_RESCORE)
        if existing is not None:
            return existing, False
        total, up_to = await repo.conversation_span(session, workspace_id=workspace_id)
        job = Job(
            workspace_id=workspace_id, kind=JobKind.SATISFACTION_RESCORE, status=JobStatus.PENDING,
            created_by_user_id=user_id, created_at=now, total=total,
            params={"spec": spec, "version": model.version, "up_to": up_to},
        )
        session.add(job)
        await session.flush()
    return job, True


async def rescore_workspaces(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    *,
    models: ModelServer,
    slug: str | None,
    on_batch: Callable[[Workspace, Job], None] = lambda _w, _j: None,
) -> list[tuple[Workspace, Job]]:
    """Queue a rescore for one workspace (by slug) or all, and work the jobs off in this process."""
    async with sessions() as session:
        workspaces = await repo.workspaces(session, slug=slug)
    if slug is not None and not workspaces:
        raise NotFound(f"no workspace with slug {slug!r}", field="workspace")
    runner = JobRunner(sessions, clock, services=JobServices(models=models))
    done = []
    for workspace in workspaces:
        async with sessions() as session:
            job, _ = await queue_rescore_job(session, models=models, workspace_id=workspace.id, user_id=None, now=clock.now())
            job_id = job.id
        finished = False
        while not finished:
            finished = await runner.run_batch(job_id)
            async with sessions() as session:
                job = await session.get(Job, job_id)
            assert job is not None
            on_batch(workspace, job)
        done.append((workspace, job))
    return done
