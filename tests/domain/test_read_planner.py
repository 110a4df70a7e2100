"""The read planner (domain/reads): parts of many contacts in one statement, exact values, workspace scope."""

from datetime import datetime, timedelta

from sqlalchemy import select

from domain import models
from domain.db import RequestSession, session_factory
from domain.enums import Channel, CustomFieldType, MessageEventType as E, Role, SatisfactionLabel, TurnRole
from domain.policies import Principal
from domain.reads.planner import read_parts
from domain.repositories.paging import Page, decode_cursor
from tests.conftest import NOW
from tests.sql_counter import counted_statements

H = timedelta(hours=1)


async def _read(engine, ws, keys):
    principal = Principal(workspace_id=ws.id, user_id=ws.users[Role.AGENT], role=Role.AGENT)
    async with session_factory(engine)() as session:
        with counted_statements(engine) as statements:
            values = await read_parts(RequestSession(session), principal=principal, keys=keys, now=NOW)
    return values, statements


async def test_parts_of_several_contacts_come_back_each_its_own_from_one_statement(engine, workspaces):
    # given two contacts with different tags, channels and notes
    ws = await workspaces.create()
    ana, bruno = await workspaces.contact(ws, "Ana"), await workspaces.contact(ws, "Bruno")
    for name, holders in (("vip", [ana, bruno]), ("Ávila", [ana]), ("avilés", [bruno]), ("beta", [ana])):
        tag = await workspaces.named(ws, models.Tag, name)
        for holder in holders:
            await workspaces.member(ws, models.ContactTag, holder, tag_id=tag)
    await workspaces.channel(ws, ana, Channel.WHATSAPP, "+5491100000001")
    await workspaces.channel(ws, ana, Channel.SMS, "+5491100000001")
    await workspaces.note(ws, bruno, "first call", author=ws.users[Role.OPERATOR], at=NOW - 2 * H)
    await workspaces.note(ws, bruno, "second call", author=None, at=NOW - H)

    # when every part of both is asked for at once
    wants = [("tags",), ("channels",), ("notes", 5, 0), ("happiness",), ("tickets",)]
    keys = [(contact, want) for contact in (ana, bruno) for want in wants]
    values, statements = await _read(engine, ws, keys)

    # then one statement answered all of them, each contact with its own rows, in the product's order
    assert len(statements) == 1
    got = dict(zip(keys, values, strict=True))
    assert {t.name for t in got[(ana, ("tags",))]} == {"vip", "Ávila", "beta"}
    assert {t.name for t in got[(bruno, ("tags",))]} == {"vip", "avilés"}
    assert [c.channel for c in got[(ana, ("channels",))]] == [Channel.SMS, Channel.WHATSAPP]  # product order
    assert got[(bruno, ("channels",))] == []
    notes = got[(bruno, ("notes", 5, 0))]
    assert [n.body for n in notes.items] == ["second call", "first call"] and notes.total_count == 2
    assert notes.items[1].author_name and notes.items[0].author_id is None
    assert got[(ana, ("notes", 5, 0))].total_count == 0
    assert got[(ana, ("happiness",))] is None and got[(ana, ("tickets",))] == {}


async def test_membership_order_is_the_databases_name_order(engine, workspaces):
    # given tags whose order depends on the collation (case and accents)
    ws = await workspaces.create()
    contact = await workspaces.contact(ws, "Carla")
    for name in ("zeta", "Alfa", "beta", "Bravo", "ómega", "Óscar"):
        tag = await workspaces.named(ws, models.Tag, name)
        await workspaces.member(ws, models.ContactTag, contact, tag_id=tag)

    # when
    (tags,), _ = await _read(engine, ws, [(contact, ("tags",))])

    # then the planner keeps the order an ORDER BY name, id gives on this engine
    async with engine.connect() as connection:
        expected = (await connection.execute(
            select(models.Tag.name).join(models.ContactTag, models.ContactTag.tag_id == models.Tag.id)
            .where(models.ContactTag.contact_id == contact).order_by(models.Tag.name, models.Tag.id)
        )).scalars().all()
    assert [t.name for t in tags] == list(expected)


