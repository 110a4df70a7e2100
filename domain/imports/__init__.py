"""CSV import of contacts, run as an IMPORT job in batches.

csv_file (bytes -> records) -> columns (header -> fields) -> rows (validation, the 1:1 rules)
-> matching (create / update / skip, in-file and base duplicates) -> batch (set-based writes);
handler ties them to the job runner (registered for JobKind.IMPORT).
"""
