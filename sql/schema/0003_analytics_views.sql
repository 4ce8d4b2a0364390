-- 0003: the analytics layer. Table macros take the parameters a report
-- needs (cohort, as-of instant, metric definitions); the views apply them
-- with the defaults (detection cohort, now) so analysts can reproduce every
-- number of a report with `pir query`. Quarters follow the session time zone
-- (`--tz`), as in the `cases` view. Documented in docs/schema.md.
--
-- Rules shared by every macro and view (docs/metrics.md):
-- * a case is keyed by (source, case_id); case_ref() is its display name;
-- * cases excluded from metrics (exercises, tests, false positives) count in
--   volume, open-case ageing, action items and data quality, but not in
--   durations, root causes, ATT&CK frequencies or the notable-case list.

-- quarter_start(q): the first instant of quarter q ('2024-Q1') in the session
-- time zone; quarter_end(q): the first instant after it.
CREATE MACRO quarter_start(q) AS
    make_timestamptz(CAST(substr(q, 1, 4) AS INTEGER),
                     (CAST(substr(q, 7, 1) AS INTEGER) - 1) * 3 + 1, 1, 0, 0, 0.0);
CREATE MACRO quarter_end(q) AS
    make_timestamptz(CAST(substr(q, 1, 4) AS INTEGER) + CAST(substr(q, 7, 1) AS INTEGER) // 4,
                     (CAST(substr(q, 7, 1) AS INTEGER) % 4) * 3 + 1, 1, 0, 0, 0.0);

-- case_ref(source, case_id): how lists name a case: the id alone for the
-- default source 'pir', else 'source:id'.
CREATE MACRO case_ref(source, case_id) AS
    CASE WHEN source = 'pir' THEN case_id ELSE source || ':' || case_id END;

-- severity_rank(s): 1 = critical … 5 = informational, 6 = anything else.
CREATE MACRO severity_rank(s) AS
    coalesce(list_position(['critical', 'high', 'medium', 'low', 'informational'], s), 6);

-- cohort_cases(cohort): the `cases` view with quarter taken from detection
-- (cohort 'detection', as in `cases`) or from closure (cohort 'closure');
-- cases with no such quarter (open cases in the closure cohort) are left out.
CREATE MACRO cohort_cases(cohort) AS TABLE
SELECT * FROM (
    SELECT * REPLACE (CASE cohort WHEN 'closure' THEN quarter_of(closed_at) ELSE quarter END AS quarter)
    FROM cases)
WHERE quarter IS NOT NULL;

-- milestone_order: the lifecycle milestones in order.
CREATE VIEW milestone_order AS
SELECT * FROM (VALUES (1, 'compromise'), (2, 'detection'), (3, 'triage'), (4, 'containment'),
                      (5, 'eradication'), (6, 'recovery'), (7, 'closure')) t(position, milestone);

-- ---------------------------------------------------------------- volume

-- case_volume_of(cohort): cases per quarter in total ('all'), by category,
-- by severity and excluded from metrics. One row per quarter, dimension, key.
CREATE MACRO case_volume_of(cohort) AS TABLE
SELECT quarter, 'all' AS dimension, 'all' AS key, count(*) AS cases
FROM cohort_cases(cohort) GROUP BY quarter
UNION ALL
SELECT quarter, 'category', coalesce(category, 'unspecified'), count(*)
FROM cohort_cases(cohort) GROUP BY quarter, coalesce(category, 'unspecified')
UNION ALL
SELECT quarter, 'severity', coalesce(severity, 'unspecified'), count(*)
FROM cohort_cases(cohort) GROUP BY quarter, coalesce(severity, 'unspecified')
UNION ALL
SELECT quarter, 'excluded', 'excluded', count(*)
FROM cohort_cases(cohort) WHERE excluded GROUP BY quarter;

-- case_volume(quarter, dimension, key, cases): detection cohort.
CREATE VIEW case_volume AS
SELECT quarter, dimension, key, cases FROM case_volume_of('detection')
ORDER BY quarter, dimension, cases DESC, key;

