"""Companies of the demo contacts: departments, and names in the three languages with a domain each."""

import re

from domain.demo.names import SURNAMES
from domain.text import fold

DEPARTMENTS: tuple[str, ...] = (
    "Compras", "Ventas", "Finanzas", "Marketing", "Logística", "Recursos Humanos", "Atención al Cliente",
    "Financeiro", "Comercial", "Suprimentos", "Jurídico", "Tecnologia", "Support", "Operations", "Procurement",
)

# Building blocks of company names; "{s}" is a surname, "{p}" a place, "{w}" a trade word.
COMPANY_PATTERNS: dict[str, tuple[str, ...]] = {
    "es": (
        "{s} y Asociados", "Grupo {s}", "Distribuidora {p}", "Comercial {p} S.A.", "{w} {p} SRL",
        "Hermanos {s}", "{s} & {s2} Consultores", "Importadora {s}", "{w} del {p}", "Ferretería {s}",
        "Transportes {s}", "Farmacias {p}",
    ),
    "pt": (
        "{s} & Filhos Lda.", "Grupo {s}", "Distribuidora {p} Ltda.", "Comercial {p}", "{w} {p} S.A.",
        "Construtora {s}", "{s} e {s2} Advogados", "Mercearia {s}", "{w} do {p}", "Transportes {s}",
        "Farmácias {p}", "Padaria {s}",
    ),
    "en": (
        "{s} & Sons", "{s} Group", "{p} Logistics Ltd", "{p} Trading Co.", "{w} {p} Inc.",
        "{s} {s2} LLP", "{s} Hardware", "{p} Foods", "{w} Partners", "{s} Brothers", "{p} Outfitters",
        "{s} Analytics",
    ),
}
COMPANY_PLACES: dict[str, tuple[str, ...]] = {
    "es": ("Sur", "Norte", "Pacífico", "Atlántico", "Plata", "Andes", "Cumbre", "Litoral", "Oriente", "Valle",
           "Río Bravo", "Levante"),
    "pt": ("Sul", "Norte", "Atlântico", "Serra", "Litoral", "Minho", "Alentejo", "Cerrado", "Planalto", "Tejo",
           "Douro", "Sertão"),
    "en": ("Harbour", "Northfield", "Westbrook", "Riverside", "Highland", "Kingsway", "Oakridge", "Bayview",
           "Summit", "Pinecrest", "Lakeside", "Meridian"),
}
COMPANY_WORDS: dict[str, tuple[str, ...]] = {
    "es": ("Textiles", "Alimentos", "Tecnología", "Servicios", "Muebles", "Vinos", "Aceros", "Seguros", "Agro",
           "Energía"),
    "pt": ("Têxteis", "Alimentos", "Tecnologia", "Serviços", "Móveis", "Vinhos", "Metalúrgica", "Seguros", "Agro",
           "Energia"),
    "en": ("Textiles", "Foods", "Technology", "Services", "Furniture", "Wines", "Steel", "Insurance", "Agri",
           "Energy"),
}


def slug(text: str) -> str:
    """ASCII, lower-case, hyphen-separated: "Ferretería Núñez" -> "ferreteria-nunez"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def company_domain(name: str) -> str:
    """A web domain for a company; `.example` is reserved, so no real company is named."""
    words = slug(name).split("-")
    # Legal suffixes do not appear in domains ("Comercial Sur S.A." -> comercial-sur).
    kept = [w for w in words if w not in ("s", "a", "sa", "srl", "ltda", "lda", "inc", "ltd", "llp", "co", "y", "e")]
    return "-".join(kept[:3] or words[:1]) + ".example"


def company_names(rng, languages: dict[str, float], count: int) -> list[tuple[str, str]]:
    """`count` distinct (name, language) pairs, languages drawn with the given weights; distinct as the
    product compares catalogue names (ignoring case and accents: "Pérez SA" and "Perez SA" are one)."""
    names: list[tuple[str, str]] = []
    taken: set[str] = set()
    codes, weights = list(languages), list(languages.values())
    while len(names) < count:
        language = rng.choices(codes, weights=weights)[0]
        name = _compose(rng, language)
        # Common patterns collide once there are thousands of companies: number the branch.
        branch = 2
        candidate = name
        while fold(candidate) in taken:
            candidate = f"{name} {branch}"
            branch += 1
        taken.add(fold(candidate))
        names.append((candidate, language))
    return names


def _compose(rng, language: str) -> str:
    pattern = rng.choice(COMPANY_PATTERNS[language])
    surnames = SURNAMES[language]
    return pattern.format(
        s=rng.choice(surnames),
        s2=rng.choice(surnames),
        p=rng.choice(COMPANY_PLACES[language]),
        w=rng.choice(COMPANY_WORDS[language]),
    )
