-- review_rules: one row per detection rule written because of one case:
-- rule id, title and its ATT&CK techniques as a JSON array of {id, name}
-- (name '' for an ID not in the catalogue), in the rule's order.
-- $1 source; $2 case id.
WITH r AS (
    SELECT rule_id, coalesce(title, '') AS title, coalesce(techniques, []::VARCHAR[]) AS techniques,
           row_number() OVER (ORDER BY rule_id, title) AS pos
    FROM detection_rules
    WHERE source = $1::VARCHAR AND case_id = $2::VARCHAR
), t AS (
    SELECT pos, unnest(techniques) AS id, generate_subscripts(techniques, 1) AS i FROM r
)
SELECT r.rule_id, r.title,
       to_json(coalesce(list({'id': t.id, 'name': coalesce(a.name, '')} ORDER BY t.i)
                        FILTER (WHERE t.id IS NOT NULL), []))::VARCHAR AS techniques
FROM r
LEFT JOIN t ON t.pos = r.pos
LEFT JOIN attack_techniques a ON a.technique_id = t.id
GROUP BY r.pos, r.rule_id, r.title
ORDER BY r.pos;
