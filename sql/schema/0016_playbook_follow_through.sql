-- Playbook updates beside action items in the follow-through of the
-- quarterly report, and the closed critical and high cases whose review is
-- overdue (issue 17). Both are measured at the report's one as-of instant
-- and date, as overdue action items are.

-- playbook_update_state(as_of, as_of_date): every playbook update with its
-- state at the instant as_of, as action_item_state reads an action item:
-- completed: done, and completed before as_of (or with no completion
-- time); due: not wont-do and due on or before as_of_date; overdue: not
-- completed, not wont-do, due before as_of_date (an update due on
-- as_of_date is not yet overdue); on_time: completed on or before its due
-- date (date in the session time zone).
CREATE MACRO playbook_update_state(as_of, as_of_date) AS TABLE
WITH s AS (
    SELECT p.case_id, p.source, p.position, p.playbook, p.change, p.owner, p.due_date, p.status,
           p.completed_at, c.excluded, c.detected_at,
           p.status = 'done' AND (p.completed_at IS NULL OR p.completed_at < as_of::TIMESTAMPTZ) AS completed
    FROM playbook_updates p JOIN cases c USING (source, case_id)
)
SELECT *,
       status <> 'wont-do' AND due_date <= as_of_date::DATE AS due,
       NOT completed AND status <> 'wont-do' AND due_date < as_of_date::DATE AS overdue,
       CASE WHEN NOT completed AND status <> 'wont-do' AND due_date < as_of_date::DATE
            THEN as_of_date::DATE - due_date END AS days_overdue,
       completed AND completed_at IS NOT NULL AND due_date IS NOT NULL
           AND CAST(completed_at AS DATE) <= due_date AS on_time
FROM s;

-- playbook_update_stats(cohort, as_of, as_of_date): per quarter of the
-- updates' cases (excluded cases included, as for action items): updates
-- agreed, due by as_of_date, done by as_of, overdue at as_of,
-- completion_rate (done / updates) and on_time_rate (of the due ones, done
-- by their due date; NULL before any is due).
CREATE MACRO playbook_update_stats(cohort, as_of, as_of_date) AS TABLE
SELECT c.quarter,
       count(*) AS updates,
       count(*) FILTER (WHERE s.due) AS due,
       count(*) FILTER (WHERE s.completed) AS done,
       count(*) FILTER (WHERE s.overdue) AS overdue,
       count(*) FILTER (WHERE s.completed) / count(*) AS completion_rate,
       count(*) FILTER (WHERE s.due AND s.on_time) / nullif(count(*) FILTER (WHERE s.due), 0) AS on_time_rate
FROM playbook_update_state(as_of, as_of_date) s
JOIN cohort_cases(cohort) c ON c.source = s.source AND c.case_id = s.case_id
GROUP BY c.quarter;

-- playbook_follow_through(quarter, updates, due, done, overdue,
-- completion_rate, on_time_rate): detection cohort, state now. The report
-- uses playbook_update_stats at its as-of date.
CREATE VIEW playbook_follow_through AS
SELECT quarter, updates, due, done, overdue, completion_rate, on_time_rate
FROM playbook_update_stats('detection', current_timestamp, current_date)
ORDER BY quarter;

-- overdue_reviews_at(as_of): the closed critical and high cases, excluded
-- ones left out, whose review was due (closure + setting
-- ('review_within_days') days) before the as-of instant and not held by
-- then: no held or published review with a held_at before as_of. quarter
-- is the quarter of closure (as review_timeliness); days_overdue counts
-- from the due date to as_of; review_status is the status recorded
-- ('skipped', 'scheduled', or NULL: none recorded).
CREATE MACRO overdue_reviews_at(as_of) AS TABLE
WITH c AS (
    SELECT source, case_id, title, severity, team, quarter_of(closed_at) AS quarter, closed_at,
           review_status, review_held_at, review_facilitator,
           closed_at + to_seconds(coalesce(TRY_CAST(setting('review_within_days') AS DOUBLE), 14) * 86400) AS review_due
    FROM cases
    WHERE closed_at IS NOT NULL AND NOT excluded AND severity IN ('critical', 'high')
)
SELECT source, case_id, title, severity, team, quarter, closed_at, review_due,
       CAST(floor((epoch(as_of::TIMESTAMPTZ) - epoch(review_due)) / 86400) AS INTEGER) AS days_overdue,
       review_status, review_facilitator
FROM c
WHERE review_due < as_of::TIMESTAMPTZ
  AND NOT (coalesce(review_status IN ('held', 'published'), false)
           AND review_held_at IS NOT NULL AND review_held_at < as_of::TIMESTAMPTZ);

-- overdue_reviews: overdue_reviews_at now, most overdue first.
CREATE VIEW overdue_reviews AS
SELECT * FROM overdue_reviews_at(current_timestamp)
ORDER BY days_overdue DESC, case_id, source;
