"""Who a demo contact is: name, language, country, e-mail and phone, unique per workspace."""

from dataclasses import dataclass

from domain.demo.companies import slug
from domain.demo.names import compose_name
from domain.demo.places import COUNTRIES, Country
from domain.demo.profiles import WorkspaceProfile
from domain.text import normalize_email

# Personal mailboxes live on reserved `.example` domains: the demo never names a real inbox.
PERSONAL_DOMAINS: tuple[str, ...] = (
    "example.com", "example.net", "example.org", "correo.example", "email.example", "caixa.example",
    "inbox.example", "mail.example",
)


@dataclass(frozen=True)
class Identity:
    name: str
    first_name: str
    language: str
    country: Country
    email: str | None
    phone: str | None


class IdentityFactory:
    """Makes identities for one workspace, keeping e-mails and phones unique within it."""

    def __init__(self, rng, profile: WorkspaceProfile) -> None:
        self._rng = rng
        self._profile = profile
        self._emails: set[str] = set()
        self._phones: set[str] = set()

    def language(self) -> str:
        """A language drawn with the workspace's mix."""
        languages = self._profile.languages
        return self._rng.choices(list(languages), weights=list(languages.values()))[0]

    def make(self, *, language: str, with_email: bool, with_phone: bool, work_domain: str | None) -> Identity:
        """A person speaking `language`, living in one of the workspace's countries for it."""
        rng = self._rng
        countries = self._profile.countries[language]
        country = COUNTRIES[rng.choices(list(countries), weights=list(countries.values()))[0]]
        name, first_name = compose_name(rng, language)
        email = self._email(name, work_domain) if with_email else None
        phone = self._phone(country) if with_phone else None
        return Identity(name, first_name, language, country, email, phone)

    def _email(self, name: str, work_domain: str | None) -> str:
        """An address derived from the name, ASCII-folded; numbered when already taken."""
        rng = self._rng
        # "O'Connor" is one word in an address: oconnor, not o-connor.
        words = slug(name.replace("'", "")).split("-")
        first, last = words[0], words[-1]
        local = rng.choice(
            (f"{first}.{last}", f"{first}{last}", f"{first[0]}{last}", f"{first}_{last}",
             f"{first}.{last}{rng.randint(60, 99)}", f"{last}.{first}")
        )
        # People use the work address more often than not when they have one.
        domain = work_domain if work_domain and rng.random() < 0.6 else rng.choice(PERSONAL_DOMAINS)
        email = normalize_email(f"{local}@{domain}")
        number = 2
        while email in self._emails:
            email = normalize_email(f"{local}{number}@{domain}")
            number += 1
        self._emails.add(email)
        return email

    def _phone(self, country: Country) -> str:
        """A mobile number of the contact's country not yet given to anyone in the workspace."""
        phone = country.phone(self._rng)
        while phone in self._phones:
            phone = country.phone(self._rng)
        self._phones.add(phone)
        return phone
