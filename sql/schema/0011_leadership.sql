-- The quarterly report tells leadership the truth (issue 15): recurrence
-- that measures whether a fix held, severity targets and their attainment,
-- data freshness, and overdue action items rolled up by owner and
-- priority. docs/metrics.md defines each, docs/schema.md lists the views.

INSERT INTO pir_settings VALUES
    ('recurrence_window', '365d', 'how long after an earlier case''s fix a case with the same root cause and a shared technique or asset counts as a recurrence: a number and a unit h, d or w (config recurrence_window)');

-- duration_hours(s): '4h', '365d', '2w' (a number and a unit h, d or w,
-- spaces allowed) in hours; NULL for anything else.
CREATE MACRO duration_hours(s) AS
    TRY_CAST(regexp_extract(s, '^\s*([0-9]+(\.[0-9]+)?)\s*[hdw]\s*$', 1) AS DOUBLE)
    * CASE regexp_extract(s, '([hdw])\s*$', 1) WHEN 'h' THEN 1 WHEN 'd' THEN 24 WHEN 'w' THEN 168 END;

-- ------------------------------------------------------------- recurrence

-- case_fixes: one row per case counted in metrics (not excluded, with a
-- root cause and a detection) whose action items, at least one, are all
-- done with a completion time: fixed_at is when the last of them was
-- completed (not before the detection), items how many there were.
CREATE VIEW case_fixes AS
SELECT c.case_id, c.source, c.root_cause_category,
       greatest(c.detected_at, max(a.completed_at)) AS fixed_at,
       count(*) AS items
FROM action_items a JOIN cases c USING (source, case_id)
WHERE NOT c.excluded AND c.root_cause_category IS NOT NULL AND c.detected_at IS NOT NULL
GROUP BY c.source, c.case_id, c.root_cause_category, c.detected_at
HAVING bool_and(a.status = 'done' AND a.completed_at IS NOT NULL);