-- open_case_ageing_at(quarters_json, as_of): cases open at the end of each
-- quarter of the JSON array (or at as_of, if earlier), by age since
-- detection. Open at T: detected before T and closed at or after T, or not
-- closed and still open (a closed case with no closure time is not counted:
-- when it closed is unknown).
CREATE MACRO open_case_ageing_at(quarters_json, as_of) AS TABLE
WITH q AS (
    SELECT unnest(from_json(quarters_json::VARCHAR, '["VARCHAR"]')) AS quarter
), e AS (
    SELECT quarter, least(quarter_end(quarter), as_of::TIMESTAMPTZ) AS at_end FROM q
), o AS (
    SELECT e.quarter,
           (epoch_us(e.at_end) - epoch_us(coalesce(c.detected_at, c.compromise_at))) / 86400e6 AS age_days
    FROM e JOIN cases c
      ON coalesce(c.detected_at, c.compromise_at) < e.at_end
     AND (c.closed_at >= e.at_end OR (c.closed_at IS NULL AND c.status = 'open'))
)
SELECT quarter,
       CASE WHEN age_days < 7 THEN '<7d' WHEN age_days < 30 THEN '7-30d'
            WHEN age_days < 90 THEN '30-90d' ELSE '>90d' END AS bucket,
       count(*) AS cases
FROM o GROUP BY ALL;

-- open_case_ageing(quarter, bucket, cases): for every quarter with cases,
-- the open cases at its end (or now, for the current quarter).
CREATE VIEW open_case_ageing AS
SELECT quarter, bucket, cases
FROM open_case_ageing_at((SELECT to_json(list(DISTINCT quarter))::VARCHAR FROM cases), current_timestamp)
ORDER BY quarter, list_position(['<7d', '7-30d', '30-90d', '>90d'], bucket);

-- ------------------------------------------------------------ root causes

-- root_cause_stats(cohort): per quarter and root-cause category: cases, share
-- of the quarter's cases that have a root cause, mean 5-Whys depth (a case
-- with no chain has depth 0) and recurrences: cases whose category had an
-- earlier case (detected before, any quarter) with at least one action item
-- and all of them done, with completion times, before this case's detection.
CREATE MACRO root_cause_stats(cohort) AS TABLE
WITH rc AS (
    SELECT quarter, root_cause_category AS category, source, case_id, detected_at,
           coalesce(len(root_cause_whys), 0) AS whys
    FROM cohort_cases(cohort)
    WHERE NOT excluded AND root_cause_category IS NOT NULL
), fixed AS (
    -- per earlier case whose items (at least one) are all done: the instant
    -- from which it counts, when it had been detected and fixed
    SELECT c.root_cause_category AS category,
           greatest(c.detected_at, max(a.completed_at)) AS fixed_at
    FROM action_items a JOIN cases c USING (source, case_id)
    WHERE NOT c.excluded AND c.root_cause_category IS NOT NULL AND c.detected_at IS NOT NULL
    GROUP BY c.source, c.case_id, c.root_cause_category, c.detected_at
    HAVING bool_and(a.status = 'done' AND a.completed_at IS NOT NULL)
), first_fix AS (
    SELECT category, min(fixed_at) AS fixed_at FROM fixed GROUP BY category
), flagged AS (
    -- detected after some earlier case of its category was detected and
    -- fixed (a case never precedes itself: its own fixed_at is not before
    -- its detection)
    SELECT rc.*, coalesce(rc.detected_at > f.fixed_at, false) AS recurrence
    FROM rc LEFT JOIN first_fix f USING (category)
)
SELECT quarter, category, count(*) AS cases,
       count(*) / sum(count(*)) OVER (PARTITION BY quarter) AS share,
       avg(whys) AS mean_whys,
       count(*) FILTER (WHERE recurrence) AS recurrences
FROM flagged GROUP BY quarter, category;

-- root_cause_frequency(quarter, category, cases, share, mean_whys,
-- recurrences): detection cohort.
CREATE VIEW root_cause_frequency AS
SELECT quarter, category, cases, share, mean_whys, recurrences
FROM root_cause_stats('detection')
ORDER BY quarter, cases DESC, category;

-- ------------------------------------------------------------------ ATT&CK

