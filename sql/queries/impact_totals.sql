-- impact_totals: one row per quarter of the span with a case that records
-- an impact figure (quarterly_impact for the given cohort): cases, records
-- exposed and downtime hours summed over the cases giving them (with how
-- many did), regulator and customer notifications.
-- $1 cohort ('detection' or 'closure'); $2 first and $3 last quarter,
-- inclusive.
SELECT quarter, count(*) AS cases,
       sum(records) AS records, count(records) AS records_cases,
       sum(downtime_hours) AS downtime_hours, count(downtime_hours) AS downtime_cases,
       count(*) FILTER (WHERE regulator_notified) AS regulator_notified,
       count(*) FILTER (WHERE customers_notified) AS customers_notified
FROM impact_cases($1::VARCHAR)
WHERE quarter BETWEEN $2::VARCHAR AND $3::VARCHAR
GROUP BY quarter
ORDER BY quarter;
