"""Tenant isolation of the classifier: one workspace's activation and rescore never reach another."""

from datetime import timedelta


from domain.clock import FixedClock
from domain.enums import SatisfactionLabel, TurnRole
from tests.api.ingest_helpers import operator_key
from tests.api.satisfaction_helpers import (
    ALT,
    SHIPPED,
    activate,
    active_versions,
    job,
    listed,
    predicted_version,
    rescore,
    run_job,
    stored,
)
from tests.conftest import NOW

SCORED = {
    "satisfaction_label": SatisfactionLabel.NEUTRAL, "p_satisfied": 0.2, "p_neutral": 0.6, "p_dissatisfied": 0.2,
    "model_version": SHIPPED, "analyzed_at": NOW - timedelta(days=2),
}


async def test_a_workspace_never_sees_another_workspace_activation_nor_its_rescore(
    alt_client, workspaces, engine, alt_models
):
    # given two workspaces with conversations scored by support-v1
    a, b = await workspaces.create(), await workspaces.create()
    for ws, n in ((a, 2), (b, 3)):
        pk = await workspaces.contact(ws, "Ana")
        for i in range(n):
            await workspaces.conversation(
                ws, pk, started_at=NOW - timedelta(days=i + 1), turns=[(TurnRole.CUSTOMER, "Todo bien, gracias")], **SCORED
            )
    b_before = await stored(engine, b)

    # when A's ADMIN activates alt-1 and A's rescore runs to the end
    await activate(alt_client, ALT, key=a.admin_key)
    a_job = (await rescore(alt_client, key=operator_key(a)))["job"]
    await run_job(engine, FixedClock(NOW + timedelta(hours=1)), alt_models, a_job["id"])

    # then A's conversations were relabelled, B's were not touched
    assert (await job(alt_client, a_job["id"], key=a.agent_key))["status"] == "COMPLETED"
    assert a_job["total"] == 2
    assert {v for v, _ in (await stored(engine, a)).values()} == {ALT}
    assert await stored(engine, b) == b_before
    # ... B cannot see A's job, whatever its role
    for key in (b.agent_key, operator_key(b), b.admin_key):
        assert await job(alt_client, a_job["id"], key=key) is None
    # ... B is still served by support-v1
    assert active_versions(await listed(alt_client, key=b.agent_key)) == [SHIPPED]
    assert await predicted_version(alt_client, key=b.agent_key) == SHIPPED
    # ... and B's own rescore is its own job, over its own conversations, with its own model
    b_job = (await rescore(alt_client, key=operator_key(b)))["job"]
    assert b_job["id"] != a_job["id"]
    assert (b_job["status"], b_job["total"]) == ("PENDING", 3)
    assert (await job(alt_client, b_job["id"], key=b.agent_key))["modelVersion"] == SHIPPED
    assert await job(alt_client, b_job["id"], key=a.agent_key) is None
    await run_job(engine, FixedClock(NOW + timedelta(hours=1)), alt_models, b_job["id"])
    assert {v for v, _ in (await stored(engine, a)).values()} == {ALT}
