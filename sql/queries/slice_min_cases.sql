-- slice_min_cases: one row, the session's setting slice_min_cases (the
-- fewest counted cases a slice value shows by name). No parameters.
SELECT setting('slice_min_cases') ORDER BY 1;
