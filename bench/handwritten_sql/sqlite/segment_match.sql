-- A stored segment `s` (filter JSON text + search) matches contact `c`, on SQLite.
(coalesce(json_array_length(s.filter, '$.status'), 0) = 0
   OR STATUS(c) IN (SELECT value FROM json_each(s.filter, '$.status')))
AND (coalesce(json_array_length(s.filter, '$.tagIds'), 0) = 0 OR EXISTS (
   SELECT 1 FROM contact_tag m WHERE m.contact_id = c.id AND m.workspace_id = :ws
     AND m.tag_id IN (SELECT value FROM json_each(s.filter, '$.tagIds'))))
AND (coalesce(json_array_length(s.filter, '$.groupIds'), 0) = 0 OR EXISTS (
   SELECT 1 FROM contact_group_member m WHERE m.contact_id = c.id AND m.workspace_id = :ws
     AND m.group_id IN (SELECT value FROM json_each(s.filter, '$.groupIds'))))
AND (coalesce(json_array_length(s.filter, '$.listIds'), 0) = 0 OR EXISTS (
   SELECT 1 FROM contact_list_member m WHERE m.contact_id = c.id AND m.workspace_id = :ws
     AND m.list_id IN (SELECT value FROM json_each(s.filter, '$.listIds'))))
AND (coalesce(json_array_length(s.filter, '$.flowIds'), 0) = 0 OR EXISTS (
   SELECT 1 FROM flow_enrolment m WHERE m.contact_id = c.id AND m.workspace_id = :ws
     AND m.flow_id IN (SELECT value FROM json_each(s.filter, '$.flowIds'))))
AND (coalesce(json_array_length(s.filter, '$.companyIds'), 0) = 0
   OR c.company_id IN (SELECT value FROM json_each(s.filter, '$.companyIds')))
AND (coalesce(json_array_length(s.filter, '$.departmentIds'), 0) = 0
   OR c.department_id IN (SELECT value FROM json_each(s.filter, '$.departmentIds')))
-- Every search term must match: a phone-like search is its digits, anything else folded words.
AND NOT EXISTS (
   WITH RECURSIVE
   digits(v) AS (SELECT replace(replace(replace(replace(replace(replace(trim(coalesce(s.search, '')),
                          '+', ''), '-', ''), '(', ''), ')', ''), '.', ''), ' ', '')),
   folded(v) AS (SELECT CASE WHEN (SELECT v FROM digits) <> '' AND (SELECT v FROM digits) NOT GLOB '*[^0-9]*'
                             THEN (SELECT v FROM digits)
                             ELSE FOLD(coalesce(s.search, '')) END),
   split(term, rest) AS (SELECT '', (SELECT v FROM folded) || ' '
                         UNION ALL SELECT substr(rest, 1, instr(rest, ' ') - 1), substr(rest, instr(rest, ' ') + 1)
                         FROM split WHERE rest <> '')
   SELECT 1 FROM split
   WHERE term <> ''
     AND c.search_text NOT LIKE '%' || replace(replace(replace(term, '\', '\\'), '%', '\%'), '_', '\_') || '%' ESCAPE '\')
