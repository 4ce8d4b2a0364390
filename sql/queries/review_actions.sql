-- review_actions: one row per action item of one case, in the order the
-- case lists them, with its state at the as-of instant (action_item_state):
-- completed, overdue and days overdue (NULL unless overdue). Owners appear
-- here and nowhere else in a review.
-- $1 source; $2 case id; $3 as-of instant (RFC 3339); $4 as-of date.
SELECT item_id, coalesce(summary, '') AS summary, coalesce(owner, '') AS owner,
       coalesce(priority, '') AS priority,
       coalesce(strftime(due_date, '%Y-%m-%d'), '') AS due,
       status, completed_at, completed, coalesce(overdue, false) AS overdue, days_overdue
FROM action_item_state($3::TIMESTAMPTZ, $4::DATE)
WHERE source = $1::VARCHAR AND case_id = $2::VARCHAR
ORDER BY position, item_id;
