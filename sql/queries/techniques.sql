-- techniques: one row per ATT&CK technique (revoked IDs counted as their
-- replacement) seen in the cases of quarters $2..$3 (cohort $1), excluded
-- cases left out: name and tactics (JSON array) from the catalogue (NULL and
-- [] for an unknown ID), parent_id for a sub-technique, status of the
-- technique (active, deprecated, newer, unknown), distinct cases, their
-- case_ref list (JSON; the first $4 in order)
-- and the revoked IDs that were mapped to it (JSON or NULL). $1 cohort;
-- $2 first and $3 last quarter, inclusive; $4 how many case IDs to list.
SELECT o.technique_id,
       any_value(o.name) AS name,
       to_json(any_value(o.tactics))::VARCHAR AS tactics,
       any_value(o.parent_id) AS parent_id,
       CASE WHEN any_value(a.technique_id) IS NULL THEN 'unknown'
            WHEN any_value(a.deprecated) THEN 'deprecated'
            WHEN any_value(a.release) <> (SELECT max(version) FROM attack_release) THEN 'newer'
            ELSE 'active' END AS status,
       count(DISTINCT (o.source, o.case_id)) AS cases,
       to_json(list(DISTINCT case_ref(o.source, o.case_id) ORDER BY case_ref(o.source, o.case_id))[1:$4::BIGINT])::VARCHAR AS case_ids,
       to_json(list(DISTINCT o.recorded_id ORDER BY o.recorded_id) FILTER (WHERE o.status = 'revoked'))::VARCHAR AS revoked_from
FROM technique_observations_of($1::VARCHAR) o
LEFT JOIN attack_techniques a ON a.technique_id = o.technique_id
WHERE NOT o.excluded AND o.quarter BETWEEN $2::VARCHAR AND $3::VARCHAR
GROUP BY o.technique_id
ORDER BY cases DESC, o.technique_id;
