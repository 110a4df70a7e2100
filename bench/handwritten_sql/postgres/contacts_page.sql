-- ContactsPage `contacts`: total, first page (one row more to know hasNextPage), cursors, nodes.
-- {where} and {order} are filled from bench/handwritten_sql.py's fragments for the request's filter,
-- search and order; {sort_value} is the ordering column (the cursor carries it).
SELECT json_build_object(
  'totalCount', (SELECT count(*) FROM contact c WHERE {where}),
  'pageInfo', json_build_object(
      'hasNextPage', count(*) > :first,
      'endCursor', (array_agg(p.cursor ORDER BY p.rn DESC) FILTER (WHERE p.rn <= :first))[1]),
  'edges', coalesce(json_agg(json_build_object('cursor', p.cursor, 'node', p.node) ORDER BY p.rn)
                    FILTER (WHERE p.rn <= :first), '[]'))
FROM (
  SELECT row_number() OVER (ORDER BY {order}) AS rn,
         B64('{"f":"' || :order_field || '","d":"' || :order_direction || '","v":'
             || coalesce(to_json({sort_value})::text, 'null') || ',"i":' || c.id || '}') AS cursor,
         json_build_object(
           'id', GID('Contact', c.id), 'name', c.name, 'email', c.email, 'phone', c.phone,
           'status', STATUS(c), 'contactSince', ISO(c.contact_since), 'lastActivityAt', ISO(c.last_activity_at),
           'tags', coalesce((
               SELECT json_agg(json_build_object('id', GID('Tag', t.id), 'name', t.name) ORDER BY t.name, t.id)
               FROM contact_tag m JOIN tag t ON t.id = m.tag_id AND t.workspace_id = :ws
               WHERE m.contact_id = c.id AND m.workspace_id = :ws), '[]'),
           'happiness', (
               SELECT json_build_object('category',
                        CASE WHEN r.score >= 9 THEN 'PROMOTER' WHEN r.score >= 7 THEN 'PASSIVE' ELSE 'DETRACTOR' END)
               FROM nps_response r WHERE r.contact_id = c.id AND r.workspace_id = :ws
               ORDER BY r.responded_at DESC, r.id DESC LIMIT 1)) AS node
  FROM contact c
  WHERE {where}
  ORDER BY {order}
  LIMIT :first + 1
) p
