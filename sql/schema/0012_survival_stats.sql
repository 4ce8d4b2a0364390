-- Statistics that count open cases and say how sure a median is (issue 19).
--
-- 1. Kaplan–Meier: a quarter's duration median over the cases that already
--    reached the end milestone drops the slow cases that are still open, so
--    the newest quarter always looks best. metric_survival counts an open
--    case (status 'open', start milestone present, end milestone absent) as
--    censored at (snapshot − start): it lasted at least that long.
-- 2. A distribution-free 95 % confidence interval for each median
--    (order statistics with binomial coverage), on quarterly_metrics.

INSERT INTO pir_settings VALUES
    ('as_of', NULL, 'the snapshot instant open cases are censored at in quarterly_survival (--as-of); empty: the newest ingest time, so a re-run on the same data gives the same numbers');

-- survival_snapshot(): the instant open cases are measured to: the setting
-- as_of when given, else the newest ingest time of the case store.
CREATE MACRO survival_snapshot() AS
    coalesce(TRY_CAST(setting('as_of') AS TIMESTAMPTZ), (SELECT max(ingested_at) FROM store.cases));

-- km_quantile(...) is inlined below; these are the conventions:
--   * ties: at one time, events come before censorings (a case censored at
--     t was still at risk at t);
--   * the p-quantile is the first event time where S(t) <= 1 − p; when S
--     equals 1 − p exactly on a flat step, the midpoint between that event
--     time and the next one (R survival's convention, so with no open case
--     the KM median equals the plain median); with no later event, that
--     event time;
--   * not reached (S stays above 1 − p): the longest time followed (event or
--     censoring), as a lower bound, with *_reached false ("> X h").

-- metric_survival(defs_json, cohort, snapshot): per quarter and metric, the
-- Kaplan–Meier median and 90th percentile of the duration, counting open
-- cases as censored at snapshot (and cases that reached the end milestone
-- only after the snapshot, for a snapshot in the past). n = events + censored; a closed case
-- without the end milestone stays excluded (missing_end), as does an open
-- case whose start is after the snapshot.
CREATE MACRO metric_survival(defs_json, cohort, snapshot) AS TABLE
WITH d AS (
    SELECT unnest(from_json(defs_json::VARCHAR,
        '[{"metric":"VARCHAR","start":"VARCHAR","end":"VARCHAR"}]'), recursive := true)
), c AS (
    SELECT *, CASE cohort WHEN 'closure' THEN quarter_of(closed_at)
                   ELSE quarter_of(coalesce(detected_at, compromise_at)) END AS quarter
    FROM store.cases
    WHERE NOT excluded
), o AS (
    SELECT c.quarter, d.metric, c.status,
           milestone_at(d.start, c.compromise_at, c.detected_at, c.triaged_at, c.contained_at,
                        c.eradicated_at, c.recovered_at, c.closed_at) AS start_at,
           milestone_at(d."end", c.compromise_at, c.detected_at, c.triaged_at, c.contained_at,
                        c.eradicated_at, c.recovered_at, c.closed_at) AS end_at
    FROM c CROSS JOIN d
    WHERE c.quarter IS NOT NULL
), obs AS (
    -- an end after the snapshot (an --as-of in the past) was not known
    -- then: censored at the snapshot like an open case
    SELECT quarter, metric,
           CASE WHEN end_at <= snapshot::TIMESTAMPTZ THEN epoch(end_at) / 3600.0 - epoch(start_at) / 3600.0
                ELSE epoch(snapshot::TIMESTAMPTZ) / 3600.0 - epoch(start_at) / 3600.0 END AS t,
           coalesce(end_at <= snapshot::TIMESTAMPTZ, false) AS event
    FROM o
    WHERE start_at IS NOT NULL
      AND ((end_at IS NOT NULL AND end_at >= start_at AND (end_at <= snapshot::TIMESTAMPTZ OR start_at <= snapshot::TIMESTAMPTZ))
           OR (end_at IS NULL AND status = 'open' AND start_at <= snapshot::TIMESTAMPTZ))
), steps AS (
    SELECT quarter, metric, t, count(*) FILTER (WHERE event) AS d, count(*) AS m
    FROM obs GROUP BY quarter, metric, t
), risk AS (
    -- at_risk: the cases whose time is t or later
    SELECT *, sum(m) OVER (PARTITION BY quarter, metric ORDER BY t DESC) AS at_risk
    FROM steps
), surv AS (
    SELECT quarter, metric, t, d,
           product(1.0 - d / at_risk) OVER (PARTITION BY quarter, metric ORDER BY t
                                            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS s
    FROM risk
), ev AS (
    SELECT quarter, metric, t, s,
           lead(t) OVER (PARTITION BY quarter, metric ORDER BY t) AS next_t
    FROM surv WHERE d > 0
), q AS (
    SELECT quarter, metric,
           arg_min(CASE WHEN abs(s - 0.5) < 1e-9 AND next_t IS NOT NULL THEN (t + next_t) / 2 ELSE t END, t)
               FILTER (WHERE s <= 0.5 + 1e-9) AS km_median,
           arg_min(CASE WHEN abs(s - 0.1) < 1e-9 AND next_t IS NOT NULL THEN (t + next_t) / 2 ELSE t END, t)
               FILTER (WHERE s <= 0.1 + 1e-9) AS km_p90
    FROM ev GROUP BY quarter, metric
), totals AS (
    SELECT quarter, metric, count(*) AS n, count(*) FILTER (WHERE event) AS events,
           count(*) FILTER (WHERE NOT event) AS censored, max(t) AS followed
    FROM obs GROUP BY quarter, metric
)
SELECT t.quarter, t.metric, t.n, t.events, t.censored,
       coalesce(q.km_median, t.followed) AS km_median_hours,
       coalesce(q.km_p90, t.followed) AS km_p90_hours,
       q.km_median IS NOT NULL AS median_reached,
       q.km_p90 IS NOT NULL AS p90_reached
FROM totals t LEFT JOIN q ON q.quarter = t.quarter AND q.metric = t.metric;

-- quarterly_survival: metric_survival for the default metric set, in the
-- session's cohort, at the session's snapshot (setting as_of, else the
-- newest ingest time).
CREATE VIEW quarterly_survival AS
SELECT s.quarter, s.metric, s.n, s.events, s.censored, s.km_median_hours, s.km_p90_hours,
       s.median_reached, s.p90_reached
FROM metric_survival(default_metric_defs(), coalesce(setting('cohort'), 'detection'), survival_snapshot()) s
JOIN metric_definitions d ON d.metric = s.metric
ORDER BY s.quarter, d.position;

-- metric_median_ci(defs_json, cohort): per quarter and metric, a
-- distribution-free 95 % confidence interval for the median duration:
-- [x(j), x(n−j+1)] of the sorted counted durations, j the largest rank with
-- P(Binomial(n, 1/2) <= j − 1) <= 0.025, so the coverage is at least 95 %
-- (e.g. n = 10: x(2)..x(9), 97.9 %). NULL below 6 cases, where even
-- [min, max] covers less than 95 %.
CREATE MACRO metric_median_ci(defs_json, cohort) AS TABLE
WITH o AS (
    SELECT quarter, metric, hours,
           row_number() OVER (PARTITION BY quarter, metric ORDER BY hours) AS r,
           count(*) OVER (PARTITION BY quarter, metric) AS n
    FROM metric_observations(defs_json, cohort)
    WHERE hours IS NOT NULL
), ns AS (
    SELECT DISTINCT n FROM o
), pmf AS (
    SELECT n, k, exp(lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1) - n * ln(2)) AS p
    FROM (SELECT n, unnest(range(n + 1)) AS k FROM ns)
), ranks AS (
    -- j = how many k have P(B <= k) <= 0.025
    SELECT n, count(*) FILTER (WHERE cdf <= 0.025 + 1e-12) AS j
    FROM (SELECT n, k, sum(p) OVER (PARTITION BY n ORDER BY k) AS cdf FROM pmf)
    GROUP BY n
)
SELECT o.quarter, o.metric,
       max(o.hours) FILTER (WHERE o.r = r.j) AS median_ci_low_hours,
       max(o.hours) FILTER (WHERE o.r = o.n - r.j + 1) AS median_ci_high_hours
