-- milestone_coverage: one row per lifecycle milestone, in order, for the
-- cases of quarter $2 (cohort $1) counted in metrics: cases, how many record
-- the milestone and the share. No rows when the quarter has no such case.
-- $1 cohort; $2 quarter.
SELECT milestone, cases, present, share
FROM milestone_coverage_of($1::VARCHAR)
WHERE quarter = $2::VARCHAR
ORDER BY position;
