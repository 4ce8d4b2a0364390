-- review_learning: one row per root-cause quality or blameless-language
-- finding of one case (rca_findings), shallow first, then ends-at-person,
-- then blame-language, each in detail order.
-- $1 source; $2 case ID.
SELECT finding, detail
FROM rca_findings
WHERE source = $1::VARCHAR AND case_id = $2::VARCHAR
ORDER BY list_position(['shallow', 'ends-at-person', 'blame-language'], finding), detail;
