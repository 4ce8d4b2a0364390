-- 0006: the same results, computed faster at scale (issue 8: a 1 M-case
-- quarterly report). Every macro keeps its name, parameters and columns.

-- quarter_of(ts): '2024-Q1' in the session time zone, as before, without a
-- time-zone conversion for almost every instant. No zone is more than 14
-- hours from UTC, so when the UTC instants 15 hours before and after ts fall
-- in the same UTC quarter, ts falls in that quarter in every zone; only the
-- instants within 15 hours of a UTC quarter boundary (about 1% of a year)
-- are converted with the session zone (ICU, about 10x slower). CASE runs
-- the conversion on those rows only.
CREATE OR REPLACE MACRO quarter_of(ts) AS
    CASE WHEN ts IS NULL THEN NULL
         WHEN date_trunc('quarter', make_timestamp(epoch_us(ts) - 54000000000))
            = date_trunc('quarter', make_timestamp(epoch_us(ts) + 54000000000))
         THEN CAST(year(make_timestamp(epoch_us(ts))) AS VARCHAR) || '-Q'
              || CAST(quarter(make_timestamp(epoch_us(ts))) AS VARCHAR)
         ELSE strftime(ts, '%Y') || '-Q' || CAST(quarter(ts) AS VARCHAR) END;

-- metric_observations(defs_json, cohort): as in 0001; the quarter is
-- computed once per case, before the cross join with the definitions.
CREATE OR REPLACE MACRO metric_observations(defs_json, cohort) AS TABLE
WITH d AS (
    SELECT unnest(from_json(defs_json::VARCHAR,
        '[{"metric":"VARCHAR","start":"VARCHAR","end":"VARCHAR"}]'), recursive := true)
), c AS (
    SELECT *, CASE cohort WHEN 'closure' THEN quarter_of(closed_at)
                   ELSE quarter_of(coalesce(detected_at, compromise_at)) END AS quarter
    FROM store.cases
), o AS (
    SELECT c.case_id, c.source, c.excluded, d.metric, c.quarter,
           milestone_at(d.start, c.compromise_at, c.detected_at, c.triaged_at, c.contained_at,
                        c.eradicated_at, c.recovered_at, c.closed_at) AS start_at,
           milestone_at(d."end", c.compromise_at, c.detected_at, c.triaged_at, c.contained_at,
                        c.eradicated_at, c.recovered_at, c.closed_at) AS end_at
    FROM c CROSS JOIN d
    WHERE c.quarter IS NOT NULL
)
SELECT case_id, source, quarter, metric, start_at, end_at,
       CASE WHEN excluded THEN 'excluded_case'
            WHEN start_at IS NULL THEN 'missing_start'
            WHEN end_at IS NULL THEN 'missing_end'
            WHEN end_at < start_at THEN 'out_of_order' END AS exclusion,
       CASE WHEN NOT excluded AND end_at >= start_at
            THEN epoch(end_at) / 3600.0 - epoch(start_at) / 3600.0 END AS hours
FROM o;

-- milestone_coverage_of(cohort): as in 0003; one pass over the cases (one
-- count per milestone column), then one row per milestone.
CREATE OR REPLACE MACRO milestone_coverage_of(cohort) AS TABLE
WITH s AS (
    SELECT quarter, count(*) AS cases,
           [count(compromise_at), count(detected_at), count(triaged_at), count(contained_at),
            count(eradicated_at), count(recovered_at), count(closed_at)] AS present
    FROM cohort_cases(cohort)
    WHERE NOT excluded
    GROUP BY quarter
)
SELECT s.quarter, m.position, m.milestone, s.cases, s.present[m.position] AS present,
       s.present[m.position] / s.cases AS share
FROM s CROSS JOIN milestone_order m;

