-- Slices at a million cases (issue 20): the same rows as 0013's
-- quarterly_metrics_by, computed for the dimensions an output shows, one
-- dimension per statement, each pass cheaper; and the mail outbox and log keep
-- which report (the provider's, or a client's [[report]]) an email carried,
-- so --no-resend decides per report.

-- slice_of(defs_json, cohort, min_n, max_values, dim): metric_slices for
-- one dimension, the same rows as 0013's. One pass of metric_observations'
-- rules over the cases (one row per case and metric, the dimension's value
-- as a column, recomputed rather than held for the second read), the
-- counts decide the fold (fewer than min_n counted durations in the
-- quarter, or not among the dimension's max_values largest over all
-- quarters: 'other'), then one GROUP BY over the shown values with both
-- quantiles from one sorted state per group. A statement per dimension
-- holds one dimension's durations at a time: the report asks for the
-- dimensions its outputs show, one by one.
CREATE OR REPLACE MACRO slice_of(defs_json, cohort, min_n, max_values, dim) AS TABLE
WITH d AS (
    SELECT unnest(from_json(defs_json::VARCHAR,
        '[{"metric":"VARCHAR","start":"VARCHAR","end":"VARCHAR"}]'), recursive := true)
), c AS (
    SELECT CASE cohort WHEN 'closure' THEN quarter_of(closed_at)
                ELSE quarter_of(coalesce(detected_at, compromise_at)) END AS quarter,
           excluded, compromise_at, detected_at, triaged_at, contained_at, eradicated_at,
           recovered_at, closed_at,
           coalesce(CASE dim WHEN 'severity' THEN severity WHEN 'category' THEN category
                             WHEN 'team' THEN team WHEN 'business_unit' THEN business_unit
                             WHEN 'tenant' THEN tenant WHEN 'detection_source' THEN detection_source END,
                    'unspecified') AS value
    FROM store.cases
), m AS (
    SELECT c.quarter, d.metric, c.excluded, c.value,
           milestone_at(d.start, c.compromise_at, c.detected_at, c.triaged_at, c.contained_at,
                        c.eradicated_at, c.recovered_at, c.closed_at) AS start_at,
           milestone_at(d."end", c.compromise_at, c.detected_at, c.triaged_at, c.contained_at,
                        c.eradicated_at, c.recovered_at, c.closed_at) AS end_at
    FROM c CROSS JOIN d
    WHERE c.quarter IS NOT NULL
), o AS NOT MATERIALIZED (
    -- metric_observations' rule (0006) for a counted duration
    SELECT quarter, metric, value,
           CASE WHEN NOT excluded AND end_at >= start_at
                THEN epoch(end_at) / 3600.0 - epoch(start_at) / 3600.0 END AS hours
    FROM m
), k AS (
    SELECT quarter, metric, value, count(hours) AS n FROM o GROUP BY ALL
), r AS (
    SELECT value, row_number() OVER (ORDER BY sum(n) DESC, value) AS rank FROM k GROUP BY value
), fm AS (
    SELECT k.quarter, k.metric, k.value,
           CASE WHEN k.n < min_n OR r.rank > max_values THEN 'other' ELSE k.value END AS shown
    FROM k JOIN r USING (value)
), s AS (
    SELECT fm.shown, o.quarter, o.metric, count(o.hours) AS n, avg(o.hours) AS mean_hours,
           quantile_cont(o.hours, [0.5, 0.9]) AS q
    FROM o JOIN fm USING (quarter, metric, value)
    GROUP BY fm.shown, o.quarter, o.metric
)
SELECT dim AS dimension, shown AS value, quarter, metric, n, mean_hours,
       q[1] AS median_hours, q[2] AS p90_hours
FROM s;

-- metric_slices_of(defs_json, cohort, min_n, max_values, dims): the rows
-- of metric_slices (0013) for the dimensions in the list dims only (a
-- VARCHAR[] of slice_dimensions' names, e.g. ['team', 'business_unit']).
-- With a constant list the other dimensions are not computed at all.
CREATE MACRO metric_slices_of(defs_json, cohort, min_n, max_values, dims) AS TABLE
SELECT * FROM slice_of(defs_json, cohort, min_n, max_values, 'severity') WHERE list_contains(dims, 'severity')
UNION ALL SELECT * FROM slice_of(defs_json, cohort, min_n, max_values, 'category') WHERE list_contains(dims, 'category')
UNION ALL SELECT * FROM slice_of(defs_json, cohort, min_n, max_values, 'team') WHERE list_contains(dims, 'team')
UNION ALL SELECT * FROM slice_of(defs_json, cohort, min_n, max_values, 'business_unit') WHERE list_contains(dims, 'business_unit')
UNION ALL SELECT * FROM slice_of(defs_json, cohort, min_n, max_values, 'tenant') WHERE list_contains(dims, 'tenant')
UNION ALL SELECT * FROM slice_of(defs_json, cohort, min_n, max_values, 'detection_source') WHERE list_contains(dims, 'detection_source');

-- metric_slices and quarterly_metrics_by (0013) read slice_of above.

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
