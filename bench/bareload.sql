-- bareload: the floor `make bench` compares `pir ingest` with, the load a
-- user would write by hand with DuckDB alone: read_json with an explicit
-- schema (every canonical field, the 0007 ones included) into a temp table,
-- then CREATE TABLE … AS SELECT, with unnest for the lists of child rows
-- (techniques, whys, action items, detection rules, playbook updates).
-- Nothing is validated, normalised, digested or merged; lessons stay JSON.
-- Parameter (text-substituted by bench.LoadBare, quoted): {{path}}. Runs
-- inside one transaction; the tables go to schema "bare" (pir's views own
-- the names in main).
CREATE SCHEMA bare;

CREATE OR REPLACE TEMP TABLE raw AS
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

CREATE TABLE bare.cases AS
SELECT id, source, title, severity, category, status, exclude_from_metrics, tags,
       timeline.compromise, timeline.detection, timeline.triage, timeline.containment,
       timeline.eradication, timeline.recovery, timeline.closure,
       root_cause.category AS root_cause_category, root_cause.summary AS root_cause_summary,
       lessons.went_well, lessons.needs_improvement,
       assets, platforms, team, business_unit, tenant, detection_source,
       impact.records AS impact_records, impact.cost AS impact_cost, impact.currency AS impact_currency,
       impact.downtime_hours AS impact_downtime_hours, impact.regulator_notified, impact.customers_notified,
       review.status AS review_status, review.held_at AS review_held_at,
       review.published_at AS review_published_at, review.facilitator AS review_facilitator
FROM temp.raw;

CREATE TABLE bare.case_techniques AS SELECT id AS case_id, unnest(techniques) AS technique_id FROM temp.raw;

CREATE TABLE bare.root_cause_whys AS SELECT id AS case_id, unnest(root_cause.whys) AS why FROM temp.raw;

CREATE TABLE bare.action_items AS
SELECT case_id, a.* FROM (SELECT id AS case_id, unnest(action_items) AS a FROM temp.raw);

CREATE TABLE bare.detection_rules AS
SELECT case_id, r.* FROM (SELECT id AS case_id, unnest(detection_rules) AS r FROM temp.raw);

CREATE TABLE bare.playbook_updates AS
SELECT case_id, u.* FROM (SELECT id AS case_id, unnest(playbook_updates) AS u FROM temp.raw);

DROP TABLE temp.raw;