-- out_of_order_detail(name, ts, n1, a1, …, n6, a6): 'triage before
-- containment' when milestone name (at instant at) is earlier than the
-- latest of the milestones before it in the lifecycle (n1..n6 at a1..a6,
-- NULL where absent); the detail names that latest one (the earliest in the
-- lifecycle on a tie). NULL when in order.
CREATE MACRO out_of_order_detail(name, ts, n1, a1, n2, a2, n3, a3, n4, a4, n5, a5, n6, a6) AS
    CASE WHEN ts < greatest(a1, a2, a3, a4, a5, a6)
         THEN name || ' before ' ||
              CASE greatest(a1, a2, a3, a4, a5, a6)
                   WHEN a1 THEN n1 WHEN a2 THEN n2 WHEN a3 THEN n3
                   WHEN a4 THEN n4 WHEN a5 THEN n5 ELSE n6 END END;

-- data_quality_issues_of(cohort, now): as in 0003, computed column-wise:
-- one pass over the cases instead of one row per case and milestone.
CREATE OR REPLACE MACRO data_quality_issues_of(cohort, now) AS TABLE
WITH c_all AS (
    -- every case, so the timestamp checks also see cases outside any
    -- quarter of the cohort (quarter NULL: e.g. open, in the closure cohort)
    SELECT * REPLACE (CASE cohort WHEN 'closure' THEN quarter_of(closed_at) ELSE quarter END AS quarter)
    FROM cases
), c AS (SELECT * FROM c_all WHERE quarter IS NOT NULL),
ooo AS (
    SELECT quarter, source, case_id,
        [out_of_order_detail('detection', detected_at, 'compromise', compromise_at,
             NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
         out_of_order_detail('triage', triaged_at, 'compromise', compromise_at, 'detection', detected_at,
             NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
         out_of_order_detail('containment', contained_at, 'compromise', compromise_at, 'detection', detected_at,
             'triage', triaged_at, NULL, NULL, NULL, NULL, NULL, NULL),
         out_of_order_detail('eradication', eradicated_at, 'compromise', compromise_at, 'detection', detected_at,
             'triage', triaged_at, 'containment', contained_at, NULL, NULL, NULL, NULL),
         out_of_order_detail('recovery', recovered_at, 'compromise', compromise_at, 'detection', detected_at,
             'triage', triaged_at, 'containment', contained_at, 'eradication', eradicated_at, NULL, NULL),
         out_of_order_detail('closure', closed_at, 'compromise', compromise_at, 'detection', detected_at,
             'triage', triaged_at, 'containment', contained_at, 'eradication', eradicated_at,
             'recovery', recovered_at)] AS details
    FROM c
    WHERE NOT excluded
      AND (detected_at < compromise_at
           OR triaged_at < greatest(compromise_at, detected_at)
           OR contained_at < greatest(compromise_at, detected_at, triaged_at)
           OR eradicated_at < greatest(compromise_at, detected_at, triaged_at, contained_at)
           OR recovered_at < greatest(compromise_at, detected_at, triaged_at, contained_at, eradicated_at)
           OR closed_at < greatest(compromise_at, detected_at, triaged_at, contained_at, eradicated_at, recovered_at))
), implausible AS (
    SELECT quarter, source, case_id,
        [CASE WHEN compromise_at > now::TIMESTAMPTZ THEN 'compromise' END,
         CASE WHEN detected_at > now::TIMESTAMPTZ THEN 'detection' END,
         CASE WHEN triaged_at > now::TIMESTAMPTZ THEN 'triage' END,
         CASE WHEN contained_at > now::TIMESTAMPTZ THEN 'containment' END,
         CASE WHEN eradicated_at > now::TIMESTAMPTZ THEN 'eradication' END,
         CASE WHEN recovered_at > now::TIMESTAMPTZ THEN 'recovery' END,
         CASE WHEN closed_at > now::TIMESTAMPTZ THEN 'closure' END] AS future,
        [CASE WHEN compromise_at < make_timestamptz(1990, 1, 1, 0, 0, 0.0) THEN 'compromise' END,
         CASE WHEN detected_at < make_timestamptz(1990, 1, 1, 0, 0, 0.0) THEN 'detection' END,
         CASE WHEN triaged_at < make_timestamptz(1990, 1, 1, 0, 0, 0.0) THEN 'triage' END,
         CASE WHEN contained_at < make_timestamptz(1990, 1, 1, 0, 0, 0.0) THEN 'containment' END,
         CASE WHEN eradicated_at < make_timestamptz(1990, 1, 1, 0, 0, 0.0) THEN 'eradication' END,
         CASE WHEN recovered_at < make_timestamptz(1990, 1, 1, 0, 0, 0.0) THEN 'recovery' END,
         CASE WHEN closed_at < make_timestamptz(1990, 1, 1, 0, 0, 0.0) THEN 'closure' END] AS early
    FROM c_all
    WHERE greatest(compromise_at, detected_at, triaged_at, contained_at, eradicated_at, recovered_at, closed_at) > now::TIMESTAMPTZ
       OR least(compromise_at, detected_at, triaged_at, contained_at, eradicated_at, recovered_at, closed_at) < make_timestamptz(1990, 1, 1, 0, 0, 0.0)
), tech AS (
    SELECT o.*, a.name AS current_name, r.version AS catalogue
    FROM technique_observations_of(cohort) o
    LEFT JOIN attack_techniques a ON a.technique_id = o.technique_id
    CROSS JOIN (SELECT max(version) AS version FROM attack_release) r
    WHERE NOT o.excluded AND o.status <> 'active'
)
SELECT quarter, 'out_of_order' AS kind, detail, source, case_id
FROM (SELECT quarter, source, case_id, unnest(details) AS detail FROM ooo) WHERE detail IS NOT NULL
UNION ALL
SELECT quarter, 'future_timestamp', milestone || ' in the future', source, case_id
FROM (SELECT quarter, source, case_id, unnest(future) AS milestone FROM implausible) WHERE milestone IS NOT NULL
UNION ALL
SELECT quarter, 'before_1990', milestone || ' before 1990', source, case_id
FROM (SELECT quarter, source, case_id, unnest(early) AS milestone FROM implausible) WHERE milestone IS NOT NULL
UNION ALL
SELECT quarter, 'unknown_technique', recorded_id || ' is not in ATT&CK ' || catalogue, source, case_id
FROM tech WHERE status = 'unknown'
UNION ALL
SELECT quarter, 'newer_technique', recorded_id || ' (' || current_name || ') is from a later ATT&CK release than ' || catalogue || ': named, tactics unknown', source, case_id
FROM tech WHERE status = 'newer'
UNION ALL
SELECT quarter, 'revoked_technique', recorded_id || ' is revoked in ATT&CK; counted as ' || technique_id || ' (' || current_name || ')', source, case_id
FROM tech WHERE status = 'revoked'
UNION ALL
SELECT quarter, 'deprecated_technique', recorded_id || ' (' || current_name || ') is deprecated in ATT&CK, with no replacement', source, case_id
FROM tech WHERE status = 'deprecated'
UNION ALL
SELECT quarter, 'missing_root_cause', 'closed without a root cause', source, case_id
FROM c WHERE NOT excluded AND status = 'closed' AND root_cause_category IS NULL
UNION ALL
SELECT quarter, 'excluded', 'excluded from metrics', source, case_id
FROM c WHERE excluded;

-- tactic_counts(cohort): as in 0003, without one row per case, technique
-- and tactic: each technique's tactics as a bit mask (bit = the tactic's
-- position), OR-ed per case, counted per quarter and mask, then spread over
-- the tactics of each mask.
CREATE OR REPLACE MACRO tactic_counts(cohort) AS TABLE
WITH tm AS (
    SELECT a.technique_id, bit_or(1::BIGINT << ta.position) AS mask
    FROM (SELECT technique_id, unnest(tactics) AS tactic FROM attack_techniques) a
    JOIN attack_tactics ta ON ta.shortname = a.tactic
    GROUP BY a.technique_id
), per_case AS (
    SELECT o.quarter, bit_or(tm.mask) AS mask
    FROM technique_observations_of(cohort) o JOIN tm ON tm.technique_id = o.technique_id
    WHERE NOT o.excluded
    GROUP BY o.quarter, o.source, o.case_id
), per_mask AS (
    SELECT quarter, mask, count(*) AS cases FROM per_case GROUP BY quarter, mask
)
SELECT m.quarter, ta.shortname AS tactic, ta.name, ta.position, sum(m.cases)::BIGINT AS cases
FROM per_mask m JOIN attack_tactics ta ON m.mask & (1::BIGINT << ta.position) <> 0
GROUP BY m.quarter, ta.shortname, ta.name, ta.position;

-- cohort_cases(cohort): as in 0003; the cases with no quarter are left out
-- by their instant (no quarter computed twice).
CREATE OR REPLACE MACRO cohort_cases(cohort) AS TABLE
SELECT * REPLACE (CASE cohort WHEN 'closure' THEN quarter_of(closed_at) ELSE quarter END AS quarter)
FROM cases
WHERE CASE cohort WHEN 'closure' THEN closed_at ELSE coalesce(detected_at, compromise_at) END IS NOT NULL;

-- case_volume_of(cohort): as in 0003, in one pass (grouping sets).
CREATE OR REPLACE MACRO case_volume_of(cohort) AS TABLE
WITH g AS (
    SELECT quarter, category, severity, grouping(category, severity) AS g, count(*) AS cases,
           count(*) FILTER (WHERE excluded) AS excluded
    FROM (SELECT quarter, coalesce(category, 'unspecified') AS category,
                 coalesce(severity, 'unspecified') AS severity, excluded
          FROM cohort_cases(cohort))
    GROUP BY GROUPING SETS ((quarter), (quarter, category), (quarter, severity))
)
SELECT quarter, 'all' AS dimension, 'all' AS key, cases FROM g WHERE g = 3
UNION ALL
SELECT quarter, 'category', category, cases FROM g WHERE g = 1
UNION ALL
SELECT quarter, 'severity', severity, cases FROM g WHERE g = 2
UNION ALL
SELECT quarter, 'excluded', 'excluded', excluded FROM g WHERE g = 3 AND excluded > 0;

-- action_item_stats(cohort, as_of, as_of_date): as in 0003, with one join
-- (each item with its case in the cohort) instead of two.
CREATE OR REPLACE MACRO action_item_stats(cohort, as_of, as_of_date) AS TABLE
WITH s AS (
    SELECT c.quarter, a.status, a.due_date, a.completed_at, c.detected_at,
           a.status = 'done' AND (a.completed_at IS NULL OR a.completed_at < as_of::TIMESTAMPTZ) AS completed
    FROM action_items a
    JOIN cohort_cases(cohort) c ON c.source = a.source AND c.case_id = a.case_id
), t AS (
    SELECT quarter, completed,
           NOT completed AND status <> 'wont-do' AND due_date < as_of_date::DATE AS overdue,
           CASE WHEN completed AND completed_at IS NOT NULL AND due_date IS NOT NULL
                THEN CAST(completed_at AS DATE) <= due_date END AS on_time,
           CASE WHEN completed AND completed_at IS NOT NULL
                THEN (epoch_us(completed_at) - epoch_us(detected_at)) / 86400e6 END AS days_to_complete
    FROM s
)
SELECT quarter,
       count(*) AS created,
       count(*) FILTER (WHERE completed) AS completed,
       count(*) FILTER (WHERE overdue) AS overdue,
       count(*) FILTER (WHERE completed) / count(*) AS completion_rate,
       count(*) FILTER (WHERE on_time) / nullif(count(on_time), 0) AS on_time_rate,
       quantile_cont(days_to_complete, 0.5) AS median_days_to_complete
FROM t
GROUP BY quarter;
