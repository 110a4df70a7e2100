"""The contacts module's other selection actions: remove a tag, add to and remove from a list, remove
from a group, reactivate (the suspended tab's "Reactivar"), unsubscribe from a channel; same job
model, dry run and history as the first ones."""

import asyncio
from typing import Any

import pytest
from sqlalchemy import select

from api.ids import parse_global_id, to_global_id
from domain import models
from domain.enums import Channel, DiscardReason, Role, SubscriptionStatus
from tests.api.action_helpers import operation_text, rows
from tests.api.test_bulk_actions import crm, running  # noqa: F401  (fixtures)
from tests.graphql_client import data_of, gql

BULK = operation_text("ContactsBulkActionWithOptions")
PROGRESS = operation_text("BulkJobProgress")


async def run_action(client, key: str, **variables: Any) -> dict[str, Any]:
    payload = data_of(await gql(client, BULK, variables, key=key, operation_name="ContactsBulkActionWithOptions"))
    payload = payload["contactsBulkAction"]
    if payload["job"] is None:
        return payload
    for _ in range(1000):
        job = data_of(await gql(client, PROGRESS, {"id": payload["job"]["id"]}, key=key, operation_name="BulkJobProgress"))["node"]
        if job["status"] in ("COMPLETED", "FAILED"):
            return {**payload, "job": job}
        await asyncio.sleep(0.01)
    raise AssertionError("the job did not finish")


def ids_of(pks) -> list[str]:
    return [to_global_id("Contact", pk) for pk in pks]


async def members(engine, model, column, target_gid) -> set[int]:
    pk = parse_global_id(target_gid)[1]
    return {c for (c,) in await rows(engine, select(model.contact_id).where(getattr(model, column) == pk))}


async def actions(engine, pks) -> list[str]:
    found = await rows(engine, select(models.AuditEntry.action).where(models.AuditEntry.contact_id.in_(pks)))
    return sorted(a for (a,) in found)


@pytest.mark.parametrize(("kind", "model", "link", "column", "removal", "audit"), [
    ("tag", models.Tag, models.ContactTag, "tag_id", "REMOVE_TAG", "CONTACT_TAGS_REMOVED"),
    ("group", models.Group, models.GroupMember, "group_id", "REMOVE_FROM_GROUP", "CONTACT_GROUPS_REMOVED"),
    ("list", models.ContactList, models.ContactListMember, "list_id", "REMOVE_FROM_LIST", "CONTACT_LISTS_REMOVED"),
])
async def test_removal_actions_take_the_selection_out_and_audit_only_real_changes(
    running, engine, workspaces, crm, kind, model, link, column, removal, audit
):
    ws, ids, _ = crm
    key = ws.keys[Role.OPERATOR]
    target_pk = await workspaces.named(ws, model, f"{kind}-x")
    target = to_global_id(model.__name__, target_pk)
    for who in ("maria", "ana"):
        await workspaces.member(ws, link, ids[who], **{column: target_pk})

    # a dry run counts the selection (DORMANT: maria, mario, jose) and changes nothing
    dry = await run_action(running, key, selection={"filter": {"status": ["DORMANT"]}}, action=removal, targetId=target,
                           dryRun=True)
    assert (dry["matched"], dry["job"]) == (3, None)
    assert await members(engine, link, column, target) == {ids["maria"], ids["ana"]}

    done = await run_action(running, key, selection={"filter": {"status": ["DORMANT"]}}, action=removal, targetId=target)
    assert done["userErrors"] == [] and done["job"]["status"] == "COMPLETED"
    assert (done["job"]["total"], done["job"]["processed"], done["job"]["skipped"]) == (3, 3, 0)
    assert await members(engine, link, column, target) == {ids["ana"]}
    assert await actions(engine, [ids["maria"], ids["mario"]]) == [audit]


async def test_add_to_list_by_ids(running, engine, workspaces, crm):
    ws, ids, _ = crm
    target = to_global_id("ContactList", await workspaces.named(ws, models.ContactList, "Newsletter"))
    done = await run_action(running, ws.keys[Role.OPERATOR], selection={"ids": ids_of([ids["ana"], ids["beto"]])},
                            action="ADD_TO_LIST", targetId=target)
    assert done["job"]["status"] == "COMPLETED"
    assert await members(engine, models.ContactListMember, "list_id", target) == {ids["ana"], ids["beto"]}
    assert await actions(engine, [ids["ana"], ids["beto"]]) == ["CONTACT_LISTS_ADDED"] * 2


async def test_reactivate_the_suspended_tab_and_keep_unchanged_hard_bounces(running, engine, workspaces, crm):
    ws, ids, _ = crm
    key = ws.keys[Role.OPERATOR]
    suspended = [await workspaces.contact(ws, f"Sus {i}", email=f"sus{i}@example.com", discard_reason="SUSPENDED")
                 for i in range(3)]
    bounced = await workspaces.contact(ws, "Rebote", email="bad@example.com", discard_reason="HARD_BOUNCE")

    # the suspended tab, reactivated: its three contacts, nobody else
    done = await run_action(running, key, selection={"filter": {"discardReason": ["SUSPENDED"]}}, action="REACTIVATE")
    assert (done["job"]["total"], done["job"]["status"]) == (3, "COMPLETED")
    found = await rows(engine, select(models.Contact.id, models.Contact.discard_reason)
                       .where(models.Contact.id.in_([*suspended, bounced])))
    assert dict(found) == {**dict.fromkeys(suspended, None), bounced: DiscardReason.HARD_BOUNCE}
    assert await actions(engine, suspended) == ["CONTACT_REACTIVATED"] * 3

    # every discarded contact: the hard bounce with its old address is skipped unless forced
    kept = await run_action(running, key, selection={"filter": {"status": ["DISCARDED"]}}, action="REACTIVATE")
    assert (kept["job"]["total"], kept["job"]["skipped"]) == (1, 1)
    forced = await run_action(running, key, selection={"filter": {"status": ["DISCARDED"]}}, action="REACTIVATE",
                              force=True)
    assert (forced["job"]["total"], forced["job"]["skipped"]) == (1, 0)
    (reason,) = await rows(engine, select(models.Contact.discard_reason).where(models.Contact.id == bounced))
    assert reason == (None,)


