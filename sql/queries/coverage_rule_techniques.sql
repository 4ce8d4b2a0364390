-- coverage_rule_techniques: one row per technique ID found in the Sigma
-- rules' tags: the ID it counts as (MITRE's replacement when revoked, else
-- itself, also for IDs not in the catalogue), its name ('' when unknown) and
-- whether the catalogue knows it. $1 JSON array of upper-case IDs.
WITH ids AS (
    SELECT DISTINCT unnest(from_json($1::VARCHAR, '["VARCHAR"]')) AS id
)
SELECT ids.id, coalesce(a.current_id, ids.id) AS current_id,
       coalesce(cur.name, a.name, '') AS name, a.technique_id IS NOT NULL AS known
FROM ids
LEFT JOIN attack_techniques a ON a.technique_id = ids.id
LEFT JOIN attack_techniques cur ON cur.technique_id = a.current_id
ORDER BY ids.id;
