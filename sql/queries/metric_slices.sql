-- metric_slices: one row per value, quarter and metric of one dimension
-- in the report's span: counted cases and mean/median/p90 hours (nil when
-- none counted), small values folded into 'other' by the session's
-- slice_min_cases and slice_max_values (slice_of in migration
-- *_slices_by_output.sql; quarterly_metrics_by is this for every dimension
-- with the session's cohort). One statement per dimension, so one
-- dimension's durations are held at a time.
-- $1 metric definitions as a JSON array of {metric, start, end};
-- $2 cohort ('detection' or 'closure'); $3 first and $4 last quarter,
-- inclusive; $5 the dimension, a name of slice_dimensions.
SELECT s.dimension, s.value, s.quarter, s.metric, s.n, s.mean_hours, s.median_hours, s.p90_hours
FROM slice_of($1::VARCHAR, $2::VARCHAR, CAST(setting('slice_min_cases') AS INTEGER),
              CAST(setting('slice_max_values') AS INTEGER), $5::VARCHAR) s
WHERE s.quarter BETWEEN $3::VARCHAR AND $4::VARCHAR
ORDER BY s.value IN ('other', 'unspecified'), s.value = 'other', s.value, s.quarter, s.metric;
