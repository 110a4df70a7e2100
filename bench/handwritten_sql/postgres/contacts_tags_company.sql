-- contacts(first: 25) { edges { node { id name tags { id name } company { id name } } } }, default order.
SELECT json_build_object('edges', coalesce(json_agg(json_build_object('node', json_build_object(
         'id', GID('Contact', p.id), 'name', p.name,
         'tags', coalesce((
             SELECT json_agg(json_build_object('id', GID('Tag', t.id), 'name', t.name) ORDER BY t.name, t.id)
             FROM contact_tag m JOIN tag t ON t.id = m.tag_id AND t.workspace_id = :ws
             WHERE m.contact_id = p.id AND m.workspace_id = :ws), '[]'),
         'company', (SELECT json_build_object('id', GID('Company', co.id), 'name', co.name)
                     FROM company co WHERE co.id = p.company_id AND co.workspace_id = :ws)))
       ORDER BY p.contact_since DESC, p.id DESC), '[]'))
FROM (SELECT c.id, c.name, c.company_id, c.contact_since FROM contact c
      WHERE c.workspace_id = :ws ORDER BY c.contact_since DESC, c.id DESC LIMIT 25) p
