-- ContactProfile: the whole `contact` field in one statement, JSON built by PostgreSQL.
-- Macros (expanded by bench/handwritten_sql.py): ISO(ts) = Python's datetime.isoformat() in UTC,
-- GID('Type', key) = the API's global id, B64(text) = unpadded base64url, STATUS(c) = engagement status.
SELECT json_build_object(
  'id', GID('Contact', c.id),
  'name', c.name, 'email', c.email, 'phone', c.phone,
  'contactSince', ISO(c.contact_since),
  'origin', c.origin,
  'lastActivityAt', ISO(c.last_activity_at),
  'status', STATUS(c),
  'discardReason', c.discard_reason,
  'company', (SELECT json_build_object('id', GID('Company', co.id), 'name', co.name)
              FROM company co WHERE co.id = c.company_id AND co.workspace_id = :ws),
  'department', (SELECT json_build_object('id', GID('Department', d.id), 'name', d.name)
                 FROM department d WHERE d.id = c.department_id AND d.workspace_id = :ws),
  'assignment', CASE WHEN c.assigned_agent_id IS NOT NULL OR c.assigned_group_id IS NOT NULL THEN json_build_object(
      'agent', (SELECT json_build_object('id', GID('User', u.id), 'name', u.name)
                FROM app_user u WHERE u.id = c.assigned_agent_id AND u.workspace_id = :ws),
      'group', (SELECT json_build_object('id', GID('Group', g.id), 'name', g.name)
                FROM contact_group g WHERE g.id = c.assigned_group_id AND g.workspace_id = :ws)) END,
  'channels', coalesce((
      SELECT json_agg(json_build_object(
               'channel', s.channel, 'status', s.status, 'address', s.address, 'changedAt', ISO(s.changed_at),
               'lastEvent', CASE WHEN s.last_event_type IS NOT NULL AND s.last_event_at IS NOT NULL
                            THEN json_build_object('type', s.last_event_type, 'occurredAt', ISO(s.last_event_at)) END)
             ORDER BY array_position(ARRAY['SMS', 'EMAIL', 'WHATSAPP', 'RCS']::varchar[], s.channel), s.id)
      FROM channel_subscription s WHERE s.contact_id = c.id AND s.workspace_id = :ws), '[]'),
  'lists', coalesce((
      SELECT json_agg(json_build_object('id', GID('ContactList', l.id), 'name', l.name) ORDER BY l.name, l.id)
      FROM contact_list_member m JOIN contact_list l ON l.id = m.list_id AND l.workspace_id = :ws
      WHERE m.contact_id = c.id AND m.workspace_id = :ws), '[]'),
  'groups', coalesce((
      SELECT json_agg(json_build_object('id', GID('Group', g.id), 'name', g.name) ORDER BY g.name, g.id)
      FROM contact_group_member m JOIN contact_group g ON g.id = m.group_id AND g.workspace_id = :ws
      WHERE m.contact_id = c.id AND m.workspace_id = :ws), '[]'),
  'tags', coalesce((
      SELECT json_agg(json_build_object('id', GID('Tag', t.id), 'name', t.name) ORDER BY t.name, t.id)
      FROM contact_tag m JOIN tag t ON t.id = m.tag_id AND t.workspace_id = :ws
      WHERE m.contact_id = c.id AND m.workspace_id = :ws), '[]'),
  'customFields', coalesce((
      SELECT json_agg(json_build_object('key', f.key, 'label', f.label, 'type', f.type, 'value',
               CASE f.type
                 WHEN 'NUMBER' THEN CASE WHEN v.value_number = trunc(v.value_number)
                                         THEN trunc(v.value_number)::bigint::text ELSE v.value_number::text END
                 WHEN 'DATE' THEN to_char(v.value_date, 'YYYY-MM-DD')
                 WHEN 'BOOLEAN' THEN CASE WHEN v.value_bool THEN 'true' WHEN NOT v.value_bool THEN 'false' END
                 ELSE v.value_text END)
             ORDER BY f.position, f.key)
      FROM custom_field_value v JOIN custom_field_definition f ON f.id = v.field_id
      WHERE v.contact_id = c.id AND v.workspace_id = :ws), '[]'),
  'notes', json_build_object(
      'totalCount', (SELECT count(*) FROM note n WHERE n.contact_id = c.id AND n.workspace_id = :ws),
      'edges', coalesce((
          SELECT json_agg(json_build_object('node', json_build_object(
                   'id', GID('Note', n.id), 'body', n.body, 'createdAt', ISO(n.created_at),
                   'author', (SELECT json_build_object('id', GID('User', u.id), 'name', u.name)
                              FROM app_user u WHERE u.id = n.author_user_id AND u.workspace_id = :ws)))
                 ORDER BY n.created_at DESC, n.id DESC)
          FROM (SELECT * FROM note n WHERE n.contact_id = c.id AND n.workspace_id = :ws
                ORDER BY n.created_at DESC, n.id DESC LIMIT 5) n), '[]')),
  'happiness', (
      SELECT json_build_object('score', r.score,
               'category', CASE WHEN r.score >= 9 THEN 'PROMOTER' WHEN r.score >= 7 THEN 'PASSIVE' ELSE 'DETRACTOR' END,
               'comment', r.comment, 'respondedAt', ISO(r.responded_at))
      FROM nps_response r WHERE r.contact_id = c.id AND r.workspace_id = :ws
      ORDER BY r.responded_at DESC, r.id DESC LIMIT 1),
  'satisfaction', (
      -- Mean class probabilities of the scored conversations of the window; the first class wins ties.
      SELECT CASE WHEN a.n > 0 THEN json_build_object(
               'label', CASE WHEN a.ps >= a.pn AND a.ps >= a.pd THEN 'SATISFIED' WHEN a.pn >= a.pd THEN 'NEUTRAL'
                             ELSE 'DISSATISFIED' END,
               'confidence', GREATEST(a.ps, a.pn, a.pd),
               'interactionRate', a.replied::float8 / a.total,
               'modelVersion', a.model_version, 'analyzedAt', ISO(a.analyzed_at),
               'conversationsAnalyzed', a.n) END
      FROM (SELECT count(*) AS total, count(*) FILTER (WHERE k.customer_replied) AS replied,
                   count(*) FILTER (WHERE k.scored) AS n,
                   sum(k.p_satisfied) FILTER (WHERE k.scored) / count(*) FILTER (WHERE k.scored) AS ps,
                   sum(coalesce(k.p_neutral, 0)) FILTER (WHERE k.scored) / count(*) FILTER (WHERE k.scored) AS pn,
                   sum(coalesce(k.p_dissatisfied, 0)) FILTER (WHERE k.scored) / count(*) FILTER (WHERE k.scored) AS pd,
                   (array_agg(k.model_version ORDER BY coalesce(k.analyzed_at, k.started_at) DESC)
                      FILTER (WHERE k.scored))[1] AS model_version,
                   (array_agg(k.analyzed_at ORDER BY coalesce(k.analyzed_at, k.started_at) DESC)
                      FILTER (WHERE k.scored))[1] AS analyzed_at
            FROM (SELECT cv.*, cv.satisfaction_label IS NOT NULL AND cv.p_satisfied IS NOT NULL AS scored
                  FROM conversation cv
                  WHERE cv.contact_id = c.id AND cv.workspace_id = :ws AND cv.started_at >= :conversations_since) k) a),
  'messageMetrics', json_build_object(
      'windowDays', :window_days::int,
      'deliveryRate', mm.rates -> 'deliveryRate', 'openRate', mm.rates -> 'openRate',
      'clickRate', mm.rates -> 'clickRate', 'responseRate', mm.rates -> 'responseRate'),
  'tickets', (SELECT json_build_object('open', count(*) FILTER (WHERE t.status = 'OPEN'),
                                       'resolved', count(*) FILTER (WHERE t.status = 'RESOLVED'),
                                       'all', count(*) FILTER (WHERE t.status IN ('OPEN', 'RESOLVED')))
              FROM ticket t WHERE t.contact_id = c.id AND t.workspace_id = :ws),
  'items', json_build_object(
      'totalCount', (SELECT count(*) FROM contact_item ci JOIN item i ON i.id = ci.item_id
                     WHERE ci.contact_id = c.id AND ci.workspace_id = :ws),
      'edges', coalesce((
          SELECT json_agg(json_build_object('node', json_build_object(
                   'item', json_build_object('id', GID('Item', x.item_id), 'name', x.name),
                   'interactions', x.interactions, 'lastInteractionAt', ISO(x.last_interaction_at)))
                 ORDER BY x.last_interaction_at DESC, x.item_id DESC)
          FROM (SELECT ci.item_id, ci.interactions, ci.last_interaction_at, i.name
                FROM contact_item ci JOIN item i ON i.id = ci.item_id
                WHERE ci.contact_id = c.id AND ci.workspace_id = :ws
                ORDER BY ci.last_interaction_at DESC, ci.item_id DESC LIMIT 5) x), '[]')),
  'activity', (
      SELECT json_build_object(
               'pageInfo', json_build_object('hasNextPage', count(*) > 10,
                                             'endCursor', (array_agg(e.cursor ORDER BY e.rn DESC) FILTER (WHERE e.rn <= 10))[1]),
               'edges', coalesce(json_agg(json_build_object('cursor', e.cursor, 'node', json_build_object(
                          'id', GID('ActivityEvent', e.id), 'channel', e.channel, 'type', e.type,
                          'occurredAt', ISO(e.occurred_at))) ORDER BY e.rn) FILTER (WHERE e.rn <= 10), '[]'))
      FROM (SELECT me.id, me.channel, me.type, me.occurred_at,
                   B64('{"t":"' || ISO(me.occurred_at) || '","i":' || me.id || '}') AS cursor,
                   row_number() OVER (ORDER BY me.occurred_at DESC, me.id DESC) AS rn
            FROM message_event me WHERE me.contact_id = c.id AND me.workspace_id = :ws
            ORDER BY me.occurred_at DESC, me.id DESC LIMIT 11) e)
)
FROM contact c
CROSS JOIN LATERAL (
  -- 90-day rates from the daily rollups: every (rate, channel) pair of domain/metrics.py, in its order.
  SELECT json_object_agg(r.rate, r.body) AS rates
  FROM (SELECT p.rate, json_build_object(
                 'value', CASE WHEN sum(p.den) > 0 THEN sum(p.num)::float8 / sum(p.den)::float8 END,
                 'numerator', sum(p.num), 'denominator', sum(p.den),
                 'byChannel', json_agg(json_build_object(
                    'channel', p.channel, 'value', CASE WHEN p.den > 0 THEN p.num::float8 / p.den::float8 END,
                    'numerator', p.num, 'denominator', p.den) ORDER BY p.pos)) AS body
        FROM (SELECT v.rate, v.pos, v.channel,
                     coalesce(CASE v.rate WHEN 'deliveryRate' THEN s.delivered WHEN 'openRate' THEN s.read
                                          WHEN 'clickRate' THEN s.clicked ELSE s.replied END, 0) AS num,
                     coalesce(CASE v.rate WHEN 'deliveryRate' THEN s.sent + s.blocked ELSE s.delivered END, 0) AS den
              FROM (VALUES ('deliveryRate', 1, 'SMS'), ('deliveryRate', 2, 'EMAIL'), ('deliveryRate', 3, 'WHATSAPP'),
                           ('deliveryRate', 4, 'RCS'), ('openRate', 1, 'EMAIL'), ('openRate', 2, 'WHATSAPP'),
                           ('openRate', 3, 'RCS'), ('clickRate', 1, 'EMAIL'), ('clickRate', 2, 'WHATSAPP'),
                           ('clickRate', 3, 'RCS'), ('responseRate', 1, 'SMS'), ('responseRate', 2, 'WHATSAPP'))
                   AS v(rate, pos, channel)
              LEFT JOIN (SELECT d.channel, sum(d.sent) AS sent, sum(d.delivered) AS delivered, sum(d.read) AS read,
                                sum(d.clicked) AS clicked, sum(d.replied) AS replied, sum(d.blocked) AS blocked
                         FROM contact_channel_daily d
                         WHERE d.contact_id = c.id AND d.workspace_id = :ws AND d.day >= :window_start
                         GROUP BY d.channel) s ON s.channel = v.channel) p
        GROUP BY p.rate) r
) mm
WHERE c.id = :contact_id AND c.workspace_id = :ws
