"""Ingestion: what messaging pipelines, helpdesks, surveys and catalogues send in.

Every record runs under an OPERATOR or ADMIN key (Action.INGEST), is idempotent on its external
id, and moves last activity and the rollups in the same transaction as the record itself.
"""
