-- FilterOptions: one catalogue (tags, groups, lists, segments, flows, companies, departments), first 100 by name.
-- {table} and {count} come from bench/handwritten_sql.py: the table and how a row's contactCount is counted.
SELECT json_build_object(
  'totalCount', (SELECT count(*) FROM {table} x WHERE x.workspace_id = :ws),
  'edges', coalesce(json_agg(json_build_object('node', p.node) ORDER BY p.name, p.id), '[]'))
FROM (SELECT x.id, x.name, json_build_object('id', GID('{type}', x.id), 'name', x.name {count}) AS node
      FROM {table} x WHERE x.workspace_id = :ws ORDER BY x.name, x.id LIMIT 100) p
