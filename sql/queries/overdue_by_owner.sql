-- overdue_by_owner: one row per owner and priority with action items
-- overdue at the as-of instant (overdue_by_owner_at): items and the oldest
-- days overdue; most items first. $1 as-of instant; $2 as-of date.
SELECT owner, priority, items, oldest_days_overdue
FROM overdue_by_owner_at($1::TIMESTAMPTZ, $2::DATE)
ORDER BY items DESC, oldest_days_overdue DESC, owner, severity_rank(priority);
