-- ContactProfile on SQLite: the whole `contact` field in one statement (CTEs for the per-contact parts).
-- A subquery's JSON loses its JSON subtype on SQLite, hence json(...) around every nested one.
WITH
sums AS (
  SELECT d.channel, sum(d.sent) AS sent, sum(d.delivered) AS delivered, sum(d.read) AS read,
         sum(d.clicked) AS clicked, sum(d.replied) AS replied, sum(d.blocked) AS blocked
  FROM contact_channel_daily d
  WHERE d.contact_id = :contact_id AND d.workspace_id = :ws AND d.day >= :window_start
  GROUP BY d.channel),
defs(rate, pos, channel) AS (
  VALUES ('deliveryRate', 1, 'SMS'), ('deliveryRate', 2, 'EMAIL'), ('deliveryRate', 3, 'WHATSAPP'),
         ('deliveryRate', 4, 'RCS'), ('openRate', 1, 'EMAIL'), ('openRate', 2, 'WHATSAPP'), ('openRate', 3, 'RCS'),
         ('clickRate', 1, 'EMAIL'), ('clickRate', 2, 'WHATSAPP'), ('clickRate', 3, 'RCS'),
         ('responseRate', 1, 'SMS'), ('responseRate', 2, 'WHATSAPP')),
pairs AS (
  SELECT v.rate, v.pos, v.channel,
         coalesce(CASE v.rate WHEN 'deliveryRate' THEN s.delivered WHEN 'openRate' THEN s.read
                              WHEN 'clickRate' THEN s.clicked ELSE s.replied END, 0) AS num,
         coalesce(CASE v.rate WHEN 'deliveryRate' THEN s.sent + s.blocked ELSE s.delivered END, 0) AS den
  FROM defs v LEFT JOIN sums s ON s.channel = v.channel),
rates AS (
  SELECT p.rate, json_object(
           'value', CASE WHEN sum(p.den) > 0 THEN CAST(sum(p.num) AS REAL) / sum(p.den) END,
           'numerator', sum(p.num), 'denominator', sum(p.den),
           'byChannel', json((SELECT json_group_array(json(j)) FROM (
               SELECT json_object('channel', q.channel, 'value', CASE WHEN q.den > 0 THEN CAST(q.num AS REAL) / q.den END,
                                  'numerator', q.num, 'denominator', q.den) AS j
               FROM pairs q WHERE q.rate = p.rate ORDER BY q.pos)))) AS body
  FROM pairs p GROUP BY p.rate),
conversations AS (
  SELECT cv.*, (cv.satisfaction_label IS NOT NULL AND cv.p_satisfied IS NOT NULL) AS scored
  FROM conversation cv
  WHERE cv.contact_id = :contact_id AND cv.workspace_id = :ws AND cv.started_at >= :conversations_since),
means AS (
  SELECT count(*) AS total, sum(customer_replied) AS replied, sum(scored) AS n,
         sum(CASE WHEN scored THEN p_satisfied END) / sum(scored) AS ps,
         sum(CASE WHEN scored THEN coalesce(p_neutral, 0) END) / sum(scored) AS pn,
         sum(CASE WHEN scored THEN coalesce(p_dissatisfied, 0) END) / sum(scored) AS pd
  FROM conversations),
latest AS (
  SELECT model_version, analyzed_at FROM conversations WHERE scored
  ORDER BY coalesce(analyzed_at, started_at) DESC LIMIT 1),
events AS (
  SELECT me.id, me.channel, me.type, me.occurred_at,
         B64('{"t":"' || ISO(me.occurred_at) || '","i":' || me.id || '}') AS cursor
  FROM message_event me WHERE me.contact_id = :contact_id AND me.workspace_id = :ws
  ORDER BY me.occurred_at DESC, me.id DESC LIMIT 11)
