-- action_items: one row per quarter (of the items' cases) with action items:
-- created, completed, overdue at the as-of instant, completion_rate,
-- on_time_rate and median days to complete (action_item_stats in 0003).
-- $1 cohort; $2 as-of instant (RFC 3339); $3 as-of date (YYYY-MM-DD);
-- $4 first and $5 last quarter, inclusive.
SELECT quarter, created, completed, overdue, completion_rate, on_time_rate, median_days_to_complete
FROM action_item_stats($1::VARCHAR, $2::TIMESTAMPTZ, $3::DATE)
WHERE quarter BETWEEN $4::VARCHAR AND $5::VARCHAR
ORDER BY quarter;
