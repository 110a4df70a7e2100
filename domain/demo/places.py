"""Countries of the demo contacts: phone numbering plans, cities and how money is written.

Phone numbers are built to each plan's mobile format, so they are valid E.164 numbers that
`domain.text.normalize_phone` accepts unchanged.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    code: str
    # (E.164 prefix with the country code and any area or mobile marker, digits that follow it).
    plans: tuple[tuple[str, int], ...]
    # Digits a subscriber number may start with (mobile ranges, never a trunk or service digit).
    lead_digits: str
    cities: tuple[str, ...]
    # How money is written there; the amount is formatted with Python's separators first.
    currency: str

    def phone(self, rng) -> str:
        """A random mobile number of this country in E.164 form."""
        prefix, digits = rng.choice(self.plans)
        rest = digits - 1
        return prefix + rng.choice(self.lead_digits) + str(rng.randrange(10**rest)).zfill(rest)


COUNTRIES: dict[str, Country] = {
    # Argentina: +54 9 <area> <number>; Buenos Aires numbers have 8 digits, other cities 7.
    "AR": Country(
        "AR",
        plans=(("+54911", 8), ("+54911", 8), ("+549351", 7), ("+549341", 7), ("+549261", 7)),
        lead_digits="2345678",
        cities=("Buenos Aires", "La Plata", "Córdoba", "Rosario", "Mendoza", "Mar del Plata"),
        currency="ARS {amount:,.0f}",
    ),
    # Brazil: +55 <DDD> 9 <8 digits>.
    "BR": Country(
        "BR",
        plans=tuple((f"+55{ddd}9", 8) for ddd in ("11", "11", "21", "31", "41", "51", "61", "71", "81", "85")),
        lead_digits="6789",
        cities=("São Paulo", "Rio de Janeiro", "Belo Horizonte", "Curitiba", "Porto Alegre", "Brasília",
                "Salvador", "Recife", "Fortaleza", "Florianópolis"),
        currency="R$ {amount:,.2f}",
    ),
    # Spain: 9-digit mobiles; the 6 range is all mobile (parts of the 7 range are not).
    "ES": Country(
        "ES",
        plans=(("+346", 8),),
        lead_digits="0123456789",
        cities=("Madrid", "Barcelona", "Sevilla", "Valencia", "Bilbao", "Málaga", "Zaragoza"),
        currency="{amount:,.2f} €",
    ),
    # Mexico: 10-digit national numbers (two-digit area codes for the largest cities).
    "MX": Country(
        "MX",
        plans=(("+5255", 8), ("+5233", 8), ("+5281", 8)),
        lead_digits="123456789",
        cities=("Ciudad de México", "Guadalajara", "Monterrey", "Puebla", "Querétaro", "Mérida"),
        currency="MXN {amount:,.2f}",
    ),
    # United States: area code, exchange, line. Exchanges never start with 0 or 1; 5 is left
    # out to stay clear of the 555 range.
    "US": Country(
        "US",
        plans=tuple(
            (f"+1{area}", 7) for area in ("212", "305", "312", "415", "512", "617", "646", "718", "786", "917")
        ),
        lead_digits="2346789",
        cities=("New York", "Miami", "Chicago", "San Francisco", "Austin", "Boston", "Houston"),
        currency="${amount:,.2f}",
    ),
    # United Kingdom: mobiles are 07xxx xxxxxx, i.e. +44 7 and 9 more digits (076 are pagers).
    "UK": Country(
        "UK",
        plans=(("+447", 9),),
        lead_digits="45789",
        cities=("London", "Manchester", "Bristol", "Leeds", "Edinburgh", "Glasgow", "Cardiff"),
        currency="£{amount:,.2f}",
    ),
    # Portugal: 9-digit mobiles starting with 91, 92, 93 or 96.
    "PT": Country(
        "PT",
        plans=(("+35191", 7), ("+35192", 7), ("+35193", 7), ("+35196", 7)),
        lead_digits="123456789",
        cities=("Lisboa", "Porto", "Braga", "Coimbra", "Faro", "Aveiro", "Funchal"),
        currency="{amount:,.2f} €",
    ),
}


def money(country: Country, amount: float) -> str:
    """An amount written the way the country writes it (1.234,50 in Iberia and Brazil)."""
    text = country.currency.format(amount=amount)
    if country.code in ("AR", "BR", "ES", "PT"):
        # Swap the separators: Python writes 1,234.50, these countries write 1.234,50.
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text