async def test_unsubscribe_a_selection_from_one_channel(running, engine, workspaces, crm):
    ws, ids, _ = crm
    key = ws.keys[Role.OPERATOR]
    # maria has a phone (an SMS channel, subscribed); mario and jose have no phone
    await workspaces.channel(ws, ids["maria"], Channel.SMS, "+5491155550101")
    done = await run_action(running, key, selection={"filter": {"status": ["DORMANT"]}}, action="UNSUBSCRIBE",
                            channel="SMS", reason="campaign opt-out")
    assert done["userErrors"] == []
    assert (done["job"]["total"], done["job"]["processed"], done["job"]["skipped"]) == (3, 3, 2)
    found = await rows(engine, select(models.ChannelSubscription.contact_id, models.ChannelSubscription.status,
                                      models.ChannelSubscription.reason)
                       .where(models.ChannelSubscription.channel == Channel.SMS,
                              models.ChannelSubscription.workspace_id == ws.id))
    assert sorted(found) == [(ids["maria"], SubscriptionStatus.UNSUBSCRIBED, "campaign opt-out")]
    assert await actions(engine, [ids["maria"], ids["mario"], ids["jose"]]) == ["CONTACT_UNSUBSCRIBED"]

    # the WhatsApp channel, never used by maria: its opt-out is recorded with her phone
    again = await run_action(running, key, selection={"ids": ids_of([ids["maria"]])}, action="UNSUBSCRIBE",
                             channel="WHATSAPP")
    assert again["job"]["skipped"] == 0
    (wa,) = await rows(engine, select(models.ChannelSubscription.address, models.ChannelSubscription.status)
                       .where(models.ChannelSubscription.contact_id == ids["maria"],
                              models.ChannelSubscription.channel == Channel.WHATSAPP))
    assert wa == ("+5491155550101", SubscriptionStatus.UNSUBSCRIBED)


@pytest.mark.parametrize(("variables", "field"), [
    ({"action": "UNSUBSCRIBE"}, "channel"),
    ({"action": "SUSPEND", "channel": "SMS"}, "channel"),
    ({"action": "SUSPEND", "force": True}, "force"),
    ({"action": "REACTIVATE", "reason": "x"}, "reason"),
    ({"action": "REMOVE_TAG"}, "targetId"),
])
async def test_options_that_do_not_fit_the_action_are_refused_and_queue_nothing(running, engine, crm, variables, field):
    ws, ids, _ = crm
    payload = await run_action(running, ws.keys[Role.OPERATOR], selection={"ids": ids_of([ids["ana"]])}, **variables)
    assert payload["job"] is None and [e["field"] for e in payload["userErrors"]] == [field]
    assert await rows(engine, select(models.Job.id).where(models.Job.workspace_id == ws.id)) == []


async def test_agents_may_not_run_the_new_actions(running, crm):
    ws, ids, _ = crm
    payload = await run_action(running, ws.agent_key, selection={"ids": ids_of([ids["ana"]])}, action="REACTIVATE")
    assert [e["code"] for e in payload["userErrors"]] == ["FORBIDDEN"]


async def test_reactivate_treats_a_changed_or_cleared_failed_address_alike(running, engine, workspaces, crm):
    ws, _, _ = crm
    key = ws.keys[Role.OPERATOR]
    # three hard bounces on e-mail: the address is still the failed one / was changed / was cleared
    same = await workspaces.contact(ws, "Same", email="same@example.com", phone="+5491155550601", discard_reason="HARD_BOUNCE")
    moved = await workspaces.contact(ws, "Moved", email="new@example.com", discard_reason="HARD_BOUNCE")
    cleared = await workspaces.contact(ws, "Cleared", phone="+5491155550603", discard_reason="HARD_BOUNCE")
    for pk, failed in ((same, "same@example.com"), (moved, "old@example.com"), (cleared, "gone@example.com")):
        await workspaces.update_contact(pk, discard_channel="EMAIL", discard_address=failed)
    done = await run_action(running, key, selection={"ids": ids_of([same, moved, cleared])}, action="REACTIVATE")
    assert (done["job"]["processed"], done["job"]["skipped"]) == (3, 1)
    found = dict(await rows(engine, select(models.Contact.id, models.Contact.discard_reason)
                            .where(models.Contact.id.in_([same, moved, cleared]))))
    assert found == {same: DiscardReason.HARD_BOUNCE, moved: None, cleared: None}
    # one by one, the same rule
    one = data_of(await gql(running, "mutation($id: ID!) { contactReactivate(id: $id) { userErrors { code } } }",
                            {"id": to_global_id("Contact", same)}, key=key))["contactReactivate"]
    assert [e["code"] for e in one["userErrors"]] == ["CONFLICT"]