SELECT json_object(
  'id', GID('Contact', c.id),
  'name', c.name, 'email', c.email, 'phone', c.phone,
  'contactSince', ISO(c.contact_since),
  'origin', c.origin,
  'lastActivityAt', ISO(c.last_activity_at),
  'status', STATUS(c),
  'discardReason', c.discard_reason,
  'company', json((SELECT json_object('id', GID('Company', co.id), 'name', co.name)
                   FROM company co WHERE co.id = c.company_id AND co.workspace_id = :ws)),
  'department', json((SELECT json_object('id', GID('Department', d.id), 'name', d.name)
                      FROM department d WHERE d.id = c.department_id AND d.workspace_id = :ws)),
  'assignment', json(CASE WHEN c.assigned_agent_id IS NOT NULL OR c.assigned_group_id IS NOT NULL THEN json_object(
      'agent', json((SELECT json_object('id', GID('User', u.id), 'name', u.name)
                     FROM app_user u WHERE u.id = c.assigned_agent_id AND u.workspace_id = :ws)),
      'group', json((SELECT json_object('id', GID('Group', g.id), 'name', g.name)
                     FROM contact_group g WHERE g.id = c.assigned_group_id AND g.workspace_id = :ws))) END),
  'channels', json((SELECT json_group_array(json(j)) FROM (
      SELECT json_object('channel', s.channel, 'status', s.status, 'address', s.address, 'changedAt', ISO(s.changed_at),
               'lastEvent', json(CASE WHEN s.last_event_type IS NOT NULL AND s.last_event_at IS NOT NULL
                            THEN json_object('type', s.last_event_type, 'occurredAt', ISO(s.last_event_at)) END)) AS j
      FROM channel_subscription s WHERE s.contact_id = c.id AND s.workspace_id = :ws
      ORDER BY CASE s.channel WHEN 'SMS' THEN 1 WHEN 'EMAIL' THEN 2 WHEN 'WHATSAPP' THEN 3 ELSE 4 END, s.id))),
  'lists', json((SELECT json_group_array(json(j)) FROM (
      SELECT json_object('id', GID('ContactList', l.id), 'name', l.name) AS j
      FROM contact_list_member m JOIN contact_list l ON l.id = m.list_id AND l.workspace_id = :ws
      WHERE m.contact_id = c.id AND m.workspace_id = :ws ORDER BY l.name, l.id))),
  'groups', json((SELECT json_group_array(json(j)) FROM (
      SELECT json_object('id', GID('Group', g.id), 'name', g.name) AS j
      FROM contact_group_member m JOIN contact_group g ON g.id = m.group_id AND g.workspace_id = :ws
      WHERE m.contact_id = c.id AND m.workspace_id = :ws ORDER BY g.name, g.id))),
  'tags', json((SELECT json_group_array(json(j)) FROM (
      SELECT json_object('id', GID('Tag', t.id), 'name', t.name) AS j
      FROM contact_tag m JOIN tag t ON t.id = m.tag_id AND t.workspace_id = :ws
      WHERE m.contact_id = c.id AND m.workspace_id = :ws ORDER BY t.name, t.id))),
  'customFields', json((SELECT json_group_array(json(j)) FROM (
      SELECT json_object('key', f.key, 'label', f.label, 'type', f.type, 'value',
               CASE f.type
                 WHEN 'NUMBER' THEN CASE WHEN v.value_number = CAST(v.value_number AS INTEGER)
                                         THEN CAST(CAST(v.value_number AS INTEGER) AS TEXT)
                                         ELSE CAST(v.value_number AS TEXT) END
                 WHEN 'DATE' THEN v.value_date
                 WHEN 'BOOLEAN' THEN CASE WHEN v.value_bool THEN 'true' WHEN NOT v.value_bool THEN 'false' END
                 ELSE v.value_text END) AS j
      FROM custom_field_value v JOIN custom_field_definition f ON f.id = v.field_id
      WHERE v.contact_id = c.id AND v.workspace_id = :ws ORDER BY f.position, f.key))),
  'notes', json_object(
      'totalCount', (SELECT count(*) FROM note n WHERE n.contact_id = c.id AND n.workspace_id = :ws),
      'edges', json((SELECT json_group_array(json(j)) FROM (
          SELECT json_object('node', json_object(
                   'id', GID('Note', n.id), 'body', n.body, 'createdAt', ISO(n.created_at),
                   'author', json((SELECT json_object('id', GID('User', u.id), 'name', u.name)
                                   FROM app_user u WHERE u.id = n.author_user_id AND u.workspace_id = :ws)))) AS j
          FROM note n WHERE n.contact_id = c.id AND n.workspace_id = :ws
          ORDER BY n.created_at DESC, n.id DESC LIMIT 5)))),
  'happiness', json((
      SELECT json_object('score', r.score,
               'category', CASE WHEN r.score >= 9 THEN 'PROMOTER' WHEN r.score >= 7 THEN 'PASSIVE' ELSE 'DETRACTOR' END,
               'comment', r.comment, 'respondedAt', ISO(r.responded_at))
      FROM nps_response r WHERE r.contact_id = c.id AND r.workspace_id = :ws
      ORDER BY r.responded_at DESC, r.id DESC LIMIT 1)),
  'satisfaction', json((
      SELECT CASE WHEN a.n > 0 THEN json_object(
               'label', CASE WHEN a.ps >= a.pn AND a.ps >= a.pd THEN 'SATISFIED' WHEN a.pn >= a.pd THEN 'NEUTRAL'
                             ELSE 'DISSATISFIED' END,
               'confidence', max(a.ps, a.pn, a.pd),
               'interactionRate', CAST(a.replied AS REAL) / a.total,
               'modelVersion', (SELECT model_version FROM latest),
               'analyzedAt', ISO((SELECT analyzed_at FROM latest)),
               'conversationsAnalyzed', a.n) END
      FROM means a)),
  'messageMetrics', json_object(
      'windowDays', :window_days,
      'deliveryRate', json((SELECT body FROM rates WHERE rate = 'deliveryRate')),
      'openRate', json((SELECT body FROM rates WHERE rate = 'openRate')),
      'clickRate', json((SELECT body FROM rates WHERE rate = 'clickRate')),
      'responseRate', json((SELECT body FROM rates WHERE rate = 'responseRate'))),
  'tickets', json((SELECT json_object('open', count(*) FILTER (WHERE t.status = 'OPEN'),
                                      'resolved', count(*) FILTER (WHERE t.status = 'RESOLVED'),
                                      'all', count(*) FILTER (WHERE t.status IN ('OPEN', 'RESOLVED')))
                   FROM ticket t WHERE t.contact_id = c.id AND t.workspace_id = :ws)),
  'items', json_object(
      'totalCount', (SELECT count(*) FROM contact_item ci JOIN item i ON i.id = ci.item_id
                     WHERE ci.contact_id = c.id AND ci.workspace_id = :ws),
      'edges', json((SELECT json_group_array(json(j)) FROM (
          SELECT json_object('node', json_object(
                   'item', json_object('id', GID('Item', ci.item_id), 'name', i.name),
                   'interactions', ci.interactions, 'lastInteractionAt', ISO(ci.last_interaction_at))) AS j
          FROM contact_item ci JOIN item i ON i.id = ci.item_id
          WHERE ci.contact_id = c.id AND ci.workspace_id = :ws
          ORDER BY ci.last_interaction_at DESC, ci.item_id DESC LIMIT 5)))),
  'activity', json_object(
      'pageInfo', json_object(
          'hasNextPage', json(CASE WHEN (SELECT count(*) FROM events) > 10 THEN 'true' ELSE 'false' END),
          'endCursor', (SELECT cursor FROM (SELECT cursor, occurred_at, id FROM events
                                            ORDER BY occurred_at DESC, id DESC LIMIT 10)
                        ORDER BY occurred_at ASC, id ASC LIMIT 1)),
      'edges', json((SELECT json_group_array(json(j)) FROM (
          SELECT json_object('cursor', e.cursor, 'node', json_object(
                   'id', GID('ActivityEvent', e.id), 'channel', e.channel, 'type', e.type,
                   'occurredAt', ISO(e.occurred_at))) AS j
          FROM events e ORDER BY e.occurred_at DESC, e.id DESC LIMIT 10))))
)
FROM contact c
WHERE c.id = :contact_id AND c.workspace_id = :ws
