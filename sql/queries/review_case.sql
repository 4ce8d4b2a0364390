-- review_case: one row per case with id $2 (and source $1, unless $1 is
-- empty): the facts of a post-incident review's summary. tags, whys and the
-- lessons are JSON arrays (never NULL); quarter is the detection-cohort
-- quarter in the session time zone; quarter_cases counts every case of that
-- quarter (excluded ones too). Several rows mean the id exists in several
-- sources. $1 source or ''; $2 case id.
SELECT c.source, c.case_id, case_ref(c.source, c.case_id) AS ref,
       coalesce(c.title, '') AS title, coalesce(c.severity, '') AS severity,
       coalesce(c.category, '') AS category, c.status, c.excluded,
       coalesce(c.quarter, '') AS quarter,
       to_json(coalesce(c.tags, []::VARCHAR[]))::VARCHAR AS tags,
       coalesce(c.root_cause_category, '') AS root_cause_category,
       coalesce(c.root_cause_summary, '') AS root_cause_summary,
       to_json(coalesce(c.root_cause_whys, []::VARCHAR[]))::VARCHAR AS whys,
       to_json(coalesce(c.went_well, []::VARCHAR[]))::VARCHAR AS went_well,
       to_json(coalesce(c.needs_improvement, []::VARCHAR[]))::VARCHAR AS needs_improvement,
       (SELECT count(*) FROM cases q WHERE q.quarter = c.quarter) AS quarter_cases
FROM cases c
WHERE c.case_id = $2::VARCHAR AND ($1::VARCHAR = '' OR c.source = $1::VARCHAR)
ORDER BY c.source;
