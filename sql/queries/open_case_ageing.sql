-- open_case_ageing: one row per quarter and age bucket ('<7d', '7-30d',
-- '30-90d', '>90d') with the cases open at the quarter's end, or at $2 if
-- that is earlier. $1 the quarters as a JSON array ('["2024-Q1"]');
-- $2 as-of instant (RFC 3339).
SELECT quarter, bucket, cases
FROM open_case_ageing_at($1::VARCHAR, $2::TIMESTAMPTZ)
ORDER BY quarter, list_position(['<7d', '7-30d', '30-90d', '>90d'], bucket);
