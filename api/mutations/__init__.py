"""The Mutation root, merged from one class per area (each in its own module)."""

from strawberry.tools import merge_types

from api.access.api_key_create import ApiKeyCreateMutation
from api.access.api_key_revoke import ApiKeyRevokeMutation
from api.access.user_create import UserCreateMutation
from api.access.user_deactivate import UserDeactivateMutation
from api.access.user_set_role import UserSetRoleMutation
from api.mutations.bulk import BulkMutations
from api.mutations.catalog import CatalogMutations
from api.mutations.contact import ContactMutations
from api.mutations.contact_links import ContactLinkMutations
from api.mutations.contacts_import import ImportMutations
from api.mutations.custom_fields import CustomFieldMutations
from api.mutations.ingest import IngestMutations
from api.mutations.satisfaction import SatisfactionMutations

# Each area adds its class here.
MUTATION_AREAS: tuple[type, ...] = (
    ContactMutations, BulkMutations, CatalogMutations, ContactLinkMutations, IngestMutations, ImportMutations,
    SatisfactionMutations, CustomFieldMutations,
    # Access (api/access/): one mutation per module.
    UserCreateMutation, UserSetRoleMutation, UserDeactivateMutation, ApiKeyCreateMutation, ApiKeyRevokeMutation,
)

Mutation = merge_types("Mutation", MUTATION_AREAS)
