-- contacts(first: 25) { edges { node { id name tags { id name } company { id name } } } } on SQLite.
SELECT json_object('edges', json((SELECT json_group_array(json(j)) FROM (
  SELECT json_object('node', json_object(
           'id', GID('Contact', c.id), 'name', c.name,
           'tags', json((SELECT json_group_array(json(k)) FROM (
               SELECT json_object('id', GID('Tag', t.id), 'name', t.name) AS k
               FROM contact_tag m JOIN tag t ON t.id = m.tag_id AND t.workspace_id = :ws
               WHERE m.contact_id = c.id AND m.workspace_id = :ws ORDER BY t.name, t.id))),
           'company', json((SELECT json_object('id', GID('Company', co.id), 'name', co.name)
                            FROM company co WHERE co.id = c.company_id AND co.workspace_id = :ws)))) AS j
  FROM contact c WHERE c.workspace_id = :ws ORDER BY c.contact_since DESC, c.id DESC LIMIT 25))))
