"""The two demo companies: who they are, who works there, and how they organise contacts."""

from dataclasses import dataclass

from domain.demo.products import RETAIL_PRODUCTS, TELECOM_PRODUCTS
from domain.enums import CustomFieldType, Role

MAIN_SLUG = "demo-main"
SECOND_SLUG = "demo-second"


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    type: CustomFieldType
    choices: tuple[str, ...] | None = None


@dataclass(frozen=True)
class SegmentSpec:
    """A saved filter. Catalogue references are by name here and become integer ids on load.

    `companies` is a count: the segment targets that many of the workspace's first companies.
    """

    name: str
    status: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    companies: int = 0
    search: str | None = None


@dataclass(frozen=True)
class WorkspaceProfile:
    slug: str
    name: str
    staff_domain: str
    message_prefix: str
    # Share of contacts speaking each language, and the countries they live in.
    languages: dict[str, float]
    countries: dict[str, dict[str, float]]
    # The first three are the ADMIN, OPERATOR and AGENT whose keys are handed out.
    staff: tuple[tuple[str, Role], ...]
    tags: tuple[str, ...]
    lists: tuple[str, ...]
    groups: tuple[str, ...]
    flows: tuple[str, ...]
    segments: tuple[SegmentSpec, ...]
    fields: tuple[FieldSpec, ...]
    products: dict[str, tuple[str, ...]]  # by language of the market


ANDES_RETAIL = WorkspaceProfile(
    slug=MAIN_SLUG,
    name="Andes Retail",
    staff_domain="andes-retail.example",
    message_prefix="ar",
    languages={"es": 0.55, "pt": 0.3, "en": 0.15},
    countries={"es": {"AR": 0.4, "MX": 0.35, "ES": 0.25}, "pt": {"BR": 0.8, "PT": 0.2}, "en": {"US": 0.65, "UK": 0.35}},
    staff=(
        ("Lucía Fernández Ortega", Role.ADMIN),
        ("Rodrigo Alves Pereira", Role.OPERATOR),
        ("Camila Rojas Quiroga", Role.AGENT),
        ("Mateus Carvalho", Role.AGENT),
        ("Valentina Quispe", Role.AGENT),
        ("Tomás Ibarra Núñez", Role.AGENT),
        ("Grace O'Neill", Role.AGENT),
    ),
    tags=(
        "vip", "newsletter", "churn-risk", "black-friday", "cliente-frecuente", "mayorista", "b2b",
        "reclamo-abierto", "early-adopter", "cupón-bienvenida", "fidelidad-oro", "encuesta-nps",
    ),
    lists=(
        "Newsletter semanal", "Ofertas Black Friday", "Clientes mayoristas", "Lançamentos Brasil",
        "Beta app móvil", "Reactivación Q3",
    ),
    groups=("Soporte Nivel 1", "Cuentas Clave", "Equipe Brasil", "Retención", "Ventas Corporativas"),
    flows=("Bienvenida", "Carrito abandonado", "Reactivación 90 días", "Post-compra NPS"),
    segments=(
        SegmentSpec("VIP activos", status=("NEW", "FREQUENT"), tags=("vip",)),
        SegmentSpec("Riesgo de fuga", status=("DORMANT", "EXPIRED"), tags=("churn-risk",)),
        SegmentSpec("Compras de cuentas clave", departments=("Compras",), companies=5),
        SegmentSpec("Newsletter sin actividad", status=("INACTIVE", "EXPIRED"), lists=("Newsletter semanal",)),
        SegmentSpec("Equipe Brasil · família Silva", groups=("Equipe Brasil",), search="silva"),
    ),
    fields=(
        FieldSpec("city", "Ciudad", CustomFieldType.TEXT),
        FieldSpec("lifetime_value", "Valor de vida (USD)", CustomFieldType.NUMBER),
        FieldSpec("birthday", "Fecha de nacimiento", CustomFieldType.DATE),
        FieldSpec("opted_in_marketing", "Acepta marketing", CustomFieldType.BOOLEAN),
        FieldSpec("loyalty_tier", "Nivel de fidelidad", CustomFieldType.CHOICE, ("Bronce", "Plata", "Oro", "Platino")),
    ),
    products=RETAIL_PRODUCTS,
)

LUSITANA_TELECOM = WorkspaceProfile(
    slug=SECOND_SLUG,
    name="Lusitana Telecom",
    staff_domain="lusitana-telecom.example",
    message_prefix="lt",
    languages={"pt": 0.7, "es": 0.15, "en": 0.15},
    countries={"pt": {"PT": 0.7, "BR": 0.3}, "es": {"ES": 0.85, "AR": 0.15}, "en": {"UK": 0.75, "US": 0.25}},
    staff=(
        ("Inês Carvalho Brandão", Role.ADMIN),
        ("Duarte Menezes", Role.OPERATOR),
        ("Beatriz Gonçalves", Role.AGENT),
        ("Tiago Ferraz", Role.AGENT),
        ("Mariana Lopes da Cunha", Role.AGENT),
        ("Rui Antunes", Role.AGENT),
    ),
    tags=(
        "vip", "newsletter", "churn-risk", "fibra", "5g", "portabilidade", "empresarial", "reclamação",
        "roaming", "pré-pago", "fatura-digital", "upgrade",
    ),
    lists=(
        "Newsletter mensal", "Campanha 5G", "Clientes empresariais", "Avisos de manutenção", "Ofertas roaming",
        "Inquérito de satisfação",
    ),
    groups=("Apoio ao Cliente", "Retenção", "Empresas", "Técnico Fibra", "Vendas Online"),
    flows=("Boas-vindas", "Renovação de contrato", "Fatura em atraso", "Upgrade 5G"),
    segments=(
        SegmentSpec("Clientes VIP ativos", status=("NEW", "FREQUENT"), tags=("vip",)),
        SegmentSpec("Risco de cancelamento", status=("DORMANT", "EXPIRED"), tags=("churn-risk", "reclamação")),
        SegmentSpec("Empresas · Financeiro", departments=("Financeiro",), companies=3),
        SegmentSpec("Fibra sem atividade", status=("INACTIVE",), tags=("fibra",), lists=("Avisos de manutenção",)),
    ),
    fields=(
        FieldSpec("city", "Cidade", CustomFieldType.TEXT),
        FieldSpec("monthly_spend", "Gasto mensal (EUR)", CustomFieldType.NUMBER),
        FieldSpec("contract_end", "Fim do contrato", CustomFieldType.DATE),
        FieldSpec("opted_in_marketing", "Aceita marketing", CustomFieldType.BOOLEAN),
        FieldSpec("plan", "Plano", CustomFieldType.CHOICE, ("Pré-pago", "Controle", "Pós-pago", "Empresas")),
    ),
    products=TELECOM_PRODUCTS,
)


def demo_plan(contacts: int) -> list[tuple[WorkspaceProfile, int]]:
    """The demo workspaces to load and how many contacts each gets; the main one first."""
    return [(ANDES_RETAIL, contacts), (LUSITANA_TELECOM, max(50, contacts // 10))]
