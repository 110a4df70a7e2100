-- ContactsPage `contacts` on SQLite: total, first page (one row more to know hasNextPage), cursors, nodes.
-- {where}, {order} and {sort_value} come from bench/handwritten_queries.py, as on PostgreSQL.
WITH page AS (
  SELECT row_number() OVER (ORDER BY {order}) AS rn,
         B64('{"f":"' || :order_field || '","d":"' || :order_direction || '","v":'
             || coalesce(json_quote({sort_value}), 'null') || ',"i":' || c.id || '}') AS cursor,
         json_object(
           'id', GID('Contact', c.id), 'name', c.name, 'email', c.email, 'phone', c.phone,
           'status', STATUS(c), 'contactSince', ISO(c.contact_since), 'lastActivityAt', ISO(c.last_activity_at),
           'tags', json((SELECT json_group_array(json(j)) FROM (
               SELECT json_object('id', GID('Tag', t.id), 'name', t.name) AS j
               FROM contact_tag m JOIN tag t ON t.id = m.tag_id AND t.workspace_id = :ws
               WHERE m.contact_id = c.id AND m.workspace_id = :ws ORDER BY t.name, t.id))),
           'happiness', json((
               SELECT json_object('category',
                        CASE WHEN r.score >= 9 THEN 'PROMOTER' WHEN r.score >= 7 THEN 'PASSIVE' ELSE 'DETRACTOR' END)
               FROM nps_response r WHERE r.contact_id = c.id AND r.workspace_id = :ws
               ORDER BY r.responded_at DESC, r.id DESC LIMIT 1))) AS node
  FROM contact c
  WHERE {where}
  ORDER BY {order}
  LIMIT :first + 1)
SELECT json_object(
  'totalCount', (SELECT count(*) FROM contact c WHERE {where}),
  'pageInfo', json_object(
      'hasNextPage', json(CASE WHEN (SELECT count(*) FROM page) > :first THEN 'true' ELSE 'false' END),
      'endCursor', (SELECT cursor FROM page WHERE rn <= :first ORDER BY rn DESC LIMIT 1)),
  'edges', json((SELECT json_group_array(json(j)) FROM (
      SELECT json_object('cursor', cursor, 'node', json(node)) AS j FROM page WHERE rn <= :first ORDER BY rn))))
