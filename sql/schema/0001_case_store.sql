-- 0001: the case store (schema "store", written only by `pir ingest`) and the
-- stable analyst views in "main" that reports and `pir query` read.
-- Base tables have no PRIMARY KEY: uniqueness of (source, case_id) is kept by
-- the loader inside its transaction (ART indexes slow bulk loads and DuckDB
-- rejects delete+reinsert of one key in a transaction).

CREATE SCHEMA store;

-- One row per ingest invocation that committed.
CREATE TABLE store.ingest_runs (
    run_id      BIGINT      NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    files       INTEGER     NOT NULL,
    inserted    INTEGER     NOT NULL,
    updated     INTEGER     NOT NULL,
    unchanged   INTEGER     NOT NULL,
    rejected    INTEGER     NOT NULL
);

-- One row per input file per run: provenance for the report appendix.
CREATE TABLE store.ingest_files (
    run_id  BIGINT  NOT NULL,
    path    VARCHAR NOT NULL,
    sha256  VARCHAR NOT NULL,
    format  VARCHAR NOT NULL,
    records INTEGER NOT NULL,
    rejects INTEGER NOT NULL
);

-- One row per case (latest version). Milestones are instants.
CREATE TABLE store.cases (
    source              VARCHAR     NOT NULL,
    case_id             VARCHAR     NOT NULL,
    title               VARCHAR,
    severity            VARCHAR,
    category            VARCHAR,
    status              VARCHAR     NOT NULL,
    excluded            BOOLEAN     NOT NULL,
    tags                VARCHAR[],
    compromise_at       TIMESTAMPTZ,
    detected_at         TIMESTAMPTZ,
    triaged_at          TIMESTAMPTZ,
    contained_at        TIMESTAMPTZ,
    eradicated_at       TIMESTAMPTZ,
    recovered_at        TIMESTAMPTZ,
    closed_at           TIMESTAMPTZ,
    root_cause_category VARCHAR,
    root_cause_summary  VARCHAR,
    root_cause_whys     VARCHAR[],
    went_well           VARCHAR[],
    needs_improvement   VARCHAR[],
    extra               VARCHAR,
    content_sha256      VARCHAR     NOT NULL,
    source_file         VARCHAR     NOT NULL,
    source_sha256       VARCHAR     NOT NULL,
    source_format       VARCHAR     NOT NULL,
    ingested_at         TIMESTAMPTZ NOT NULL
);

CREATE TABLE store.case_techniques (
    source       VARCHAR NOT NULL,
    case_id      VARCHAR NOT NULL,
    technique_id VARCHAR NOT NULL
);

CREATE TABLE store.action_items (
    source       VARCHAR NOT NULL,
    case_id      VARCHAR NOT NULL,
    position     INTEGER NOT NULL,
    item_id      VARCHAR NOT NULL,
    summary      VARCHAR,
    owner        VARCHAR,
    priority     VARCHAR,
    due_date     DATE,
    status       VARCHAR NOT NULL,
    completed_at TIMESTAMPTZ
);

CREATE TABLE store.detection_rules (
    source     VARCHAR NOT NULL,
    case_id    VARCHAR NOT NULL,
    rule_id    VARCHAR NOT NULL,
    title      VARCHAR,
    techniques VARCHAR[]
);

-- Where each milestone of each case came from (a field or a state transition).
CREATE TABLE store.milestone_sources (
    source       VARCHAR NOT NULL,
    case_id      VARCHAR NOT NULL,
    milestone    VARCHAR NOT NULL,
    source_field VARCHAR NOT NULL
);

-- Records refused by `pir ingest --skip-invalid`, with the reason.
CREATE TABLE store.rejects (
    run_id      BIGINT      NOT NULL,
    path        VARCHAR     NOT NULL,
    record      VARCHAR     NOT NULL,
    field       VARCHAR,
    reason      VARCHAR     NOT NULL,
    raw         VARCHAR,
    rejected_at TIMESTAMPTZ NOT NULL
);

-- quarter_of(ts): '2024-Q1' in the session time zone (SET TimeZone).
CREATE MACRO quarter_of(ts) AS
    CASE WHEN ts IS NULL THEN NULL
         ELSE strftime(ts, '%Y') || '-Q' || CAST(quarter(ts) AS VARCHAR) END;

-- The default metric set; `--config` may define others without touching SQL.
CREATE TABLE metric_definitions (
    position        INTEGER NOT NULL,
    metric          VARCHAR NOT NULL,
    label           VARCHAR NOT NULL,
    start_milestone VARCHAR NOT NULL,
    end_milestone   VARCHAR NOT NULL
);
INSERT INTO metric_definitions VALUES
    (1, 'dwell',     'Dwell time (MTTD)',    'compromise',  'detection'),
    (2, 'triage',    'Time to triage',       'detection',   'triage'),
    (3, 'contain',   'Time to contain (MTTC)', 'detection', 'containment'),
    (4, 'eradicate', 'Time to eradicate',    'containment', 'eradication'),
    (5, 'recover',   'Time to recover (MTTR)', 'eradication', 'recovery'),
    (6, 'resolve',   'Detection to recovery', 'detection',  'recovery'),
    (7, 'close',     'Time to close',        'detection',   'closure');

