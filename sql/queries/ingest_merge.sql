-- ingest_merge: writes the last staged version of every case that is new,
-- differs from the store's, or was written earlier in the run
-- (temp.stage_latest, ingest_latest.sql: the last occurrence wins, with its
-- file), replacing the stored one with all its child rows. A staged case
-- goes in with its file's digest (temp.stage_files). Runs inside the ingest
-- transaction. No parameters.
CREATE OR REPLACE TEMP TABLE stage_apply AS
SELECT seq, source, case_id, prior OR fresh AS stored FROM temp.stage_latest
WHERE "full" AND (fresh OR NOT same);

-- Only cases already in the store have rows to replace: a load of new cases
-- deletes nothing and does not scan the store for it.
CREATE OR REPLACE TEMP TABLE stage_replace AS
SELECT source, case_id FROM temp.stage_apply WHERE stored;

DELETE FROM store.cases t USING temp.stage_replace a WHERE t.source = a.source AND t.case_id = a.case_id;
DELETE FROM store.case_techniques t USING temp.stage_replace a WHERE t.source = a.source AND t.case_id = a.case_id;
DELETE FROM store.action_items t USING temp.stage_replace a WHERE t.source = a.source AND t.case_id = a.case_id;
DELETE FROM store.detection_rules t USING temp.stage_replace a WHERE t.source = a.source AND t.case_id = a.case_id;
DELETE FROM store.milestone_sources t USING temp.stage_replace a WHERE t.source = a.source AND t.case_id = a.case_id;
DELETE FROM store.veris_timeline t USING temp.stage_replace a WHERE t.source = a.source AND t.case_id = a.case_id;
DELETE FROM store.playbook_updates t USING temp.stage_replace a WHERE t.source = a.source AND t.case_id = a.case_id;

INSERT INTO store.cases (source, case_id, title, severity, category, status, excluded, tags,
       compromise_at, detected_at, triaged_at, contained_at, eradicated_at,
       recovered_at, closed_at, root_cause_category, root_cause_summary,
       root_cause_whys, went_well, needs_improvement, extra, content_sha256,
       source_file, source_sha256, source_format, ingested_at,
       assets, platforms, team, business_unit, tenant, detection_source,
       impact_records, impact_cost, impact_currency, impact_downtime_hours,
       impact_regulator_notified, impact_customers_notified,
       review_status, review_held_at, review_published_at, review_facilitator,
       went_well_themes, needs_improvement_themes)
SELECT a.source, a.case_id, a.title, a.severity, a.category, a.status, a.excluded, a.tags,
       a.compromise_at, a.detected_at, a.triaged_at, a.contained_at, a.eradicated_at,
       a.recovered_at, a.closed_at, a.root_cause_category, a.root_cause_summary,
       a.root_cause_whys, a.went_well, a.needs_improvement, a.extra, a.content_sha256,
       a.source_file, f.sha256, a.source_format, f.ingested_at,
       a.assets, a.platforms, a.team, a.business_unit, a.tenant, a.detection_source,
       a.impact_records, a.impact_cost, a.impact_currency, a.impact_downtime_hours,
       a.impact_regulator_notified, a.impact_customers_notified,
       a.review_status, a.review_held_at, a.review_published_at, a.review_facilitator,
       a.went_well_themes, a.needs_improvement_themes
FROM temp.stage_cases a
JOIN temp.stage_apply p ON p.seq = a.seq
JOIN temp.stage_files f ON f.path = a.source_file;

INSERT INTO store.case_techniques (source, case_id, technique_id)
SELECT a.source, a.case_id, t.technique_id
FROM temp.stage_apply a JOIN temp.stage_techniques t ON t.seq = a.seq;

INSERT INTO store.action_items (source, case_id, position, item_id, summary, owner, priority, due_date, status, completed_at)
SELECT a.source, a.case_id, t.position, t.item_id, t.summary, t.owner, t.priority,
       t.due_date, t.status, t.completed_at
FROM temp.stage_apply a JOIN temp.stage_actions t ON t.seq = a.seq;

INSERT INTO store.detection_rules (source, case_id, rule_id, title, techniques, status, sigma_id)
SELECT a.source, a.case_id, t.rule_id, t.title, t.techniques, t.status, t.sigma_id
FROM temp.stage_apply a JOIN temp.stage_rules t ON t.seq = a.seq;

INSERT INTO store.playbook_updates (source, case_id, position, playbook, change, owner, due_date, status, completed_at)
SELECT a.source, a.case_id, t.position, t.playbook, t.change, t.owner, t.due_date, t.status, t.completed_at
FROM temp.stage_apply a JOIN temp.stage_playbooks t ON t.seq = a.seq;

INSERT INTO store.milestone_sources (source, case_id, milestone, source_field)
SELECT a.source, a.case_id, t.milestone, t.source_field
FROM temp.stage_apply a JOIN temp.stage_sources t ON t.seq = a.seq;

INSERT INTO store.veris_timeline (source, case_id, phase, unit, value, hours)
SELECT a.source, a.case_id, t.phase, t.unit, t.value, t.hours
FROM temp.stage_apply a JOIN temp.stage_veris t ON t.seq = a.seq;

DROP TABLE temp.stage_replace;
DROP TABLE temp.stage_apply;
DROP TABLE temp.stage_latest;