FROM o JOIN ranks r ON r.n = o.n
GROUP BY o.quarter, o.metric;

-- quarterly_metrics: as in 0001, with the median's 95 % confidence
-- interval appended (existing columns keep their names, order and meaning).
CREATE OR REPLACE VIEW quarterly_metrics AS
SELECT s.quarter, s.metric, s.n, s.mean_hours, s.median_hours, s.p90_hours,
       s.min_hours, s.max_hours, s.missing_start, s.missing_end, s.out_of_order,
       s.excluded_case, ci.median_ci_low_hours, ci.median_ci_high_hours
FROM metric_summary(default_metric_defs(), 'detection') s
JOIN metric_definitions d ON d.metric = s.metric
LEFT JOIN metric_median_ci(default_metric_defs(), 'detection') ci
       ON ci.quarter = s.quarter AND ci.metric = s.metric
ORDER BY s.quarter, d.position;

-- 3. A public reference for `pir benchmark`: the durations of a database
--    loaded with VERIS data (e.g. the VCDB), by incident year, victim
--    industry and organisation size.

-- veris_org_size(employee_count): 'small' (up to 1,000 employees) or
-- 'large' for a VERIS victim.employee_count; NULL when unknown.
CREATE MACRO veris_org_size(ec) AS
    CASE WHEN ec IN ('1 to 10', '11 to 100', '101 to 1000', 'Small') THEN 'small'
         WHEN ec IN ('1001 to 10000', '10001 to 25000', '25001 to 50000', '50001 to 100000', 'Over 100000', 'Large') THEN 'large' END;

-- veris_durations: one row per VERIS case and duration it has, in hours:
-- dwell (compromise → discovery) and contain (discovery → containment), as
-- derived from veris_incidents, with the incident year, the victim's
-- industry (NAICS code), employee_count and org_size.
CREATE VIEW veris_durations AS
SELECT i.case_id, i.source, i.incident_year,
       json_extract_string(c.extra, '$.industry') AS industry,
       json_extract_string(c.extra, '$.employee_count') AS employee_count,
       veris_org_size(json_extract_string(c.extra, '$.employee_count')) AS org_size,
       m.metric, m.hours
FROM veris_incidents i
JOIN store.cases c ON c.source = i.source AND c.case_id = i.case_id
CROSS JOIN LATERAL (VALUES
    ('dwell', epoch(i.detected_at) / 3600.0 - epoch(i.compromise_at) / 3600.0),
    ('contain', epoch(i.contained_at) / 3600.0 - epoch(i.detected_at) / 3600.0)) m(metric, hours)
WHERE m.hours IS NOT NULL AND m.hours >= 0;
