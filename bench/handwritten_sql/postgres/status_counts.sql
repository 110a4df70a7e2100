-- ContactsPage `contactStatusCounts`: every filter but the status one ({where}), one pass;
-- each status as its range of last_activity_at (domain/engagement.py's bands).
SELECT json_build_object(
  'total', count(*),
  'new', count(*) FILTER (WHERE c.discard_reason IS NULL AND c.last_activity_at > :t_new),
  'frequent', count(*) FILTER (WHERE c.discard_reason IS NULL AND c.last_activity_at > :t_frequent AND c.last_activity_at <= :t_new),
  'dormant', count(*) FILTER (WHERE c.discard_reason IS NULL AND c.last_activity_at > :t_dormant AND c.last_activity_at <= :t_frequent),
  'expired', count(*) FILTER (WHERE c.discard_reason IS NULL AND c.last_activity_at <= :t_dormant),
  'inactive', count(*) FILTER (WHERE c.discard_reason IS NULL AND c.last_activity_at IS NULL),
  'discarded', count(*) FILTER (WHERE c.discard_reason IS NOT NULL),
  'suspended', count(*) FILTER (WHERE c.discard_reason = 'SUSPENDED'))
FROM contact c
WHERE {where}