-- recurrence_keys: what two cases must share for one to recur after the
-- other: each ATT&CK technique at parent level ('T1078' for T1078.004,
-- revoked IDs as MITRE's replacement) and each affected asset (lower case).
CREATE VIEW recurrence_keys AS
SELECT DISTINCT source, case_id, 'technique:' || coalesce(parent_id, technique_id) AS key
FROM technique_observations_of('detection') WHERE NOT excluded
UNION
SELECT DISTINCT source, case_id, 'asset:' || asset_key FROM case_assets;

-- recurrences(case_id, source, earlier_case_id, earlier_source,
-- root_cause_category, fixed_at, days_after_fix): one row per case that
-- recurred, with the most recent earlier case it matches. A case recurs
-- when an earlier case (any source) has the same root-cause category,
-- shares an ATT&CK technique at parent level or an affected asset, and had
-- all its action items completed (case_fixes) before this case's detection,
-- at most recurrence_window (setting) before it. Neither case is excluded.
-- Ties (two fixes at the same instant) go to the earlier source, case id.
CREATE VIEW recurrences AS
WITH x AS (
    SELECT c.source, c.case_id, c.root_cause_category, c.detected_at, k.key
    FROM cases c JOIN recurrence_keys k USING (source, case_id)
    WHERE NOT c.excluded AND c.root_cause_category IS NOT NULL AND c.detected_at IS NOT NULL
), f AS (
    SELECT f.source, f.case_id, f.root_cause_category, f.fixed_at, k.key
    FROM case_fixes f JOIN recurrence_keys k USING (source, case_id)
), latest AS (
    -- per case and key, the last fix of its category before its detection
    -- (a case never matches itself: its own fix is not before its detection)
    SELECT x.source, x.case_id, x.root_cause_category, x.detected_at, x.key, f.fixed_at
    FROM x ASOF JOIN f
      ON x.root_cause_category = f.root_cause_category AND x.key = f.key AND x.detected_at > f.fixed_at
), hit AS (
    SELECT l.source, l.case_id, l.root_cause_category, l.detected_at, l.fixed_at,
           f.source AS earlier_source, f.case_id AS earlier_case_id
    FROM latest l JOIN f
      ON f.root_cause_category = l.root_cause_category AND f.key = l.key AND f.fixed_at = l.fixed_at
    WHERE l.detected_at <= l.fixed_at + to_microseconds(CAST(duration_hours(setting('recurrence_window')) * 3600e6 AS BIGINT))
)
SELECT case_id, source, earlier_case_id, earlier_source, root_cause_category, fixed_at,
       (epoch_us(detected_at) - epoch_us(fixed_at)) / 86400e6 AS days_after_fix
FROM hit
QUALIFY row_number() OVER (PARTITION BY source, case_id
                           ORDER BY fixed_at DESC, earlier_source, earlier_case_id) = 1
ORDER BY source, case_id;

-- root_cause_stats(cohort): as in 0003, recurrences counted from the
-- recurrences view (same category AND a shared technique or asset, within
-- recurrence_window of the fix) instead of "any earlier fix of the
-- category", which made every case a recurrence once history accumulated.
CREATE OR REPLACE MACRO root_cause_stats(cohort) AS TABLE
WITH rc AS (
    SELECT quarter, root_cause_category AS category, source, case_id,
           coalesce(len(root_cause_whys), 0) AS whys
    FROM cohort_cases(cohort)
    WHERE NOT excluded AND root_cause_category IS NOT NULL
)
SELECT rc.quarter, rc.category, count(*) AS cases,
       count(*) / sum(count(*)) OVER (PARTITION BY rc.quarter) AS share,
       avg(rc.whys) AS mean_whys,
       count(r.case_id) AS recurrences
FROM rc LEFT JOIN recurrences r ON r.source = rc.source AND r.case_id = rc.case_id
GROUP BY rc.quarter, rc.category;

-- ------------------------------------------------------------- freshness

-- data_freshness(cases, newest_detected_at, newest_case, newest_file,
-- newest_ingested_at): one row saying how fresh the database is: how many
-- cases it holds, the newest detection (compromise when a case has no
-- detection) and its case, and the most recently ingested file and when.
-- A report for a quarter with no cases states these so a stale export is
-- seen, not reported as a quiet quarter.
CREATE VIEW data_freshness AS
SELECT (SELECT count(*) FROM cases) AS cases,
       (SELECT max(coalesce(detected_at, compromise_at)) FROM cases) AS newest_detected_at,
       (SELECT arg_max(case_ref(source, case_id), coalesce(detected_at, compromise_at)) FROM cases) AS newest_case,
       (SELECT arg_max(path, ingested_at) FROM ingested_files) AS newest_file,
       (SELECT max(ingested_at) FROM ingested_files) AS newest_ingested_at;

-- ---------------------------------------------------------------- targets

-- severity_targets: what leadership expects per severity: cases of
-- `severity` should reach `metric` within `within` (config text, e.g. '4h')
-- = target_hours. Empty here; a config's [[target]] tables fill it for the
-- session (pir run, report, metrics, query --config), as pir_settings.
CREATE TABLE severity_targets (
    severity     VARCHAR NOT NULL,
    metric       VARCHAR NOT NULL,
    within       VARCHAR NOT NULL,
    target_hours DOUBLE NOT NULL
);

-- target_attainment_of(defs_json, cohort): per quarter and target, the
-- counted cases of the target's severity in the target's metric (n, as in
-- metric_summary), how many took at most target_hours (within_target) and
-- their share.
CREATE MACRO target_attainment_of(defs_json, cohort) AS TABLE
SELECT o.quarter, t.severity, t.metric, t.target_hours,
       count(o.hours) AS n,
       count(o.hours) FILTER (WHERE o.hours <= t.target_hours) AS within_target,
       count(o.hours) FILTER (WHERE o.hours <= t.target_hours) / nullif(count(o.hours), 0) AS share
FROM severity_targets t
JOIN metric_observations(defs_json, cohort) o ON o.metric = t.metric
JOIN store.cases c ON c.source = o.source AND c.case_id = o.case_id AND c.severity = t.severity
GROUP BY o.quarter, t.severity, t.metric, t.target_hours;

-- target_attainment(quarter, severity, metric, target_hours, n,
-- within_target, share): the session's targets, metric definitions and
-- cohort, one row per quarter with cases of the severity × target.
CREATE VIEW target_attainment AS
SELECT quarter, severity, metric, target_hours, n, within_target, share
FROM target_attainment_of(default_metric_defs(), coalesce(setting('cohort'), 'detection'))
ORDER BY quarter, severity_rank(severity), metric;

-- severity_metric_stats_of(defs_json, cohort): per quarter, severity and
-- metric: counted cases, median and p90 hours (the "By severity" table).
CREATE MACRO severity_metric_stats_of(defs_json, cohort) AS TABLE
SELECT o.quarter, coalesce(c.severity, 'unspecified') AS severity, o.metric,
       count(o.hours) AS n,
       quantile_cont(o.hours, 0.5) AS median_hours,
       quantile_cont(o.hours, 0.9) AS p90_hours
FROM metric_observations(defs_json, cohort) o
JOIN store.cases c ON c.source = o.source AND c.case_id = o.case_id
WHERE o.hours IS NOT NULL
GROUP BY o.quarter, coalesce(c.severity, 'unspecified'), o.metric;

-- ------------------------------------------------------------ action items

-- overdue_by_owner_at(as_of, as_of_date): action items overdue at the
-- as-of instant (as overdue_items: not completed by then, not wont-do, due
-- before the as-of date, of a case detected before it) rolled up by owner
-- and priority: items and the oldest days overdue.
CREATE MACRO overdue_by_owner_at(as_of, as_of_date) AS TABLE
SELECT coalesce(owner, '') AS owner, coalesce(priority, '') AS priority,
       count(*) AS items, max(days_overdue) AS oldest_days_overdue
FROM action_item_state(as_of, as_of_date)
WHERE overdue AND coalesce(detected_at, as_of::TIMESTAMPTZ) < as_of::TIMESTAMPTZ
GROUP BY coalesce(owner, ''), coalesce(priority, '');

-- overdue_by_owner(owner, priority, items, oldest_days_overdue): today.
CREATE VIEW overdue_by_owner AS
SELECT owner, priority, items, oldest_days_overdue
FROM overdue_by_owner_at(current_timestamp, current_date)
ORDER BY items DESC, owner, severity_rank(priority);

-- action_item_stats(cohort, as_of, as_of_date): as in 0006, but
-- on_time_rate counts only the items already due by the as-of date (not
-- wont-do): completed on or before their due date / due. An item not yet
-- due is not an on-time success, and one past due and still open is a miss.
CREATE OR REPLACE MACRO action_item_stats(cohort, as_of, as_of_date) AS TABLE
WITH s AS (
    SELECT c.quarter, a.status, a.due_date, a.completed_at, c.detected_at,
           a.status = 'done' AND (a.completed_at IS NULL OR a.completed_at < as_of::TIMESTAMPTZ) AS completed
    FROM action_items a
    JOIN cohort_cases(cohort) c ON c.source = a.source AND c.case_id = a.case_id
), t AS (
    SELECT quarter, completed,
           NOT completed AND status <> 'wont-do' AND due_date < as_of_date::DATE AS overdue,
           status <> 'wont-do' AND due_date <= as_of_date::DATE AS due,
           completed AND completed_at IS NOT NULL AND due_date IS NOT NULL
               AND CAST(completed_at AS DATE) <= due_date AS on_time,
           CASE WHEN completed AND completed_at IS NOT NULL
                THEN (epoch_us(completed_at) - epoch_us(detected_at)) / 86400e6 END AS days_to_complete
    FROM s
)
SELECT quarter,
       count(*) AS created,
       count(*) FILTER (WHERE completed) AS completed,
       count(*) FILTER (WHERE overdue) AS overdue,
       count(*) FILTER (WHERE completed) / count(*) AS completion_rate,
       count(*) FILTER (WHERE due AND on_time) / nullif(count(*) FILTER (WHERE due), 0) AS on_time_rate,
       quantile_cont(days_to_complete, 0.5) AS median_days_to_complete
FROM t
GROUP BY quarter;
