-- playbook_updates: one row per quarter (of the updates' cases) with
-- playbook updates: updates agreed, due by the as-of date, done by the
-- as-of instant, overdue then, completion_rate and on_time_rate
-- (macro playbook_update_stats).
-- $1 cohort; $2 as-of instant (RFC 3339); $3 as-of date (YYYY-MM-DD);
-- $4 first and $5 last quarter, inclusive.
SELECT quarter, updates, due, done, overdue, completion_rate, on_time_rate
FROM playbook_update_stats($1::VARCHAR, $2::TIMESTAMPTZ, $3::DATE)
WHERE quarter BETWEEN $4::VARCHAR AND $5::VARCHAR
ORDER BY quarter;
