-- recurrence_list: one row per case of one quarter (in the cohort) that
-- recurred (the recurrences view): the case, its title and severity, its
-- root-cause category, the earlier case whose fix did not hold, its title,
-- when its last action item was completed, the days from then to this
-- case's detection, and the earlier case's action items (summaries, else
-- ids, in their order) and their owners as JSON arrays. Most recent fix
-- first.
-- $1 cohort; $2 quarter.
SELECT r.case_id, r.source, coalesce(c.title, '') AS title, coalesce(c.severity, '') AS severity,
       r.root_cause_category, r.earlier_case_id, r.earlier_source, coalesce(e.title, '') AS earlier_title,
       r.fixed_at, r.days_after_fix,
       to_json(coalesce((SELECT list(coalesce(nullif(a.summary, ''), a.item_id) ORDER BY a.position)
                         FROM action_items a
                         WHERE a.source = r.earlier_source AND a.case_id = r.earlier_case_id), []))::VARCHAR AS fix_items,
       to_json(coalesce((SELECT list(DISTINCT a.owner ORDER BY a.owner)
                         FROM action_items a
                         WHERE a.source = r.earlier_source AND a.case_id = r.earlier_case_id AND a.owner <> ''), []))::VARCHAR AS fix_owners
FROM recurrences r
JOIN cohort_cases($1::VARCHAR) c ON c.source = r.source AND c.case_id = r.case_id
JOIN cases e ON e.source = r.earlier_source AND e.case_id = r.earlier_case_id
WHERE c.quarter = $2::VARCHAR
ORDER BY r.fixed_at DESC, r.earlier_source, r.earlier_case_id, r.source, r.case_id;
