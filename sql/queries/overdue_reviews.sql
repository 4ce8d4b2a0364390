-- overdue_reviews: one row per closed critical or high case of the quarter
-- of closure $2 whose review was due (closure + review_within_days) before
-- the as-of instant and not held by then (macro overdue_reviews_at),
-- most overdue first: the case (case_ref), severity, team, days overdue, the review
-- status recorded ('' when none) and the facilitator ('' when none).
-- $1 as-of instant (RFC 3339); $2 quarter of closure.
SELECT case_ref(source, case_id) AS ref, severity, coalesce(team, '') AS team, days_overdue,
       coalesce(review_status, '') AS review_status, coalesce(review_facilitator, '') AS facilitator
FROM overdue_reviews_at($1::TIMESTAMPTZ)
WHERE quarter = $2::VARCHAR
ORDER BY days_overdue DESC, case_id, source;
