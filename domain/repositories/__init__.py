"""Repositories: all SQL lives here. Every function is scoped to one workspace."""
