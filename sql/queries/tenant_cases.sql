-- tenant_cases: one row per tenant of a quarter's cases (the cohort's
-- quarter, excluded cases included): tenant (NULL for the cases without
-- one) and cases. Parameters: $1 cohort ('detection' or 'closure'), $2
-- quarter.
SELECT tenant, count(*) AS cases
FROM cohort_cases($1::VARCHAR)
WHERE quarter = $2::VARCHAR
GROUP BY tenant
ORDER BY tenant NULLS FIRST;
