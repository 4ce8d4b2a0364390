-- Sliced metrics and impact totals (issue 20): the quarterly durations by
-- severity, category, team, business unit, tenant and detection source, and
-- the impact figures per quarter. Same cohort, metric definitions and
-- exclusions as the report's metrics; the cohort is the session's
-- setting('cohort') (detection unless a config or --cohort says closure).

INSERT INTO pir_settings VALUES
    ('slice_min_cases', '5', 'a slice value (a team, a business unit, ...) with fewer counted cases of a metric in a quarter is folded into "other" in quarterly_metrics_by, the dashboard filters and the PDF tables (config slice_min_cases; 0 or 1 folds nothing)'),
    ('slice_max_values', '12', 'the most values of one dimension shown by name (those with the most counted durations over all quarters); the rest are folded into "other" (config slice_max_values)');

-- slice_dimensions: the dimensions a metric is sliced by, in display order.
CREATE VIEW slice_dimensions AS
SELECT * FROM (VALUES (1, 'severity'), (2, 'category'), (3, 'team'), (4, 'business_unit'),
                      (5, 'tenant'), (6, 'detection_source')) t(position, dimension);

-- slice_observations(defs_json, cohort): metric_observations (0006) with one
-- row per dimension: the case's value of it, 'unspecified' when it has none.
CREATE MACRO slice_observations(defs_json, cohort) AS TABLE
WITH v AS (
    SELECT source, case_id,
           coalesce(severity, 'unspecified') AS severity,
           coalesce(category, 'unspecified') AS category,
           coalesce(team, 'unspecified') AS team,
           coalesce(business_unit, 'unspecified') AS business_unit,
           coalesce(tenant, 'unspecified') AS tenant,
           coalesce(detection_source, 'unspecified') AS detection_source
    FROM store.cases
), o AS (
    SELECT o.quarter, o.metric, o.hours, o.exclusion,
           v.severity, v.category, v.team, v.business_unit, v.tenant, v.detection_source
    FROM metric_observations(defs_json, cohort) o
    JOIN v ON v.source = o.source AND v.case_id = o.case_id
)
SELECT quarter, metric, hours, exclusion, dimension, value
FROM (UNPIVOT o ON severity, category, team, business_unit, tenant, detection_source
      INTO NAME dimension VALUE value);

-- slice_of(defs_json, cohort, min_n, max_values, dim): metric_slices for
-- one dimension. One pass of metric_observations' rules over the cases (7
-- rows a case), the dimension's value as a column, a small fold map, one
-- GROUP BY: per dimension this costs about what quarterly_metrics does.
CREATE MACRO slice_of(defs_json, cohort, min_n, max_values, dim) AS TABLE
WITH d AS (
    SELECT unnest(from_json(defs_json::VARCHAR,
        '[{"metric":"VARCHAR","start":"VARCHAR","end":"VARCHAR"}]'), recursive := true)
), c AS (
    SELECT *, CASE cohort WHEN 'closure' THEN quarter_of(closed_at)
                   ELSE quarter_of(coalesce(detected_at, compromise_at)) END AS quarter,
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
), o AS (
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
)
SELECT dim AS dimension, fm.shown AS value, o.quarter, o.metric,
       count(o.hours) AS n, avg(o.hours) AS mean_hours,
       quantile_cont(o.hours, 0.5) AS median_hours, quantile_cont(o.hours, 0.9) AS p90_hours
FROM o JOIN fm USING (quarter, metric, value)
GROUP BY fm.shown, o.quarter, o.metric;

