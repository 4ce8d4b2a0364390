-- overdue_items: one row per action item overdue at the as-of instant (not
-- completed by then, not wont-do, due before the as-of date), any case
-- detected before the as-of instant, most overdue first: case, item, owner,
-- due date, days overdue, the item's current status and total, how many
-- items are overdue in all. At most $3 rows.
-- $1 as-of instant (RFC 3339); $2 as-of date (YYYY-MM-DD); $3 row limit.
SELECT case_id, source, item_id, coalesce(summary, '') AS summary, coalesce(owner, '') AS owner,
       coalesce(priority, '') AS priority, strftime(due_date, '%Y-%m-%d') AS due, days_overdue, status,
       count(*) OVER () AS total
FROM action_item_state($1::TIMESTAMPTZ, $2::DATE)
WHERE overdue AND coalesce(detected_at, $1::TIMESTAMPTZ) < $1::TIMESTAMPTZ
ORDER BY days_overdue DESC, case_id, source, position
LIMIT $3::BIGINT;
