-- review_techniques: one row per ATT&CK technique ID recorded on one case:
-- the recorded ID, the ID it counts as (MITRE's replacement for a revoked
-- one), name ('' when unknown), tactic names in matrix order (JSON array),
-- parent technique ('' unless a sub-technique) and status (active, revoked,
-- deprecated, newer, unknown; see technique_observations).
-- $1 source; $2 case id.
SELECT o.recorded_id, o.technique_id, coalesce(o.name, '') AS name,
       to_json(coalesce((SELECT list(ta.name ORDER BY ta.position) FROM attack_tactics ta
                         WHERE list_contains(o.tactics, ta.shortname)), []::VARCHAR[]))::VARCHAR AS tactics,
       coalesce(o.parent_id, '') AS parent_id, o.status
FROM technique_observations o
WHERE o.source = $1::VARCHAR AND o.case_id = $2::VARCHAR
ORDER BY o.recorded_id;