-- technique_observations_of(cohort): one row per case and recorded technique
-- ID. technique_id is what the ID counts as: MITRE's replacement for a
-- revoked ID (following revoked-by chains), else the ID itself. status says
-- what the recorded ID is: active, revoked, deprecated, newer (an ID from a
-- later ATT&CK release than the catalogue: named, tactics unknown) or unknown
-- (not in the catalogue at all: counted, never dropped). parent_id is the
-- technique a sub-technique rolls up to.
CREATE MACRO technique_observations_of(cohort) AS TABLE
SELECT c.quarter, c.source, c.case_id, c.excluded,
       t.technique_id AS recorded_id,
       coalesce(a.current_id, t.technique_id) AS technique_id,
       cur.name,
       coalesce(cur.tactics, []::VARCHAR[]) AS tactics,
       coalesce(cur.parent_id,
                CASE WHEN cur.technique_id IS NULL AND contains(t.technique_id, '.')
                     THEN split_part(t.technique_id, '.', 1) END) AS parent_id,
       CASE WHEN a.technique_id IS NULL THEN 'unknown'
            WHEN a.revoked THEN 'revoked'
            WHEN a.deprecated THEN 'deprecated'
            WHEN a.release <> (SELECT max(version) FROM attack_release) THEN 'newer'
            ELSE 'active' END AS status
FROM cohort_cases(cohort) c
JOIN case_techniques t ON t.source = c.source AND t.case_id = c.case_id
LEFT JOIN attack_techniques a ON a.technique_id = t.technique_id
LEFT JOIN attack_techniques cur ON cur.technique_id = a.current_id;

-- technique_observations: detection cohort.
CREATE VIEW technique_observations AS
SELECT quarter, source, case_id, excluded, recorded_id, technique_id, name, tactics, parent_id, status
FROM technique_observations_of('detection')
ORDER BY quarter, source, case_id, recorded_id;

-- technique_counts(cohort): distinct cases per quarter and technique (after
-- revoked IDs are mapped), excluded cases left out.
CREATE MACRO technique_counts(cohort) AS TABLE
SELECT quarter, technique_id, any_value(name) AS name, any_value(tactics) AS tactics,
       any_value(parent_id) AS parent_id,
       count(DISTINCT (source, case_id)) AS cases
FROM technique_observations_of(cohort)
WHERE NOT excluded
GROUP BY quarter, technique_id;

-- technique_frequency(quarter, technique_id, name, tactics, cases):
-- detection cohort; name is NULL (tactics empty) for IDs not in the catalogue.
CREATE VIEW technique_frequency AS
SELECT quarter, technique_id, name, tactics, cases FROM technique_counts('detection')
ORDER BY quarter, cases DESC, technique_id;

-- parent_technique_counts(cohort): distinct cases per quarter and parent
-- technique, sub-techniques rolled up (T1566.001 and T1566.002 in one case
-- count once for T1566).
CREATE MACRO parent_technique_counts(cohort) AS TABLE
SELECT o.quarter, coalesce(o.parent_id, o.technique_id) AS technique_id,
       any_value(p.name) AS name, coalesce(any_value(p.tactics), []::VARCHAR[]) AS tactics,
       count(DISTINCT (o.source, o.case_id)) AS cases
FROM technique_observations_of(cohort) o
LEFT JOIN attack_techniques p ON p.technique_id = coalesce(o.parent_id, o.technique_id)
WHERE NOT o.excluded
GROUP BY o.quarter, coalesce(o.parent_id, o.technique_id);

-- parent_technique_frequency(quarter, technique_id, name, tactics, cases).
CREATE VIEW parent_technique_frequency AS
SELECT quarter, technique_id, name, tactics, cases FROM parent_technique_counts('detection')
ORDER BY quarter, cases DESC, technique_id;

-- tactic_counts(cohort): distinct cases per quarter and tactic (a case counts
-- once per tactic however many of its techniques belong to it).
CREATE MACRO tactic_counts(cohort) AS TABLE
SELECT o.quarter, ta.shortname AS tactic, ta.name, ta.position,
       count(DISTINCT (o.source, o.case_id)) AS cases
