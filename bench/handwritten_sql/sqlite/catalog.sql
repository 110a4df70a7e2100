-- FilterOptions on SQLite: one catalogue, first 100 by name ({table}, {type} and {count} as on PostgreSQL).
SELECT json_object(
  'totalCount', (SELECT count(*) FROM {table} x WHERE x.workspace_id = :ws),
  'edges', json((SELECT json_group_array(json(j)) FROM (
      SELECT json_object('node', json_object('id', GID('{type}', x.id), 'name', x.name {count})) AS j
      FROM {table} x WHERE x.workspace_id = :ws ORDER BY x.name, x.id LIMIT 100))))
