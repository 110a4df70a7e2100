"""The Mutation root, merged from one class per area (each in its own module)."""

from strawberry.tools import merge_types

from api.mutations.contact import ContactMutations

# Each area adds its class here.
MUTATION_AREAS: tuple[type, ...] = (ContactMutations,)

Mutation = merge_types("Mutation", MUTATION_AREAS)
