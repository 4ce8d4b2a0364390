-- tactics: one row per quarter and ATT&CK tactic with at least one case:
-- tactic shortname, name and distinct cases (tactic_counts in 0003).
-- $1 cohort; $2 first and $3 last quarter, inclusive.
SELECT quarter, tactic, name, cases
FROM tactic_counts($1::VARCHAR)
WHERE quarter BETWEEN $2::VARCHAR AND $3::VARCHAR
ORDER BY quarter, position;
