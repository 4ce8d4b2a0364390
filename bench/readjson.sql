-- readjson: the baseline for `make bench`. DuckDB's own JSON reader loads a
-- canonical JSONL file into the same normalised store tables as `pir ingest`,
-- with plain SQL: one read_json into a temp table, then INSERT … SELECT with
-- unnest for the child lists. It does the essential work pir does (typed
-- milestones, upper-case unique techniques, lower-case severity, derived
-- status, a content digest per case (DuckDB's 64-bit hash() of the row, cheaper
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
        lessons: 'STRUCT(went_well VARCHAR[], needs_improvement VARCHAR[])',
        detection_rules: 'STRUCT(id VARCHAR, title VARCHAR, techniques VARCHAR[])[]'
    });

INSERT INTO store.cases
SELECT coalesce(r.source, 'pir'), r.id, r.title, lower(r.severity), lower(r.category),
       coalesce(lower(r.status), CASE WHEN r.timeline.closure IS NULL THEN 'open' ELSE 'closed' END),
       coalesce(r.exclude_from_metrics, false), coalesce(r.tags, []),
       r.timeline.compromise, r.timeline.detection, r.timeline.triage, r.timeline.containment,
       r.timeline.eradication, r.timeline.recovery, r.timeline.closure,
       r.root_cause.category, r.root_cause.summary, coalesce(r.root_cause.whys, []),
       coalesce(r.lessons.went_well, []), coalesce(r.lessons.needs_improvement, []),
       NULL, hash(r)::VARCHAR, {{path}}, {{sha256}}, 'pir', now()
FROM temp.bl_raw r;

INSERT INTO store.case_techniques
SELECT coalesce(source, 'pir'), id, unnest(list_distinct(list_transform(techniques, t -> upper(t))))
FROM temp.bl_raw;

INSERT INTO store.action_items
SELECT source, id, pos, a.id, a.summary, a.owner, a.priority, a.due, a.status, a.completed
FROM (SELECT coalesce(source, 'pir') AS source, id, unnest(action_items) AS a,
             generate_subscripts(action_items, 1) AS pos
      FROM temp.bl_raw);

INSERT INTO store.detection_rules
SELECT source, id, d.id, d.title, d.techniques
FROM (SELECT coalesce(source, 'pir') AS source, id, unnest(detection_rules) AS d FROM temp.bl_raw);

INSERT INTO store.ingest_files SELECT 1, {{path}}, {{sha256}}, 'pir', count(*), 0 FROM temp.bl_raw;
INSERT INTO store.ingest_runs SELECT 1, now(), now(), 1, count(*), 0, 0, 0 FROM temp.bl_raw;

DROP TABLE temp.bl_raw;