-- cases: one row per case. quarter is the cohort quarter of detected_at (or
-- of compromise_at for a case with no detection, e.g. VERIS) in the session
-- time zone.
CREATE VIEW cases AS
SELECT case_id, source, title, severity, category, status, excluded,
       compromise_at, detected_at, triaged_at, contained_at, eradicated_at,
       recovered_at, closed_at, root_cause_category,
       quarter_of(coalesce(detected_at, compromise_at)) AS quarter,
       tags, root_cause_summary, root_cause_whys, went_well, needs_improvement,
       source_file, source_sha256, source_format, ingested_at
FROM store.cases;

CREATE VIEW case_techniques AS
SELECT case_id, source, technique_id FROM store.case_techniques;

CREATE VIEW action_items AS
SELECT case_id, source, item_id, summary, owner, priority, due_date, status,
       completed_at, position
FROM store.action_items;

CREATE VIEW detection_rules AS
SELECT case_id, source, rule_id, title, techniques FROM store.detection_rules;

CREATE VIEW milestone_sources AS
SELECT case_id, source, milestone, source_field FROM store.milestone_sources;

-- case_milestones: the milestones in long form, one row per present milestone.
CREATE VIEW case_milestones AS
SELECT case_id, source, milestone, "at" FROM (
    UNPIVOT (SELECT case_id, source,
                    compromise_at AS compromise, detected_at AS detection,
                    triaged_at AS triage, contained_at AS containment,
                    eradicated_at AS eradication, recovered_at AS recovery,
                    closed_at AS closure
             FROM store.cases)
    ON compromise, detection, triage, containment, eradication, recovery, closure
    INTO NAME milestone VALUE "at");

-- milestone_at(name, …): the column of a case named by a milestone name.
CREATE MACRO milestone_at(name, compromise, detection, triage, containment, eradication, recovery, closure) AS
    CASE name WHEN 'compromise' THEN compromise WHEN 'detection' THEN detection
              WHEN 'triage' THEN triage WHEN 'containment' THEN containment
              WHEN 'eradication' THEN eradication WHEN 'recovery' THEN recovery
              WHEN 'closure' THEN closure END;

-- metric_observations(defs_json, cohort): one row per case and metric, with
-- the duration in hours when the case counts, else the exclusion reason.
-- defs_json is a JSON array of {metric, start, end}; cohort is 'detection'
-- (quarter of detected_at) or 'closure' (quarter of closed_at).
CREATE MACRO metric_observations(defs_json, cohort) AS TABLE
WITH d AS (
    SELECT unnest(from_json(defs_json::VARCHAR,
        '[{"metric":"VARCHAR","start":"VARCHAR","end":"VARCHAR"}]'), recursive := true)
), o AS (
    SELECT c.case_id, c.source, c.excluded, d.metric,
           CASE cohort WHEN 'closure' THEN quarter_of(c.closed_at)
                ELSE quarter_of(coalesce(c.detected_at, c.compromise_at)) END AS quarter,
           milestone_at(d.start, c.compromise_at, c.detected_at, c.triaged_at, c.contained_at,
                        c.eradicated_at, c.recovered_at, c.closed_at) AS start_at,
           milestone_at(d."end", c.compromise_at, c.detected_at, c.triaged_at, c.contained_at,
                        c.eradicated_at, c.recovered_at, c.closed_at) AS end_at
    FROM store.cases c CROSS JOIN d
)
SELECT case_id, source, quarter, metric, start_at, end_at,
       CASE WHEN excluded THEN 'excluded_case'
            WHEN start_at IS NULL THEN 'missing_start'
            WHEN end_at IS NULL THEN 'missing_end'
            WHEN end_at < start_at THEN 'out_of_order' END AS exclusion,
       CASE WHEN NOT excluded AND end_at >= start_at
            THEN epoch(end_at) / 3600.0 - epoch(start_at) / 3600.0 END AS hours
FROM o
WHERE quarter IS NOT NULL;

-- metric_summary(defs_json, cohort): per quarter and metric, the statistics
-- of counted durations and the exclusion counts.
CREATE MACRO metric_summary(defs_json, cohort) AS TABLE
SELECT quarter, metric,
       count(hours) AS n,
       avg(hours) AS mean_hours,
       quantile_cont(hours, 0.5) AS median_hours,
       quantile_cont(hours, 0.9) AS p90_hours,
       min(hours) AS min_hours,
       max(hours) AS max_hours,
       count(*) FILTER (WHERE exclusion = 'missing_start') AS missing_start,
       count(*) FILTER (WHERE exclusion = 'missing_end') AS missing_end,
       count(*) FILTER (WHERE exclusion = 'out_of_order') AS out_of_order,
       count(*) FILTER (WHERE exclusion = 'excluded_case') AS excluded_case
FROM metric_observations(defs_json, cohort)
GROUP BY quarter, metric;

CREATE MACRO default_metric_defs() AS (
    SELECT to_json(list({'metric': metric, 'start': start_milestone, 'end': end_milestone} ORDER BY position))::VARCHAR
    FROM metric_definitions);

-- case_durations: counted durations of the default metric set.
CREATE VIEW case_durations AS
SELECT case_id, source, quarter, metric, hours
FROM metric_observations(default_metric_defs(), 'detection')
WHERE hours IS NOT NULL;

-- quarterly_metrics: statistics per quarter and default metric.
CREATE VIEW quarterly_metrics AS
SELECT s.quarter, s.metric, s.n, s.mean_hours, s.median_hours, s.p90_hours,
       s.min_hours, s.max_hours, s.missing_start, s.missing_end, s.out_of_order,
       s.excluded_case
FROM metric_summary(default_metric_defs(), 'detection') s
JOIN metric_definitions d ON d.metric = s.metric
ORDER BY s.quarter, d.position;
