"""Workspace-level demo rows: the workspace, its users and everything contacts are organised by.

Ids are reserved by the caller (see `domain.demo.ids`), so the rows and the references contacts
need (the `Catalog`) are built together, without a round trip to the database.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.demo.companies import DEPARTMENTS, company_domain, company_names, slug
from domain.demo.profiles import SegmentSpec, WorkspaceProfile
from domain.demo.timeline import HISTORY, moment
from domain.enums import CustomFieldType, Role
from domain.text import fold, normalize_email


@dataclass(frozen=True)
class UserRef:
    id: int
    first_name: str
    role: Role


@dataclass(frozen=True)
class CompanyRef:
    id: int
    domain: str


@dataclass(frozen=True)
class FieldRef:
    id: int
    key: str
    type: CustomFieldType
    choices: tuple[str, ...] | None


@dataclass
class Catalog:
    """What contact generation needs to point at."""

    workspace_id: int
    users: list[UserRef]
    agents: list[UserRef]
    companies: dict[str, list[CompanyRef]]  # by language of the company
    departments: list[int]
    tags: list[int]
    lists: list[int]
    groups: list[int]
    flows: list[int]
    fields: list[FieldRef]
    items: list[int]
    item_names: dict[str, list[str]]  # by language
    rows: dict[str, list[dict]] = field(default_factory=dict)


def catalog_sizes(profile: WorkspaceProfile, contacts: int) -> dict[str, int]:
    """How many ids each workspace-level table needs."""
    return {
        "workspace": 1,
        "app_user": len(profile.staff),
        "company": max(3, contacts // 20),
        "department": len(DEPARTMENTS),
        "tag": len(profile.tags),
        "contact_list": len(profile.lists),
        "contact_group": len(profile.groups),
        "flow": len(profile.flows),
        "segment": len(profile.segments),
        "custom_field_definition": len(profile.fields),
        "item": sum(len(names) for names in profile.products.values()),
    }


def build_catalog(
    rng, profile: WorkspaceProfile, *, ids: dict[str, list[int]], now: datetime, slug_in_progress: str
) -> Catalog:
    """Rows of every workspace-level table, with the given ids, and references to them."""
    workspace_id = ids["workspace"][0]
    ws = {"workspace_id": workspace_id}
    founded = now - HISTORY - timedelta(days=30)
    rows: dict[str, list[dict]] = defaultdict(list)
    rows["workspace"].append(
        {"id": workspace_id, "name": profile.name, "slug": slug_in_progress, "created_at": founded}
    )
    users = _users(profile, ids["app_user"], ws, founded, rows)
    companies = _companies(rng, profile, ids["company"], ws, founded, now, rows)
    named: dict[str, dict[str, int]] = {}
    for table, names in (
        ("department", DEPARTMENTS), ("tag", profile.tags), ("contact_list", profile.lists),
        ("contact_group", profile.groups), ("flow", profile.flows),
    ):
        named[table] = dict(zip(names, ids[table], strict=True))
        for name, row_id in named[table].items():
            created = moment(rng, founded, now - timedelta(days=200))
            # Raw rows (COPY in the bench seed): the folded name the product's unique index holds.
            key = {} if table == "flow" else {"name_key": fold(name)}
            rows[table].append({"id": row_id, **ws, "name": name, **key, "created_at": created})
    company_ids = [row["id"] for row in rows["company"]]
    for segment_id, spec in zip(ids["segment"], profile.segments, strict=True):
        rows["segment"].append({
            "id": segment_id, **ws, "name": spec.name, "name_key": fold(spec.name), "filter": segment_filter(spec, named, company_ids),
            "search": spec.search, "created_at": moment(rng, now - timedelta(days=90), now),
        })
    fields = []
    for position, (field_id, spec) in enumerate(zip(ids["custom_field_definition"], profile.fields, strict=True)):
        rows["custom_field_definition"].append({
            "id": field_id, **ws, "key": spec.key, "label": spec.label, "type": spec.type,
            "choices": list(spec.choices) if spec.choices else None, "position": position,
        })
        fields.append(FieldRef(field_id, spec.key, spec.type, spec.choices))
    names = [name for language in profile.products for name in profile.products[language]]
    for number, (item_id, name) in enumerate(zip(ids["item"], names, strict=True), start=101):
        rows["item"].append({"id": item_id, **ws, "external_id": f"sku-{number}", "name": name})
    return Catalog(
        workspace_id=workspace_id,
        users=users,
        agents=[user for user in users if user.role == Role.AGENT],
        companies=companies,
        departments=list(named["department"].values()),
        tags=list(named["tag"].values()),
        lists=list(named["contact_list"].values()),
        groups=list(named["contact_group"].values()),
        flows=list(named["flow"].values()),
        fields=fields,
        items=ids["item"],
        item_names={language: list(names) for language, names in profile.products.items()},
        rows=dict(rows),
    )


def _users(profile: WorkspaceProfile, ids: list[int], ws: dict, founded: datetime, rows) -> list[UserRef]:
    """The staff, with folded ASCII e-mails at the company's domain."""
    users = []
    for user_id, (name, role) in zip(ids, profile.staff, strict=True):
        words = name.split()
        email = normalize_email(f"{slug(words[0])}.{slug(words[-1])}@{profile.staff_domain}")
        rows["app_user"].append(
            {"id": user_id, **ws, "name": name, "email": email, "role": role, "created_at": founded}
        )
        users.append(UserRef(user_id, words[0], role))
    return users


def _companies(
    rng, profile: WorkspaceProfile, ids: list[int], ws: dict, founded: datetime, now: datetime, rows
) -> dict[str, list[CompanyRef]]:
    """Companies with a domain each, grouped by the language they work in."""
    companies: dict[str, list[CompanyRef]] = defaultdict(list)
    for company_id, (name, language) in zip(ids, company_names(rng, profile.languages, len(ids)), strict=True):
        domain = company_domain(name)
        rows["company"].append(
            {"id": company_id, **ws, "name": name, "name_key": fold(name), "domain": domain,
             "created_at": moment(rng, founded, now)}
        )
        companies[language].append(CompanyRef(company_id, domain))
    return dict(companies)


def segment_filter(spec: SegmentSpec, named: dict[str, dict[str, int]], company_ids: list[int]) -> dict:
    """The segment's filter in the shape of the GraphQL ContactFilter input, with raw integer ids."""
    shape: dict[str, list] = {}
    if spec.status:
        shape["status"] = list(spec.status)
    for key, table, names in (
        ("tagIds", "tag", spec.tags), ("groupIds", "contact_group", spec.groups),
        ("listIds", "contact_list", spec.lists), ("departmentIds", "department", spec.departments),
    ):
        if names:
            shape[key] = [named[table][name] for name in names]
    if spec.companies:
        shape["companyIds"] = company_ids[: spec.companies]
    return shape