-- metric_slices(defs_json, cohort, min_n, max_values): per dimension,
-- value, quarter and metric, the statistics of the counted durations. A
-- value is folded into 'other' where it has fewer than min_n counted
-- durations of the metric in the quarter, and everywhere when it is not
-- among the max_values values of its dimension with the most counted
-- durations over all quarters and metrics (ties by name). Folded
-- observations are pooled (other's median is the median of their
-- durations, not of their medians); a value already called 'other' joins
-- them. Summed over the values of a dimension, n is quarterly_metrics' n.
CREATE MACRO metric_slices(defs_json, cohort, min_n, max_values) AS TABLE
SELECT * FROM slice_of(defs_json, cohort, min_n, max_values, 'severity')
UNION ALL SELECT * FROM slice_of(defs_json, cohort, min_n, max_values, 'category')
UNION ALL SELECT * FROM slice_of(defs_json, cohort, min_n, max_values, 'team')
UNION ALL SELECT * FROM slice_of(defs_json, cohort, min_n, max_values, 'business_unit')
UNION ALL SELECT * FROM slice_of(defs_json, cohort, min_n, max_values, 'tenant')
UNION ALL SELECT * FROM slice_of(defs_json, cohort, min_n, max_values, 'detection_source');

-- quarterly_metrics_by(dimension, value, quarter, metric, n, mean_hours,
-- median_hours, p90_hours): metric_slices with the session's metric
-- definitions, cohort and setting('slice_min_cases'),
-- setting('slice_max_values'); 'other' and
-- 'unspecified' sort last within a dimension.
CREATE VIEW quarterly_metrics_by AS
SELECT s.dimension, s.value, s.quarter, s.metric, s.n, s.mean_hours, s.median_hours, s.p90_hours
FROM metric_slices(default_metric_defs(), coalesce(setting('cohort'), 'detection'),
                   CAST(setting('slice_min_cases') AS INTEGER),
                   CAST(setting('slice_max_values') AS INTEGER)) s
JOIN slice_dimensions sd ON sd.dimension = s.dimension
JOIN metric_definitions d ON d.metric = s.metric
ORDER BY s.quarter, sd.position, s.value IN ('other', 'unspecified'), s.value = 'other', s.value, d.position;

-- impact_cases(cohort): the cases of the cohort (excluded ones left out) that
-- record any impact figure, with the figures.
CREATE MACRO impact_cases(cohort) AS TABLE
SELECT quarter, source, case_id, impact_records AS records, impact_cost AS cost,
       impact_currency AS currency, impact_downtime_hours AS downtime_hours,
       impact_regulator_notified AS regulator_notified,
       impact_customers_notified AS customers_notified
FROM cohort_cases(cohort)
WHERE NOT excluded
  AND (impact_records IS NOT NULL OR impact_cost IS NOT NULL OR impact_currency IS NOT NULL
       OR impact_downtime_hours IS NOT NULL OR impact_regulator_notified IS NOT NULL
       OR impact_customers_notified IS NOT NULL);

-- quarterly_impact(quarter, cases, records, records_cases, downtime_hours,
-- downtime_cases, regulator_notified, customers_notified): per quarter, the
-- cases with any impact figure, the records exposed and the downtime summed
-- over the cases that give them (records_cases, downtime_cases: how many
-- did), and how many cases notified a regulator or customers. Costs are in
-- quarterly_impact_cost: amounts in different currencies are not added.
CREATE VIEW quarterly_impact AS
SELECT quarter, count(*) AS cases,
       CAST(sum(records) AS BIGINT) AS records, count(records) AS records_cases,
       sum(downtime_hours) AS downtime_hours, count(downtime_hours) AS downtime_cases,
       count(*) FILTER (WHERE regulator_notified) AS regulator_notified,
       count(*) FILTER (WHERE customers_notified) AS customers_notified
FROM impact_cases(coalesce(setting('cohort'), 'detection'))
GROUP BY quarter
ORDER BY quarter;

-- quarterly_impact_cost(quarter, currency, cases, cost): the cost per
-- quarter and currency ('unspecified' for a cost without a currency).
CREATE VIEW quarterly_impact_cost AS
SELECT quarter, coalesce(currency, 'unspecified') AS currency, count(*) AS cases, sum(cost) AS cost
FROM impact_cases(coalesce(setting('cohort'), 'detection'))
WHERE cost IS NOT NULL
GROUP BY ALL
ORDER BY quarter, cost DESC, currency;
