-- The stored segment :segment (filter JSON + search) matches contact `c`: domain/filters.py and domain/text.py
-- in SQL. Every "(SELECT ... FROM segment s WHERE s.id = :segment ...)" is uncorrelated, so PostgreSQL reads
-- the segment once per statement (an InitPlan), not once per contact; FilterOptions' live segment counts
-- reuse this text with the FROM clause removed (bench/handwritten_queries.py). Memberships are probed per
-- contact by primary key (EXISTS): an IN (...) list of a big tag's members stops fitting work_mem at 1M.
EXISTS (SELECT 1 FROM segment s WHERE s.id = :segment AND s.workspace_id = :ws)
AND ((SELECT json_array_length(coalesce(s.filter -> 'status', '[]')) FROM segment s WHERE s.id = :segment AND s.workspace_id = :ws) = 0
   OR STATUS(c) = ANY ((SELECT ARRAY(SELECT json_array_elements_text(s.filter -> 'status')) FROM segment s WHERE s.id = :segment AND s.workspace_id = :ws)::text[]))
AND ((SELECT json_array_length(coalesce(s.filter -> 'tagIds', '[]')) FROM segment s WHERE s.id = :segment AND s.workspace_id = :ws) = 0
   OR EXISTS (SELECT 1 FROM contact_tag m WHERE m.contact_id = c.id AND m.workspace_id = :ws AND m.tag_id = ANY (
     (SELECT ARRAY(SELECT json_array_elements_text(s.filter -> 'tagIds')::int) FROM segment s WHERE s.id = :segment AND s.workspace_id = :ws)::int[])))
AND ((SELECT json_array_length(coalesce(s.filter -> 'groupIds', '[]')) FROM segment s WHERE s.id = :segment AND s.workspace_id = :ws) = 0
   OR EXISTS (SELECT 1 FROM contact_group_member m WHERE m.contact_id = c.id AND m.workspace_id = :ws AND m.group_id = ANY (
     (SELECT ARRAY(SELECT json_array_elements_text(s.filter -> 'groupIds')::int) FROM segment s WHERE s.id = :segment AND s.workspace_id = :ws)::int[])))
AND ((SELECT json_array_length(coalesce(s.filter -> 'listIds', '[]')) FROM segment s WHERE s.id = :segment AND s.workspace_id = :ws) = 0
   OR EXISTS (SELECT 1 FROM contact_list_member m WHERE m.contact_id = c.id AND m.workspace_id = :ws AND m.list_id = ANY (
     (SELECT ARRAY(SELECT json_array_elements_text(s.filter -> 'listIds')::int) FROM segment s WHERE s.id = :segment AND s.workspace_id = :ws)::int[])))
AND ((SELECT json_array_length(coalesce(s.filter -> 'flowIds', '[]')) FROM segment s WHERE s.id = :segment AND s.workspace_id = :ws) = 0
   OR EXISTS (SELECT 1 FROM flow_enrolment m WHERE m.contact_id = c.id AND m.workspace_id = :ws AND m.flow_id = ANY (
     (SELECT ARRAY(SELECT json_array_elements_text(s.filter -> 'flowIds')::int) FROM segment s WHERE s.id = :segment AND s.workspace_id = :ws)::int[])))
AND ((SELECT json_array_length(coalesce(s.filter -> 'companyIds', '[]')) FROM segment s WHERE s.id = :segment AND s.workspace_id = :ws) = 0
   OR c.company_id = ANY ((SELECT ARRAY(SELECT json_array_elements_text(s.filter -> 'companyIds')::int) FROM segment s WHERE s.id = :segment AND s.workspace_id = :ws)::int[]))
AND ((SELECT json_array_length(coalesce(s.filter -> 'departmentIds', '[]')) FROM segment s WHERE s.id = :segment AND s.workspace_id = :ws) = 0
   OR c.department_id = ANY ((SELECT ARRAY(SELECT json_array_elements_text(s.filter -> 'departmentIds')::int) FROM segment s WHERE s.id = :segment AND s.workspace_id = :ws)::int[]))
-- Every search term must match: a phone-like search is its digits, anything else folded words.
AND NOT EXISTS (
   SELECT 1 FROM unnest((SELECT ARRAY(
       SELECT w FROM regexp_split_to_table(
           CASE WHEN s.search IS NULL THEN ''
                WHEN btrim(s.search) ~ '^[-0-9+(). ]+$' AND s.search ~ '[0-9]' THEN regexp_replace(s.search, '[^0-9]', '', 'g')
                ELSE FOLD(s.search) END,
           '\s+') AS w WHERE w <> '') FROM segment s WHERE s.id = :segment AND s.workspace_id = :ws)::text[]) AS term(t)
   WHERE c.search_text NOT LIKE '%' || replace(replace(replace(term.t, '\', '\\'), '%', '\%'), '_', '\_') || '%' ESCAPE '\')
