"""Access administration over GraphQL: the workspace's users, API keys and audit trail (its ADMIN only)."""
