-- A stored segment `s` (filter JSON + search) matches contact `c`: domain/filters.py and domain/text.py in SQL.
(json_array_length(coalesce(s.filter -> 'status', '[]')) = 0
   OR STATUS(c) IN (SELECT json_array_elements_text(s.filter -> 'status')))
AND (json_array_length(coalesce(s.filter -> 'tagIds', '[]')) = 0 OR EXISTS (
   SELECT 1 FROM contact_tag m WHERE m.contact_id = c.id AND m.workspace_id = :ws
     AND m.tag_id IN (SELECT json_array_elements_text(s.filter -> 'tagIds')::int)))
AND (json_array_length(coalesce(s.filter -> 'groupIds', '[]')) = 0 OR EXISTS (
   SELECT 1 FROM contact_group_member m WHERE m.contact_id = c.id AND m.workspace_id = :ws
     AND m.group_id IN (SELECT json_array_elements_text(s.filter -> 'groupIds')::int)))
AND (json_array_length(coalesce(s.filter -> 'listIds', '[]')) = 0 OR EXISTS (
   SELECT 1 FROM contact_list_member m WHERE m.contact_id = c.id AND m.workspace_id = :ws
     AND m.list_id IN (SELECT json_array_elements_text(s.filter -> 'listIds')::int)))
AND (json_array_length(coalesce(s.filter -> 'flowIds', '[]')) = 0 OR EXISTS (
   SELECT 1 FROM flow_enrolment m WHERE m.contact_id = c.id AND m.workspace_id = :ws
     AND m.flow_id IN (SELECT json_array_elements_text(s.filter -> 'flowIds')::int)))
AND (json_array_length(coalesce(s.filter -> 'companyIds', '[]')) = 0
   OR c.company_id IN (SELECT json_array_elements_text(s.filter -> 'companyIds')::int))
AND (json_array_length(coalesce(s.filter -> 'departmentIds', '[]')) = 0
   OR c.department_id IN (SELECT json_array_elements_text(s.filter -> 'departmentIds')::int))
-- Every search term must match: a phone-like search is its digits, anything else folded words.
AND NOT EXISTS (
   SELECT 1 FROM regexp_split_to_table(
       CASE WHEN s.search IS NULL THEN ''
            WHEN btrim(s.search) ~ '^[-0-9+(). ]+$' AND s.search ~ '[0-9]' THEN regexp_replace(s.search, '[^0-9]', '', 'g')
            ELSE translate(lower(s.search), 'áàâãäåéèêëíìîïóòôõöúùûüçñý', 'aaaaaaeeeeiiiiooooouuuucny') END,
       '\s+') AS term(t)
   WHERE term.t <> ''
     AND c.search_text NOT LIKE '%' || replace(replace(replace(term.t, '\', '\\'), '%', '\%'), '_', '\_') || '%' ESCAPE '\')
