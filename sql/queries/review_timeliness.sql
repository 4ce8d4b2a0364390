-- review_timeliness: one row per quarter of closure $1..$2 (view
-- review_timeliness): closed cases that should get a review, those
-- reviewed, those reviewed within the target, the median days from closure
-- to the review (NULL when none), and the target in days.
-- $1 first and $2 last quarter, inclusive.
SELECT quarter, closed_cases, reviewed, reviewed_within_target, median_days_to_review,
       coalesce(TRY_CAST(setting('review_within_days') AS DOUBLE), 14) AS within_days
FROM review_timeliness
WHERE quarter BETWEEN $1::VARCHAR AND $2::VARCHAR
ORDER BY quarter;
