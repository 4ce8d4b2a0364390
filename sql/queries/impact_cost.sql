-- impact_cost: one row per quarter of the span and currency with a cost
-- (quarterly_impact_cost for the given cohort): cases and summed cost;
-- 'unspecified' for a cost without a currency.
-- $1 cohort ('detection' or 'closure'); $2 first and $3 last quarter,
-- inclusive.
SELECT quarter, coalesce(currency, 'unspecified') AS currency, count(*) AS cases, sum(cost) AS cost
FROM impact_cases($1::VARCHAR)
WHERE cost IS NOT NULL AND quarter BETWEEN $2::VARCHAR AND $3::VARCHAR
GROUP BY ALL
ORDER BY quarter, cost DESC, currency;
