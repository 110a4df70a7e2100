"""A contact's channels follow its addresses: EMAIL the e-mail, SMS (and WHATSAPP, RCS once opted in to) the phone."""

from sqlalchemy import select

from api.ids import parse_typed_id, to_global_id
from domain import models
from domain.enums import Channel, Role, SubscriptionStatus
from tests.api.action_helpers import act, example, rows
from tests.api.ingest_helpers import event, operator_key, profile, record_events
from tests.api.test_import import finish, upload


def shown(c: dict) -> dict[str, tuple[str, str]]:
    return {ch["channel"]: (ch["status"], ch["address"]) for ch in c["channels"]}


async def test_a_new_contact_shows_email_and_sms_at_once(client, workspaces):
    ws = await workspaces.create()
    created = await act(client, "ContactCreate", example("ContactCreate", input__customFields=[]), key=ws.keys[Role.OPERATOR])
    pk = parse_typed_id(created["contact"]["id"], "Contact")
    c = await profile(client, ws, pk)
    assert shown(c) == {"EMAIL": ("SUBSCRIBED", "maria.perez@example.com"), "SMS": ("SUBSCRIBED", "+5491155550101")}
    assert [ch["channel"] for ch in c["channels"]] == ["SMS", "EMAIL"]  # the channels' own order
    assert all(ch["lastEvent"] is None for ch in c["channels"])


async def test_editing_an_address_moves_its_channels_and_clearing_one_closes_them(client, engine, workspaces):
    ws = await workspaces.create()
    key = ws.keys[Role.OPERATOR]
    pk = await workspaces.contact(ws, "Ana", email="ana@example.com", phone="+5491155550101")
    cid = to_global_id("Contact", pk)
    await workspaces.channel(ws, pk, Channel.EMAIL, "ana@example.com")
    await workspaces.channel(ws, pk, Channel.SMS, "+5491155550101")
    # she wrote on WhatsApp (her opt-in), then a message to her there bounced softly
    await record_events(client, [
        event("w-0", "REPLIED", "2026-11-19T09:00:00Z", contact=pk),
        event("w-1", "SENT", "2026-11-19T10:00:00Z", contact=pk),
        {**event("w-1", "BOUNCED", "2026-11-19T10:00:02Z", contact=pk), "bounce": "SOFT"},
    ], key=operator_key(ws))

    # when the phone changes
    await act(client, "ContactUpdate", {"id": cid, "input": {"phone": "+54 9 11 5555-0199"}}, key=key)

    # then SMS and WhatsApp move to it (bounces were the old number's), the e-mail's channel stays
    c = await profile(client, ws, pk)
    assert shown(c) == {"EMAIL": ("SUBSCRIBED", "ana@example.com"), "SMS": ("SUBSCRIBED", "+5491155550199"),
                        "WHATSAPP": ("SUBSCRIBED", "+5491155550199")}
    (bounced,) = await rows(engine, select(models.ChannelSubscription.soft_bounces).where(
        models.ChannelSubscription.contact_id == pk, models.ChannelSubscription.channel == Channel.WHATSAPP))
    assert bounced == (0,)
    assert {ch["channel"]: ch["lastEvent"]["type"] for ch in c["channels"] if ch["lastEvent"]} == {"WHATSAPP": "BOUNCED"}

    # when she leaves SMS and then the phone is cleared
    await act(client, "ContactUnsubscribe", {"contactId": cid, "channel": "SMS", "reason": "no"}, key=key)
    await act(client, "ContactUpdate", {"id": cid, "input": {"phone": None}}, key=key)

    # then the subscribed phone channels go; the opt-out stays on record with its last number
    c = await profile(client, ws, pk)
    assert shown(c) == {"EMAIL": ("SUBSCRIBED", "ana@example.com"), "SMS": ("UNSUBSCRIBED", "+5491155550199")}

    # when a phone is given again: SMS follows it and stays unsubscribed (the opt-out is hers)
    await act(client, "ContactUpdate", {"id": cid, "input": {"phone": "+5491155550222"}}, key=key)
    assert shown(await profile(client, ws, pk))["SMS"] == ("UNSUBSCRIBED", "+5491155550222")


async def test_an_email_given_later_opens_its_channel(client, workspaces):
    ws = await workspaces.create()
    key = ws.keys[Role.OPERATOR]
    created = await act(client, "ContactCreate", example("ContactCreate", input__customFields=[], input__email=None),
                        key=key)
    cid = created["contact"]["id"]
    await act(client, "ContactUpdate", {"id": cid, "input": {"email": "late@example.com"}}, key=key)
    pk = parse_typed_id(cid, "Contact")
    assert shown(await profile(client, ws, pk)) == {
        "SMS": ("SUBSCRIBED", "+5491155550101"), "EMAIL": ("SUBSCRIBED", "late@example.com")}


async def test_imported_contacts_get_their_channels_and_an_update_moves_them(client, engine, clock, workspaces):
    ws = await workspaces.create()
    await finish(engine, clock, await upload(client, ws.admin_key, "name,email,phone\nBea,bea@example.com,\nCarl,,+5491155550777\n"))
    found = await rows(engine, select(models.Contact.name, models.ChannelSubscription.channel, models.ChannelSubscription.address,
                                      models.ChannelSubscription.status)
                       .join(models.ChannelSubscription, models.ChannelSubscription.contact_id == models.Contact.id)
                       .where(models.Contact.workspace_id == ws.id))
    assert sorted(found) == [("Bea", Channel.EMAIL, "bea@example.com", SubscriptionStatus.SUBSCRIBED),
                             ("Carl", Channel.SMS, "+5491155550777", SubscriptionStatus.SUBSCRIBED)]

    # when a second file gives Carl an e-mail (matched by phone) and updates existing contacts
    await finish(engine, clock, await upload(client, ws.admin_key, "name,email,phone\nCarl,carl@example.com,+5491155550777\n",
                                             updateExisting=True))
    found = await rows(engine, select(models.ChannelSubscription.channel, models.ChannelSubscription.address)
                       .join(models.Contact, models.ChannelSubscription.contact_id == models.Contact.id)
                       .where(models.Contact.workspace_id == ws.id, models.Contact.name == "Carl"))
    assert sorted(found) == [(Channel.EMAIL, "carl@example.com"), (Channel.SMS, "+5491155550777")]