FROM (SELECT quarter, source, case_id, unnest(tactics) AS tactic
      FROM technique_observations_of(cohort) WHERE NOT excluded) o
JOIN attack_tactics ta ON ta.shortname = o.tactic
GROUP BY o.quarter, ta.shortname, ta.name, ta.position;

-- tactic_frequency(quarter, tactic, name, cases): detection cohort, tactics
-- in ATT&CK matrix order.
CREATE VIEW tactic_frequency AS
SELECT quarter, tactic, name, cases FROM tactic_counts('detection')
ORDER BY quarter, position;

-- ------------------------------------------------------------ action items

-- action_item_state(as_of, as_of_date): every action item with its state at
-- the instant as_of. completed: done, and completed before as_of (or with no
-- completion time). overdue: not completed, not wont-do, and due before
-- as_of_date (an item due on as_of_date is not yet overdue).
-- days_to_complete counts from the case's detection.
CREATE MACRO action_item_state(as_of, as_of_date) AS TABLE
WITH s AS (
    SELECT a.case_id, a.source, a.item_id, a.position, a.summary, a.owner, a.priority,
           a.due_date, a.status, a.completed_at, c.excluded, c.detected_at,
           a.status = 'done' AND (a.completed_at IS NULL OR a.completed_at < as_of::TIMESTAMPTZ) AS completed
    FROM action_items a JOIN cases c USING (source, case_id)
)
SELECT *,
       NOT completed AND status <> 'wont-do' AND due_date < as_of_date::DATE AS overdue,
       CASE WHEN NOT completed AND status <> 'wont-do' AND due_date < as_of_date::DATE
            THEN as_of_date::DATE - due_date END AS days_overdue,
       CASE WHEN completed AND completed_at IS NOT NULL AND due_date IS NOT NULL
            THEN CAST(completed_at AS DATE) <= due_date END AS on_time,
       CASE WHEN completed AND completed_at IS NOT NULL
            THEN (epoch_us(completed_at) - epoch_us(detected_at)) / 86400e6 END AS days_to_complete
FROM s;

-- action_item_stats(cohort, as_of, as_of_date): per quarter of the items'
-- cases: created (items), completed, overdue at as_of, completion_rate
-- (completed / created), on_time_rate (completed by the due date / completed
-- with a due date and a completion time) and the median days from the
-- case's detection to completion.
CREATE MACRO action_item_stats(cohort, as_of, as_of_date) AS TABLE
SELECT c.quarter,
       count(*) AS created,
       count(*) FILTER (WHERE s.completed) AS completed,
       count(*) FILTER (WHERE s.overdue) AS overdue,
       count(*) FILTER (WHERE s.completed) / count(*) AS completion_rate,
       count(*) FILTER (WHERE s.on_time) / nullif(count(s.on_time), 0) AS on_time_rate,
       quantile_cont(s.days_to_complete, 0.5) AS median_days_to_complete
FROM action_item_state(as_of, as_of_date) s
JOIN cohort_cases(cohort) c ON c.source = s.source AND c.case_id = s.case_id
GROUP BY c.quarter;

-- action_item_summary(quarter, created, completed, overdue, completion_rate,
-- on_time_rate, median_days_to_complete): detection cohort, state now.
CREATE VIEW action_item_summary AS
SELECT quarter, created, completed, overdue, completion_rate, on_time_rate, median_days_to_complete
FROM action_item_stats('detection', current_timestamp, current_date)
ORDER BY quarter;

-- overdue_action_items: open items past their due date today, most overdue
-- first.
CREATE VIEW overdue_action_items AS
SELECT case_id, source, item_id, summary, owner, priority, due_date, days_overdue, status
FROM action_item_state(current_timestamp, current_date)
WHERE overdue
ORDER BY days_overdue DESC, case_id, position;

-- ------------------------------------------------------------ data quality

-- milestone_coverage_of(cohort): per quarter and milestone, how many of the
-- quarter's cases counted in metrics (not excluded) record it.
CREATE MACRO milestone_coverage_of(cohort) AS TABLE
SELECT c.quarter, m.position, m.milestone, count(*) AS cases,
       count(milestone_at(m.milestone, c.compromise_at, c.detected_at, c.triaged_at, c.contained_at,
                          c.eradicated_at, c.recovered_at, c.closed_at)) AS present,
       count(milestone_at(m.milestone, c.compromise_at, c.detected_at, c.triaged_at, c.contained_at,
                          c.eradicated_at, c.recovered_at, c.closed_at)) / count(*) AS share
