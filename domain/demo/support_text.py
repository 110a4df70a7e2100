"""Short texts in each language: notes, ticket subjects, NPS comments, unsubscribe reasons.

Placeholders: {order} an order number, {product} a catalogue item, {agent} an agent's first name.
"""

NOTES: dict[str, tuple[str, ...]] = {
    "es": (
        "Prefiere que lo contactemos por WhatsApp después de las 18 h.",
        "Llamó por el pedido {order}; quedó conforme con la solución.",
        "Interesado en {product}, pidió aviso cuando vuelva a haber stock.",
        "Cliente mayorista: revisar condiciones de pago a 60 días.",
        "Se quejó de demoras en la entrega; ofrecimos envío gratis en la próxima compra.",
        "Pidió factura A a nombre de la empresa.",
        "Cumpleaños en marzo: incluir en la campaña de fidelidad.",
        "No enviar SMS promocionales, sólo avisos de pedidos.",
        "Derivado a {agent} para seguimiento comercial.",
        "Habla también portugués; atendido por el equipo de Brasil.",
    ),
    "pt": (
        "Prefere contacto por WhatsApp ao fim da tarde.",
        "Ligou por causa do pedido {order}; ficou satisfeito com a resposta.",
        "Quer ser avisado quando {product} voltar ao stock.",
        "Cliente empresarial: confirmar NIF antes de emitir a fatura.",
        "Reclamou do atraso na instalação; oferecemos um mês de desconto.",
        "Pediu para atualizar a morada de faturação.",
        "Aniversário em julho, incluir na campanha de fidelização.",
        "Não enviar SMS promocionais, apenas avisos de serviço.",
        "Encaminhado para {agent} para acompanhamento comercial.",
        "Fala espanhol; pode ser atendido pela equipa de Madrid.",
    ),
    "en": (
        "Prefers WhatsApp after 6 pm; do not call during office hours.",
        "Called about order {order}; happy with the resolution.",
        "Asked to be notified when {product} is back in stock.",
        "Business customer: invoices must show the purchase order number.",
        "Complained about a late delivery; offered free shipping next time.",
        "Requested a copy of the last three invoices.",
        "Birthday in October, include in the loyalty campaign.",
        "No promotional SMS please, order updates only.",
        "Handed over to {agent} for account follow-up.",
        "Also speaks Spanish; fine to reply in either language.",
    ),
}

TICKET_SUBJECTS: dict[str, tuple[str, ...]] = {
    "es": (
        "Pedido {order} sin entregar", "Cobro duplicado en la tarjeta", "Cambio de modelo: {product}",
        "Solicitud de devolución del pedido {order}", "No puedo iniciar sesión en la app",
        "Factura con datos incorrectos", "{product} llegó dañado", "Consulta sobre garantía de {product}",
    ),
    "pt": (
        "Pedido {order} não entregue", "Cobrança em duplicado", "Troca de {product}",
        "Pedido de devolução {order}", "Sem acesso à área de cliente", "Fatura com NIF errado",
        "{product} chegou danificado", "Falha na instalação da fibra",
    ),
    "en": (
        "Order {order} not delivered", "Charged twice for one order", "Exchange request for {product}",
        "Refund for order {order}", "Cannot log in to the app", "Wrong billing address on invoice",
        "{product} arrived damaged", "Warranty question about {product}",
    ),
}

# NPS comments by category: PROMOTER (9-10), PASSIVE (7-8), DETRACTOR (0-6).
NPS_COMMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "es": {
        "PROMOTER": (
            "Excelente atención, resolvieron todo por WhatsApp en minutos.",
            "Siempre llega a tiempo y los precios son muy buenos.",
            "Me encanta la app, comprar es facilísimo.",
        ),
        "PASSIVE": (
            "Bien en general, aunque el envío podría ser más rápido.",
            "Buenos productos, pero la web a veces es lenta.",
            "Correcto, sin más.",
        ),
        "DETRACTOR": (
            "Tardaron dos semanas en entregar y nadie me avisó.",
            "Me cobraron dos veces y todavía espero el reintegro.",
            "La atención telefónica es pésima.",
        ),
    },
    "pt": {
        "PROMOTER": (
            "Atendimento excelente, resolveram tudo muito rápido.",
            "A fibra nunca falha, recomendo a toda a gente.",
            "Adorei a experiência, entrega antes do prazo.",
        ),
        "PASSIVE": (
            "Bom serviço, mas o preço subiu bastante.",
            "Razoável; a aplicação podia ser mais simples.",
            "Sem queixas, mas também nada de especial.",
        ),
        "DETRACTOR": (
            "Fiquei três dias sem internet e ninguém me ligou.",
            "Cobraram um serviço que eu nunca pedi.",
            "O suporte demora demasiado a responder.",
        ),
    },
    "en": {
        "PROMOTER": (
            "Great service, the agent sorted everything out in one chat.",
            "Fast delivery and the quality is excellent.",
            "Love the app and the loyalty points.",
        ),
        "PASSIVE": (
            "Decent overall, delivery could be quicker.",
            "Good products but customer service is hit and miss.",
            "It's fine.",
        ),
        "DETRACTOR": (
            "My order was two weeks late and nobody told me why.",
            "Charged twice and still waiting for my refund.",
            "Impossible to reach anyone on the phone.",
        ),
    },
}

UNSUBSCRIBE_REASONS: dict[str, tuple[str, ...]] = {
    "es": ("Respondió BAJA", "Demasiados mensajes", "Ya no le interesa", "Pidió no recibir promociones"),
    "pt": ("Respondeu SAIR", "Mensagens a mais", "Já não tem interesse", "Pediu para não receber promoções"),
    "en": ("Replied STOP", "Too many messages", "No longer interested", "Asked not to receive promotions"),
}

# The wording a sign-up form showed next to its channel checkbox ({channel}: e-mail, SMS, WhatsApp, RCS).
CONSENT_WORDING: dict[str, tuple[str, ...]] = {
    "es": ("Acepto recibir novedades y ofertas por {channel}.", "Quiero que me escriban por {channel}."),
    "pt": ("Aceito receber novidades e ofertas por {channel}.", "Quero receber mensagens por {channel}."),
    "en": ("I agree to receive news and offers by {channel}.", "Yes, contact me by {channel}."),
}
