-- ContactsPage `contactStatusCounts` on SQLite: every filter but the status one ({where}), one pass.
SELECT json_object(
  'total', count(*),
  'new', count(*) FILTER (WHERE STATUS(c) = 'NEW'),
  'frequent', count(*) FILTER (WHERE STATUS(c) = 'FREQUENT'),
  'dormant', count(*) FILTER (WHERE STATUS(c) = 'DORMANT'),
  'expired', count(*) FILTER (WHERE STATUS(c) = 'EXPIRED'),
  'inactive', count(*) FILTER (WHERE STATUS(c) = 'INACTIVE'),
  'discarded', count(*) FILTER (WHERE STATUS(c) = 'DISCARDED'),
  'suspended', count(*) FILTER (WHERE c.discard_reason = 'SUSPENDED'))
FROM contact c
WHERE {where}
