-- attack_catalogue: one row per technique or sub-technique of the embedded
-- ATT&CK release (IDs from a later release left out): its tactic shortnames
-- (JSON array, matrix order), deprecated and revoked flags, and the release
-- ('v18.1') and domain. This is the data the ATT&CK Navigator loads for the
-- layers pir writes, used to check them. No parameters.
SELECT t.technique_id,
       to_json(t.tactics)::VARCHAR AS tactics,
       t.deprecated, t.revoked, r.version, r.domain
FROM attack_techniques t
JOIN attack_release r ON r.version = t.release
ORDER BY t.technique_id;
