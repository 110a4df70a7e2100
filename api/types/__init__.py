"""Strawberry types of the GraphQL schema, mapped from domain rows."""
