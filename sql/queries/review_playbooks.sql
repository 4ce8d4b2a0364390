-- review_playbooks: one row per playbook update of one case, in input
-- order: playbook, change, owner, due date (YYYY-MM-DD or ''), status and
-- whether it is open past its due date on $3.
-- $1 source; $2 case ID; $3 the as-of date (YYYY-MM-DD).
SELECT playbook, coalesce(change, '') AS change, coalesce(owner, '') AS owner,
       coalesce(strftime(due_date, '%Y-%m-%d'), '') AS due, status,
       status NOT IN ('done', 'wont-do') AND due_date < $3::DATE AS overdue
FROM playbook_updates
WHERE source = $1::VARCHAR AND case_id = $2::VARCHAR
ORDER BY position;
