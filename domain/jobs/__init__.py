"""Durable background jobs: bulk actions and imports, processed in batches outside the request."""