async def test_floats_times_dates_and_booleans_come_back_exactly(engine, workspaces):
    # given values that a 15-digit JSON rendering or a naive time would change
    ws = await workspaces.create()
    contact = await workspaces.contact(ws, "Dora")
    started = NOW - 3 * H + timedelta(microseconds=123457)
    await workspaces.conversation(
        ws, contact, started_at=started, turns=[(TurnRole.CUSTOMER, "hola")],
        satisfaction_label=SatisfactionLabel.NEUTRAL, p_satisfied=0.1 + 0.2, p_neutral=1 / 3,
        p_dissatisfied=1 - (0.1 + 0.2) - 1 / 3, model_version="m-1", analyzed_at=started + timedelta(microseconds=1),
    )
    number = await workspaces.custom_field(ws, "ltv", CustomFieldType.NUMBER, position=0)
    flag = await workspaces.custom_field(ws, "optin", CustomFieldType.BOOLEAN, position=1)
    day = await workspaces.custom_field(ws, "birthday", CustomFieldType.DATE, position=2)
    await workspaces.custom_value(ws, contact, number, value_number=123456789.12345679)
    await workspaces.custom_value(ws, contact, flag, value_bool=False)
    await workspaces.custom_value(ws, contact, day, value_date=(NOW - timedelta(days=9000)).date())

    # when
    (conversations, fields), _ = await _read(engine, ws, [(contact, ("conversations", 90)), (contact, ("custom_fields",))])

    # then
    (c,) = conversations
    assert (c.p_satisfied, c.p_neutral, c.p_dissatisfied) == (0.1 + 0.2, 1 / 3, 1 - (0.1 + 0.2) - 1 / 3)
    assert c.started_at == started and c.analyzed_at == started + timedelta(microseconds=1)
    assert c.started_at.utcoffset() == timedelta(0) and c.customer_replied is True
    assert [(f.key, f.value_number, f.value_bool, f.value_date) for f in fields] == [
        ("ltv", 123456789.12345679, None, None),
        ("optin", None, False, None),
        ("birthday", None, None, (NOW - timedelta(days=9000)).date()),
    ]


async def test_pages_count_everything_and_cut_where_asked(engine, workspaces):
    # given seven notes and seven events
    ws = await workspaces.create()
    contact = await workspaces.contact(ws, "Eva")
    for k in range(7):
        await workspaces.note(ws, contact, f"note {k}", author=None, at=NOW - (10 - k) * H)
    await workspaces.events(ws, contact, [(Channel.SMS, E.SENT, f"m{k}", NOW - (20 - k) * H) for k in range(7)])

    # when the second page of three notes, and the events after the third newest
    (first_events,), _ = await _read(engine, ws, [(contact, ("activity", 3, None, None))])
    last = decode_cursor(first_events.cursors[-1])
    after = (datetime.fromisoformat(last["t"]), last["i"])
    (notes, events), statements = await _read(
        engine, ws, [(contact, ("notes", 3, 3)), (contact, ("activity", 10, *after))]
    )

    # then
    assert isinstance(notes, Page) and notes.total_count == 7 and notes.has_next_page
    assert [n.body for n in notes.items] == ["note 3", "note 2", "note 1"]
    assert [decode_cursor(c)["o"] for c in notes.cursors] == [4, 5, 6]
    assert [e.message_id for e in first_events.items] == ["m6", "m5", "m4"] and first_events.has_next_page
    assert [e.message_id for e in events.items] == ["m3", "m2", "m1", "m0"] and not events.has_next_page
    assert len(statements) == 1


async def test_a_contact_of_another_workspace_reads_as_nothing(engine, workspaces):
    # given a contact with tags and notes in another workspace
    mine, theirs = await workspaces.create(), await workspaces.create()
    foreign = await workspaces.contact(theirs, "Fede")
    tag = await workspaces.named(theirs, models.Tag, "secret")
    await workspaces.member(theirs, models.ContactTag, foreign, tag_id=tag)
    await workspaces.note(theirs, foreign, "private", author=None, at=NOW)

    # when my principal asks for its parts by id
    (tags, notes, company), _ = await _read(
        engine, mine, [(foreign, ("tags",)), (foreign, ("notes", 5, 0)), (foreign, ("company",))]
    )

    # then nothing of it comes back
    assert tags == [] and notes.items == [] and notes.total_count == 0 and company is None
