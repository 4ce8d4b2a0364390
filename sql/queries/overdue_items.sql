-- overdue_items: one row per action item overdue at the as-of instant (not
-- completed by then, not wont-do, due before the as-of date), any case
-- detected before the as-of instant, most overdue first: case, item, owner,
-- due date, days overdue and the item's current status.
-- $1 as-of instant (RFC 3339); $2 as-of date (YYYY-MM-DD).
SELECT case_id, source, item_id, coalesce(summary, '') AS summary, coalesce(owner, '') AS owner,
       coalesce(priority, '') AS priority, strftime(due_date, '%Y-%m-%d') AS due, days_overdue, status
FROM action_item_state($1::TIMESTAMPTZ, $2::DATE)
WHERE overdue AND coalesce(detected_at, $1::TIMESTAMPTZ) < $1::TIMESTAMPTZ
ORDER BY days_overdue DESC, case_id, source, position;
