-- promised_rules: one row per detection rule a review of a case of
-- quarters $2..$3 (cohort $1) recorded (excluded cases left out): the
-- case's quarter and reference, the rule's id, title ('' when none),
-- status ('' when unknown), Sigma id ('' when none), and who owns the
-- follow-up: the case's team, else its review facilitator ('' when
-- neither).
-- $1 cohort; $2 first and $3 last quarter, inclusive.
SELECT c.quarter, case_ref(c.source, c.case_id) AS case_ref, r.rule_id, coalesce(r.title, '') AS title,
       coalesce(r.status, '') AS status, coalesce(r.sigma_id, '') AS sigma_id,
       coalesce(c.team, c.review_facilitator, '') AS owner
FROM detection_rules r JOIN cohort_cases($1::VARCHAR) c USING (source, case_id)
WHERE NOT c.excluded AND c.quarter BETWEEN $2::VARCHAR AND $3::VARCHAR
ORDER BY c.quarter, case_ref, r.rule_id;