FROM cohort_cases(cohort) c CROSS JOIN milestone_order m
WHERE NOT c.excluded
GROUP BY c.quarter, m.position, m.milestone;

-- milestone_coverage(quarter, milestone, cases, present, share).
CREATE VIEW milestone_coverage AS
SELECT quarter, milestone, cases, present, share FROM milestone_coverage_of('detection')
ORDER BY quarter, position;

-- data_quality_issues_of(cohort, now): one row per case and problem:
-- out_of_order (a milestone earlier than a milestone that comes before it
-- in the lifecycle; detail names the latest such one), future_timestamp and before_1990 (any
-- milestone after now or before 1990), unknown_technique, newer_technique,
-- revoked_technique, deprecated_technique, missing_root_cause (a closed case
-- with none) and excluded (left out of metrics). Only excluded and
-- implausible-timestamp rows include excluded cases.
CREATE MACRO data_quality_issues_of(cohort, now) AS TABLE
WITH c_all AS (
    -- every case, so the timestamp checks also see cases outside any
    -- quarter of the cohort (quarter NULL: e.g. open, in the closure cohort)
    SELECT * REPLACE (CASE cohort WHEN 'closure' THEN quarter_of(closed_at) ELSE quarter END AS quarter)
    FROM cases
), c AS (SELECT * FROM c_all WHERE quarter IS NOT NULL),
ms AS (
    SELECT c.quarter, c.source, c.case_id, c.excluded, m.position, m.milestone,
           milestone_at(m.milestone, c.compromise_at, c.detected_at, c.triaged_at, c.contained_at,
                        c.eradicated_at, c.recovered_at, c.closed_at) AS at_time
    FROM c_all c CROSS JOIN milestone_order m
), seq AS (
    SELECT *, arg_max(milestone, at_time) OVER w AS prev_milestone, max(at_time) OVER w AS prev_at
    FROM ms WHERE at_time IS NOT NULL AND NOT excluded AND quarter IS NOT NULL
    WINDOW w AS (PARTITION BY source, case_id ORDER BY position
                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
), tech AS (
    SELECT o.*, a.name AS current_name, r.version AS catalogue
    FROM technique_observations_of(cohort) o
    LEFT JOIN attack_techniques a ON a.technique_id = o.technique_id
    CROSS JOIN (SELECT max(version) AS version FROM attack_release) r
    WHERE NOT o.excluded AND o.status <> 'active'
)
SELECT quarter, 'out_of_order' AS kind, milestone || ' before ' || prev_milestone AS detail, source, case_id
FROM seq WHERE at_time < prev_at
UNION ALL
SELECT quarter, 'future_timestamp', milestone || ' in the future', source, case_id
FROM ms WHERE at_time > now::TIMESTAMPTZ
UNION ALL
SELECT quarter, 'before_1990', milestone || ' before 1990', source, case_id
FROM ms WHERE at_time < make_timestamptz(1990, 1, 1, 0, 0, 0.0)
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

-- data_quality_issues(quarter, kind, detail, source, case_id): detection
-- cohort, "future" meaning after now.
CREATE VIEW data_quality_issues AS
SELECT quarter, kind, detail, source, case_id
FROM data_quality_issues_of('detection', current_timestamp)
ORDER BY quarter, kind, detail, source, case_id;

-- ----------------------------------------------------------------- inputs

-- ingested_files(path, sha256, format, records, rejects, ingested_at): the
-- latest ingest of each input file, for provenance.
CREATE VIEW ingested_files AS
SELECT f.path, f.sha256, f.format, f.records, f.rejects, r.finished_at AS ingested_at
FROM store.ingest_files f JOIN store.ingest_runs r USING (run_id)
QUALIFY row_number() OVER (PARTITION BY f.path ORDER BY r.finished_at DESC, r.run_id DESC) = 1
ORDER BY f.path;
