-- detection_sources: one row per quarter of the span and detection source
-- (who detected the incident: internal, external-party, customer,
-- attacker; 'unspecified' when the case does not say): the cases of the
-- cohort not excluded from metrics (cohort_cases).
-- $1 cohort ('detection' or 'closure'); $2 first and $3 last quarter,
-- inclusive.
SELECT quarter, coalesce(detection_source, 'unspecified') AS detection_source, count(*) AS cases
FROM cohort_cases($1::VARCHAR)
WHERE NOT excluded AND quarter BETWEEN $2::VARCHAR AND $3::VARCHAR
GROUP BY ALL
ORDER BY quarter, cases DESC, detection_source;
