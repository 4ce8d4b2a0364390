-- overdue_playbooks: one row per playbook update overdue at the as-of
-- instant (not done by then, not wont-do, due before the as-of date), any
-- case detected before the as-of instant, most overdue first: case,
-- playbook, change, owner, due date, days overdue, current status and
-- total, how many updates are overdue in all. At most $3 rows.
-- $1 as-of instant (RFC 3339); $2 as-of date (YYYY-MM-DD); $3 row limit.
SELECT case_id, source, playbook, coalesce(change, '') AS change, coalesce(owner, '') AS owner,
       strftime(due_date, '%Y-%m-%d') AS due, days_overdue, status,
       count(*) OVER () AS total
FROM playbook_update_state($1::TIMESTAMPTZ, $2::DATE)
WHERE overdue AND coalesce(detected_at, $1::TIMESTAMPTZ) < $1::TIMESTAMPTZ
ORDER BY days_overdue DESC, case_id, source, position
LIMIT $3::BIGINT;
