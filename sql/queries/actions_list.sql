-- actions_list: one row per action item across cases with its state at the
-- as-of instant (action_item_state) and the case it came from (reference,
-- detection-cohort quarter, title, severity). Filter $3: 'open' (not done
-- and not wont-do), 'overdue' (open and due before the as-of date) or 'all';
-- $4 limits to one quarter ('' for every quarter). Most overdue first, then
-- by due date (none last), case and the case's order.
-- $1 as-of instant (RFC 3339); $2 as-of date; $3 filter; $4 quarter or ''.
SELECT s.source, s.case_id, case_ref(s.source, s.case_id) AS ref,
       coalesce(c.quarter, '') AS quarter, coalesce(c.title, '') AS title,
       coalesce(c.severity, '') AS severity,
       s.item_id, coalesce(s.summary, '') AS summary, coalesce(s.owner, '') AS owner,
       coalesce(s.priority, '') AS priority,
       coalesce(strftime(s.due_date, '%Y-%m-%d'), '') AS due,
       s.status, s.completed_at, s.completed, coalesce(s.overdue, false) AS overdue, s.days_overdue
FROM action_item_state($1::TIMESTAMPTZ, $2::DATE) s
JOIN cases c ON c.source = s.source AND c.case_id = s.case_id
WHERE ($4::VARCHAR = '' OR c.quarter = $4::VARCHAR)
  AND CASE $3::VARCHAR
          WHEN 'all' THEN true
          WHEN 'overdue' THEN coalesce(s.overdue, false)
          ELSE NOT s.completed AND s.status NOT IN ('done', 'wont-do') END
ORDER BY coalesce(s.days_overdue, -1) DESC, s.due_date NULLS LAST, ref, s.position;
