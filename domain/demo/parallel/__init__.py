"""The demo's parallel loader for large demos on PostgreSQL (and the benchmark seed's).

Worker processes each generate a share of a workspace's contacts (a pool of generated templates,
then copies of their histories: copies.py) and COPY them (writers.py) while the bulk tables'
secondary indexes, unique and foreign keys are set aside and the count triggers paused
(structures.py), then everything is rebuilt once and the counts computed from the rows (loader.py).
"""
