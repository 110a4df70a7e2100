"""What the benchmark workspaces look like: the demo's two companies, with ~30 tags of skewed sizes
and segments of every kind the contacts page filters by (status only, tag + status, search...).

The contacts themselves come from the demo generator (`domain.demo`), so every derived column is
computed by the domain's own functions; this module only changes the catalogue and how tags spread.
"""

from dataclasses import replace

from domain.demo.profiles import ANDES_RETAIL, LUSITANA_TELECOM, SegmentSpec, WorkspaceProfile

MAIN_PREFIX = "bench-main"
OTHER_PREFIX = "bench-other"
# Zipf exponent of tag popularity: the biggest tag holds about a third of the contacts, the
# smallest a few thousand at 1M (the contacts page must be fast for both).
TAG_SKEW = 1.2

EXTRA_TAGS = (
    "app-usuario", "pago-pendiente", "envío-gratis", "tienda-física", "marketplace", "referido",
    "suscripción-anual", "devolución", "carrito-abandonado", "cyber-monday", "navidad", "día-de-la-madre",
    "influencer", "prensa", "ex-empleado", "beta-tester", "alto-valor", "baja-solicitada",
)

BENCH_SEGMENTS = (
    SegmentSpec("Activos", status=("NEW", "FREQUENT")),
    SegmentSpec("VIP activos", status=("NEW", "FREQUENT"), tags=("vip",)),
    SegmentSpec("Riesgo de fuga", status=("DORMANT", "EXPIRED"), tags=("churn-risk",)),
    SegmentSpec("Familia Silva", search="silva"),
    SegmentSpec("Compras de cuentas clave", departments=("Compras",), companies=5),
    SegmentSpec("Newsletter sin actividad", status=("INACTIVE", "EXPIRED"), lists=("Newsletter semanal",)),
    SegmentSpec("Equipe Brasil · família Silva", groups=("Equipe Brasil",), search="silva"),
)


def seed_slug(prefix: str, contacts: int, other_contacts: int, seed: int) -> str:
    """The workspace slug doubles as the marker of which seed the database holds."""
    return f"{prefix}-{contacts}-{other_contacts}-{seed}"


def bench_profiles(contacts: int, other_contacts: int, seed: int) -> list[tuple[WorkspaceProfile, int]]:
    """(profile, contact count) of the main and the second workspace, the main one first."""
    main = replace(
        ANDES_RETAIL,
        slug=seed_slug(MAIN_PREFIX, contacts, other_contacts, seed),
        name="Andes Retail (bench)",
        tags=ANDES_RETAIL.tags + EXTRA_TAGS,
        segments=BENCH_SEGMENTS,
    )
    other = replace(
        LUSITANA_TELECOM, slug=seed_slug(OTHER_PREFIX, contacts, other_contacts, seed), name="Lusitana Telecom (bench)"
    )
    return [(main, contacts), (other, other_contacts)]
