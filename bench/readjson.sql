-- readjson: the baseline for `make bench`. DuckDB's own JSON reader loads a
-- canonical JSONL file into the same normalised store tables as `pir ingest`,
-- with plain SQL: one read_json into a temp table, then INSERT … SELECT with
-- unnest for the child lists. It does the essential work pir does (typed
-- milestones, upper-case unique techniques, lower-case severity, derived
-- status, the dimensions, impact, review, playbook updates and lesson
-- themes (0007), a content digest per case (DuckDB's 64-bit hash() of the row, cheaper
-- than pir's SHA-256), provenance) and none of the checks (no
-- per-record errors, no idempotent merge, unknown fields dropped).
-- Parameters (text-substituted by bench.LoadReadJSON, quoted): {{path}},
-- {{sha256}}. Runs inside one transaction on an empty database.
CREATE OR REPLACE TEMP TABLE bl_raw AS
SELECT * FROM read_json({{path}}, format = 'newline_delimited', maximum_object_size = 16777216,
    columns = {
        id: 'VARCHAR', source: 'VARCHAR', title: 'VARCHAR', severity: 'VARCHAR',
        category: 'VARCHAR', status: 'VARCHAR', tags: 'VARCHAR[]',
        exclude_from_metrics: 'BOOLEAN',
        timeline: 'STRUCT(compromise TIMESTAMPTZ, detection TIMESTAMPTZ, triage TIMESTAMPTZ, containment TIMESTAMPTZ, eradication TIMESTAMPTZ, recovery TIMESTAMPTZ, closure TIMESTAMPTZ)',
        techniques: 'VARCHAR[]',
        root_cause: 'STRUCT(category VARCHAR, summary VARCHAR, whys VARCHAR[])',
        action_items: 'STRUCT(id VARCHAR, summary VARCHAR, owner VARCHAR, priority VARCHAR, due DATE, status VARCHAR, completed TIMESTAMPTZ)[]',
        lessons: 'STRUCT(went_well JSON[], needs_improvement JSON[])',
        detection_rules: 'STRUCT(id VARCHAR, title VARCHAR, techniques VARCHAR[], status VARCHAR, sigma_id VARCHAR)[]',
        assets: 'VARCHAR[]', platforms: 'VARCHAR[]', team: 'VARCHAR', business_unit: 'VARCHAR',
        tenant: 'VARCHAR', detection_source: 'VARCHAR',
        impact: 'STRUCT(records BIGINT, cost DOUBLE, currency VARCHAR, downtime_hours DOUBLE, regulator_notified BOOLEAN, customers_notified BOOLEAN)',
        review: 'STRUCT(status VARCHAR, held_at TIMESTAMPTZ, published_at TIMESTAMPTZ, facilitator VARCHAR)',
        playbook_updates: 'STRUCT(playbook VARCHAR, change VARCHAR, owner VARCHAR, due DATE, status VARCHAR, completed TIMESTAMPTZ)[]'
    });

-- A lesson is a string or {text, theme}.
CREATE OR REPLACE MACRO bl_lesson_text(j) AS
    CASE WHEN json_type(j) = 'OBJECT' THEN json_extract_string(j, '$.text') ELSE j ->> '$' END;
CREATE OR REPLACE MACRO bl_lesson_theme(j) AS
    CASE WHEN json_type(j) = 'OBJECT' THEN coalesce(json_extract_string(j, '$.theme'), '') ELSE '' END;

INSERT INTO store.cases (source, case_id, title, severity, category, status, excluded, tags,
       compromise_at, detected_at, triaged_at, contained_at, eradicated_at, recovered_at, closed_at,
       root_cause_category, root_cause_summary, root_cause_whys, went_well, needs_improvement,
       extra, content_sha256, source_file, source_sha256, source_format, ingested_at,
       assets, platforms, team, business_unit, tenant, detection_source,
       impact_records, impact_cost, impact_currency, impact_downtime_hours,
       impact_regulator_notified, impact_customers_notified,
       review_status, review_held_at, review_published_at, review_facilitator,
       went_well_themes, needs_improvement_themes)
SELECT coalesce(r.source, 'pir'), r.id, r.title, lower(r.severity), lower(r.category),
       coalesce(lower(r.status), CASE WHEN r.timeline.closure IS NULL THEN 'open' ELSE 'closed' END),
       coalesce(r.exclude_from_metrics, false), coalesce(r.tags, []),
       r.timeline.compromise, r.timeline.detection, r.timeline.triage, r.timeline.containment,
       r.timeline.eradication, r.timeline.recovery, r.timeline.closure,
       r.root_cause.category, r.root_cause.summary, coalesce(r.root_cause.whys, []),
       coalesce(list_transform(r.lessons.went_well, l -> bl_lesson_text(l)), []),
       coalesce(list_transform(r.lessons.needs_improvement, l -> bl_lesson_text(l)), []),
       NULL, hash(r)::VARCHAR, {{path}}, {{sha256}}, 'pir', now(),
       coalesce(r.assets, []), coalesce(list_transform(r.platforms, p -> lower(p)), []),
       r.team, r.business_unit, r.tenant, lower(r.detection_source),
       r.impact.records, r.impact.cost, upper(r.impact.currency), r.impact.downtime_hours,
       r.impact.regulator_notified, r.impact.customers_notified,
       lower(r.review.status), r.review.held_at, r.review.published_at, r.review.facilitator,
       list_transform(r.lessons.went_well, l -> bl_lesson_theme(l)),
       list_transform(r.lessons.needs_improvement, l -> bl_lesson_theme(l))
FROM temp.bl_raw r;

INSERT INTO store.case_techniques
SELECT coalesce(source, 'pir'), id, unnest(list_distinct(list_transform(techniques, t -> upper(t))))
FROM temp.bl_raw;

INSERT INTO store.action_items
SELECT source, id, pos, a.id, a.summary, a.owner, a.priority, a.due, a.status, a.completed
FROM (SELECT coalesce(source, 'pir') AS source, id, unnest(action_items) AS a,
             generate_subscripts(action_items, 1) AS pos
      FROM temp.bl_raw);

INSERT INTO store.detection_rules (source, case_id, rule_id, title, techniques, status, sigma_id)
SELECT source, id, d.id, d.title, d.techniques, lower(d.status), lower(d.sigma_id)
FROM (SELECT coalesce(source, 'pir') AS source, id, unnest(detection_rules) AS d FROM temp.bl_raw);

INSERT INTO store.playbook_updates (source, case_id, position, playbook, change, owner, due_date, status, completed_at)
SELECT source, id, pos, u.playbook, u.change, u.owner, u.due, coalesce(u.status, 'open'), u.completed
FROM (SELECT coalesce(source, 'pir') AS source, id, unnest(playbook_updates) AS u,
             generate_subscripts(playbook_updates, 1) AS pos
      FROM temp.bl_raw);

INSERT INTO store.ingest_files SELECT 1, {{path}}, {{sha256}}, 'pir', count(*), 0 FROM temp.bl_raw;
INSERT INTO store.ingest_runs SELECT 1, now(), now(), 1, count(*), 0, 0, 0 FROM temp.bl_raw;

DROP TABLE temp.bl_raw;
DROP MACRO bl_lesson_text;
DROP MACRO bl_lesson_theme;
