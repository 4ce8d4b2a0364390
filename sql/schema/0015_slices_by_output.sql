-- Slices at a million cases (issue 20): the same rows as 0013's
-- quarterly_metrics_by, computed for the dimensions an output shows and in
-- one plan instead of one per dimension; and the mail outbox and log keep
-- which report (the provider's, or a client's [[report]]) an email carried,
-- so --no-resend decides per report.

-- metric_slices_of(defs_json, cohort, min_n, max_values, dims): the rows of
-- metric_slices (0013) for the dimensions in the list dims only (a
-- VARCHAR[] of slice_dimensions' names). The cases are read once: each
-- case's quarter and milestones once, crossed with the definitions and the
-- wanted dimensions (one row per case, metric and dimension, the value as
-- a column). The counts decide the fold (fewer than min_n counted
-- durations in the quarter, or not among the dimension's max_values
-- largest over all quarters: 'other'); the statistics group the same rows
-- by the shown value, so 'other' pools the folded values' durations.
CREATE MACRO metric_slices_of(defs_json, cohort, min_n, max_values, dims) AS TABLE
WITH d AS (
    SELECT unnest(from_json(defs_json::VARCHAR,
        '[{"metric":"VARCHAR","start":"VARCHAR","end":"VARCHAR"}]'), recursive := true)
), w AS (
    SELECT DISTINCT dimension FROM (SELECT unnest(dims::VARCHAR[]) AS dimension)
    WHERE dimension IN (SELECT dimension FROM slice_dimensions)
), c AS (
    SELECT CASE cohort WHEN 'closure' THEN quarter_of(closed_at)
                ELSE quarter_of(coalesce(detected_at, compromise_at)) END AS quarter,
           excluded, compromise_at, detected_at, triaged_at, contained_at, eradicated_at,
           recovered_at, closed_at,
           severity, category, team, business_unit, tenant, detection_source
    FROM store.cases
), m AS (
    SELECT c.quarter, d.metric, c.excluded,
           milestone_at(d.start, c.compromise_at, c.detected_at, c.triaged_at, c.contained_at,
                        c.eradicated_at, c.recovered_at, c.closed_at) AS start_at,
           milestone_at(d."end", c.compromise_at, c.detected_at, c.triaged_at, c.contained_at,
                        c.eradicated_at, c.recovered_at, c.closed_at) AS end_at,
           c.severity, c.category, c.team, c.business_unit, c.tenant, c.detection_source
    FROM c CROSS JOIN d
    WHERE c.quarter IS NOT NULL
), h AS (
    -- metric_observations' rule (0006) for a counted duration
    SELECT quarter, metric,
           CASE WHEN NOT excluded AND end_at >= start_at
                THEN epoch(end_at) / 3600.0 - epoch(start_at) / 3600.0 END AS hours,
           severity, category, team, business_unit, tenant, detection_source
    FROM m
), o AS NOT MATERIALIZED (
    SELECT w.dimension, h.quarter, h.metric, h.hours,
           coalesce(CASE w.dimension WHEN 'severity' THEN h.severity WHEN 'category' THEN h.category
                                     WHEN 'team' THEN h.team WHEN 'business_unit' THEN h.business_unit
                                     WHEN 'tenant' THEN h.tenant WHEN 'detection_source' THEN h.detection_source END,
                    'unspecified') AS value
    FROM h CROSS JOIN w
), k AS (
    SELECT dimension, value, quarter, metric, count(hours) AS n FROM o GROUP BY ALL
), r AS (
    SELECT dimension, value,
           row_number() OVER (PARTITION BY dimension ORDER BY sum(n) DESC, value) AS rank
    FROM k GROUP BY dimension, value
), fm AS (
    SELECT k.dimension, k.quarter, k.metric, k.value,
           CASE WHEN k.n < min_n OR r.rank > max_values THEN 'other' ELSE k.value END AS shown
    FROM k JOIN r USING (dimension, value)
)
SELECT o.dimension, fm.shown AS value, o.quarter, o.metric,
       count(o.hours) AS n, avg(o.hours) AS mean_hours,
       quantile_cont(o.hours, 0.5) AS median_hours, quantile_cont(o.hours, 0.9) AS p90_hours
FROM o JOIN fm USING (dimension, quarter, metric, value)
GROUP BY o.dimension, fm.shown, o.quarter, o.metric;

-- slice_of(defs_json, cohort, min_n, max_values, dim): metric_slices for
-- one dimension, as in 0013.
CREATE OR REPLACE MACRO slice_of(defs_json, cohort, min_n, max_values, dim) AS TABLE
SELECT * FROM metric_slices_of(defs_json, cohort, min_n, max_values, [dim]);

-- metric_slices(defs_json, cohort, min_n, max_values): every dimension of
-- slice_dimensions, as in 0013, in one plan.
CREATE OR REPLACE MACRO metric_slices(defs_json, cohort, min_n, max_values) AS TABLE
SELECT * FROM metric_slices_of(defs_json, cohort, min_n, max_values,
    ['severity', 'category', 'team', 'business_unit', 'tenant', 'detection_source']);

-- quarterly_metrics_by: as in 0013 (the macro it reads is the one above).
CREATE OR REPLACE VIEW quarterly_metrics_by AS
SELECT s.dimension, s.value, s.quarter, s.metric, s.n, s.mean_hours, s.median_hours, s.p90_hours
FROM metric_slices(default_metric_defs(), coalesce(setting('cohort'), 'detection'),
                   CAST(setting('slice_min_cases') AS INTEGER),
                   CAST(setting('slice_max_values') AS INTEGER)) s
JOIN slice_dimensions sd ON sd.dimension = s.dimension
JOIN metric_definitions d ON d.metric = s.metric
ORDER BY s.quarter, sd.position, s.value IN ('other', 'unspecified'), s.value = 'other', s.value, d.position;

-- The report an email carried: '' for the report on every case (the
-- provider's), a [[report]] name for a client's. NULL for emails recorded
-- before pir kept it: they count for every report of their quarter, as
-- --no-resend took them then.
ALTER TABLE store.mail_outbox ADD COLUMN report VARCHAR;
ALTER TABLE store.mail_log ADD COLUMN report VARCHAR;

-- mail_outbox: as in 0010, with the report.
CREATE OR REPLACE VIEW mail_outbox AS
SELECT message_id, quarter, report, created_at, state, settled_at, outcome, sender, recipients, subject,
       smtp_server, attachments, pdf_sha256
FROM store.mail_outbox
ORDER BY created_at DESC, message_id;

-- mail_log: as in 0004, with the report.
CREATE OR REPLACE VIEW mail_log AS
SELECT quarter, report, message_id, sent_at, sender, recipients, subject, smtp_server, attachments, pdf_sha256
FROM store.mail_log
ORDER BY sent_at DESC, message_id;
