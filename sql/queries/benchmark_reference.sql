-- benchmark_reference: one row per VERIS case and duration (dwell,
-- contain) of a reference database (veris_durations) with an incident
-- year: the distribution pir benchmark places a team's median in.
-- $1 industry: NAICS code prefix ('' = every industry);
-- $2 organisation size: 'small', 'large' or a VERIS employee_count
-- ('' = every size).
SELECT incident_year, metric, hours
FROM veris_durations
WHERE incident_year IS NOT NULL
  AND ($1::VARCHAR = '' OR starts_with(industry, $1::VARCHAR))
  AND ($2::VARCHAR = '' OR employee_count = $2::VARCHAR OR org_size = lower($2::VARCHAR))
ORDER BY incident_year, metric, hours;
