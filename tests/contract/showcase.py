"""A workspace whose contacts have every fact the contract queries show, with known values."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from domain import models
from domain.enums import (
    Channel,
    ContactOrigin,
    CustomFieldType,
    DiscardReason,
    MessageEventType as E,
    Role,
    SubscriptionStatus,
    TicketStatus,
    TurnRole,
)
from tests.factories import WorkspaceFactory, WorkspaceHandle


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass
class Showcase:
    ws: WorkspaceHandle
    maria: int
    ids: dict[str, int] = field(default_factory=dict)


async def build_showcase(f: WorkspaceFactory) -> Showcase:
    ws = await f.create("Andes Retail")
    company = await f.named(ws, models.Company, "Andes Retail SA")
    compras = await f.named(ws, models.Department, "Compras")
    soporte = await f.named(ws, models.Group, "Soporte")
    maria = await f.contact(
        ws,
        "María José Pérez",
        email="maria.perez@example.com",
        phone="+5491155550101",
        origin=ContactOrigin.FORM,
        contact_since=at("2024-03-01T10:00:00"),
        company_id=company,
        department_id=compras,
        assigned_agent_id=ws.users[Role.AGENT],
        assigned_group_id=soporte,
        language="es",
    )
    show = Showcase(ws=ws, maria=maria, ids={"company": company, "department": compras, "group": soporte})

    await f.channel(ws, maria, Channel.WHATSAPP, "+5491155550101")
    await f.channel(ws, maria, Channel.EMAIL, "maria.perez@example.com")
    await f.channel(
        ws, maria, Channel.SMS, "+5491155550101", status=SubscriptionStatus.UNSUBSCRIBED,
        reason="asked to stop", changed_at=at("2026-11-02T08:00:00"),
    )
    for name in ("Clientes 2026", "Newsletter"):
        list_id = await f.named(ws, models.ContactList, name)
        show.ids[f"list:{name}"] = list_id
        await f.member(ws, models.ContactListMember, maria, list_id=list_id)
    await f.member(ws, models.GroupMember, maria, group_id=soporte)
    for name in ("vip", "newsletter"):
        tag_id = await f.named(ws, models.Tag, name)
        show.ids[f"tag:{name}"] = tag_id
        await f.member(ws, models.ContactTag, maria, tag_id=tag_id)
    show.ids["flow"] = await f.named(ws, models.Flow, "Bienvenida")
    await f.member(ws, models.FlowEnrolment, maria, flow_id=show.ids["flow"])

    fields = [
        ("city", CustomFieldType.TEXT, {"value_text": "Rosario"}),
        ("lifetime_value", CustomFieldType.NUMBER, {"value_number": 1520.5}),
        ("birthday", CustomFieldType.DATE, {"value_date": date(1990, 5, 17)}),
        ("opted_in", CustomFieldType.BOOLEAN, {"value_bool": True}),
        ("plan", CustomFieldType.CHOICE, {"value_text": "gold"}),
    ]
    for position, (key, kind, value) in enumerate(fields):
        choices = ["free", "silver", "gold"] if kind == CustomFieldType.CHOICE else None
        field_id = await f.custom_field(ws, key, kind, choices=choices, position=position)
        await f.custom_value(ws, maria, field_id, **value)

    for i, body in enumerate(["Prefers WhatsApp", "Asked about invoices", "VIP since 2025"]):
        await f.note(ws, maria, body, author=ws.users[Role.OPERATOR], at=at(f"2026-11-0{i + 1}T09:00:00"))

    await f.events(
        ws,
        maria,
        [
            (Channel.WHATSAPP, E.SENT, "wa-1", at("2026-11-18T10:00:00")),
            (Channel.WHATSAPP, E.DELIVERED, "wa-1", at("2026-11-18T10:00:03")),
            (Channel.WHATSAPP, E.READ, "wa-1", at("2026-11-18T10:05:00")),
            (Channel.WHATSAPP, E.CLICKED, "wa-1", at("2026-11-18T10:06:00")),
            (Channel.WHATSAPP, E.REPLIED, "wa-1", at("2026-11-18T10:07:00")),
            (Channel.WHATSAPP, E.SENT, "wa-2", at("2026-11-10T10:00:00")),
            (Channel.WHATSAPP, E.DELIVERED, "wa-2", at("2026-11-10T10:00:02")),
            (Channel.EMAIL, E.SENT, "em-1", at("2026-10-01T08:00:00")),
            (Channel.EMAIL, E.DELIVERED, "em-1", at("2026-10-01T08:00:01")),
            (Channel.EMAIL, E.READ, "em-1", at("2026-10-01T09:00:00")),
            (Channel.EMAIL, E.SENT, "em-2", at("2026-10-05T08:00:00")),
            (Channel.EMAIL, E.BOUNCED, "em-2", at("2026-10-05T08:00:05")),
            (Channel.SMS, E.SENT, "sms-1", at("2026-11-01T07:00:00")),
            (Channel.SMS, E.DELIVERED, "sms-1", at("2026-11-01T07:00:01")),
            (Channel.SMS, E.REPLIED, "sms-1", at("2026-11-01T07:30:00")),
            # Outside the 90-day window (which starts 2026-08-23): in the activity, not in the metrics.
            (Channel.WHATSAPP, E.SENT, "wa-old", at("2026-06-01T10:00:00")),
            (Channel.WHATSAPP, E.DELIVERED, "wa-old", at("2026-06-01T10:00:02")),
        ],
    )
    await f.nps(ws, maria, 6, at=at("2026-09-01T12:00:00"), comment="Regular")
    await f.nps(ws, maria, 9, at=at("2026-11-19T09:00:00"), comment="Muito bom atendimento")
    await f.ticket(ws, maria, TicketStatus.OPEN, opened_at=at("2026-11-15T10:00:00"), subject="Pedido atrasado")
    for day in ("2026-10-01", "2026-10-10"):
        await f.ticket(
            ws, maria, TicketStatus.RESOLVED, opened_at=at(f"{day}T10:00:00"), resolved_at=at(f"{day}T15:00:00")
        )
    show.ids["item:runner"] = await f.item_interactions(
        ws, maria, "sku-123", "Zapatillas Runner",
        [at("2026-11-01T10:00:00"), at("2026-11-12T10:00:00"), at("2026-11-18T18:00:00")],
    )
    show.ids["item:socks"] = await f.item_interactions(ws, maria, "sku-9", "Medias Trail", [at("2026-10-02T10:00:00")])
    await f.conversation(
        ws, maria, started_at=at("2026-11-18T11:00:00"),
        turns=[(TurnRole.CUSTOMER, "Hola, mi pedido no llegó"), (TurnRole.AGENT, "Lo reviso ya mismo")],
    )
    await f.conversation(ws, maria, started_at=at("2026-11-05T11:00:00"), turns=[(TurnRole.AGENT, "¿Podemos ayudarte?")])

    # Other contacts, one per engagement status, for the contacts module.
    show.ids["mario"] = await f.contact(
        ws, "Mario Gómez", email="mario.gomez@example.com", phone="+5491155550202",
        last_activity_at=at("2026-10-20T10:00:00"), contact_since=at("2025-01-01T00:00:00"),
    )
    show.ids["joao"] = await f.contact(
        ws, "João Conceição", email="joao@example.com", last_activity_at=at("2026-08-01T10:00:00"),
        contact_since=at("2025-02-01T00:00:00"),
    )
    show.ids["old"] = await f.contact(
        ws, "Olivia Smith", email="olivia@example.com", last_activity_at=at("2026-01-01T10:00:00"),
        contact_since=at("2025-03-01T00:00:00"),
    )
    show.ids["never"] = await f.contact(ws, "Nadia Never", email="nadia@example.com", contact_since=at("2025-04-01T00:00:00"))
    show.ids["suspended"] = await f.contact(
        ws, "Sergio Suspendido", phone="+34600000001", discard_reason=DiscardReason.SUSPENDED,
        last_activity_at=at("2026-11-19T10:00:00"), contact_since=at("2025-05-01T00:00:00"),
    )
    show.ids["bounced"] = await f.contact(
        ws, "Bruna Bounce", email="bruna@example.com", discard_reason=DiscardReason.HARD_BOUNCE,
        contact_since=at("2025-06-01T00:00:00"),
    )
    await f.member(ws, models.ContactTag, show.ids["mario"], tag_id=show.ids["tag:vip"])
    await f.nps(ws, show.ids["mario"], 3, at=at("2026-10-20T10:00:00"))
    show.ids["segment"] = await f.segment(ws, "VIPs", {"tagIds": [show.ids["tag:vip"]]})
    return show
