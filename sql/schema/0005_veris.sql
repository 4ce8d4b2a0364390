-- 0005: VERIS timeline buckets. VERIS (VCDB, DBIR data) gives no exact
-- timestamps: each timeline phase is a {unit, value} duration, and the value
-- is often missing ("discovered in Months"). `pir ingest --format veris`
-- derives a timestamp only when a value is given (store.cases) and keeps
-- every phase as given here, so DBIR-style distributions ("share of
-- incidents discovered in days or less, per year") can be shown. Written
-- only by `pir ingest`, replaced with its case.

-- One row per VERIS case and timeline phase present in the record.
CREATE TABLE store.veris_timeline (
    source  VARCHAR NOT NULL,
    case_id VARCHAR NOT NULL,
    phase   VARCHAR NOT NULL, -- compromise | exfiltration | discovery | containment
    unit    VARCHAR NOT NULL, -- Seconds | Minutes | Hours | Days | Weeks | Months | Years | Never | NA | Unknown
    value   DOUBLE,           -- the value in unit, when given
    hours   DOUBLE            -- value in hours (1 month = 30.44 days, 1 year = 365.25 days)
);

-- veris_unit_rank(unit): the order of the units on a distribution axis
-- (Seconds = 1 … Years = 7, Never = 8); NULL for NA and Unknown.
CREATE MACRO veris_unit_rank(unit) AS
    list_position(['Seconds', 'Minutes', 'Hours', 'Days', 'Weeks', 'Months', 'Years', 'Never'], unit);

-- veris_incidents: one row per VERIS case, with its incident date as far as
-- it is known and its cohort: the incident quarter ('2019-Q2'), or the year
-- ('2019') when the month is unknown. (cases.compromise_at holds the start
-- of that period: 1 January for a year-only date.)
CREATE VIEW veris_incidents AS
SELECT case_id, source,
       TRY_CAST(json_extract_string(extra, '$.incident_date.year') AS INTEGER) AS incident_year,
       TRY_CAST(json_extract_string(extra, '$.incident_date.month') AS INTEGER) AS incident_month,
       TRY_CAST(json_extract_string(extra, '$.incident_date.day') AS INTEGER) AS incident_day,
       json_extract_string(extra, '$.incident_date.precision') AS precision,
       CASE WHEN json_extract_string(extra, '$.incident_date.month') IS NULL
            THEN json_extract_string(extra, '$.incident_date.year')
            ELSE json_extract_string(extra, '$.incident_date.year') || '-Q' ||
                 CAST((TRY_CAST(json_extract_string(extra, '$.incident_date.month') AS INTEGER) + 2) // 3 AS VARCHAR)
       END AS cohort,
       compromise_at, detected_at, contained_at
FROM store.cases
WHERE source_format = 'veris';

-- veris_timeline: one row per VERIS case and phase, as given, with the
-- unit's rank and the incident year for distributions.
CREATE VIEW veris_timeline AS
SELECT t.case_id, t.source, t.phase, t.unit, t.value, t.hours,
       veris_unit_rank(t.unit) AS unit_rank, i.incident_year, i.cohort
FROM store.veris_timeline t
JOIN veris_incidents i ON i.source = t.source AND i.case_id = t.case_id;

-- veris_timeline_shares: per phase, incident year and unit, the number of
-- cases, their share of the cases whose unit is known (NA and Unknown are
-- left out of the denominator) and the cumulative share up to this unit
-- (e.g. discovery, unit Days: the share discovered in days or less).
CREATE VIEW veris_timeline_shares AS
SELECT phase, incident_year, unit, unit_rank, cases,
       cases / sum(cases) OVER (PARTITION BY phase, incident_year) AS share,
       sum(cases) OVER (PARTITION BY phase, incident_year ORDER BY unit_rank)
           / sum(cases) OVER (PARTITION BY phase, incident_year) AS cumulative_share
FROM (SELECT phase, incident_year, unit, unit_rank, count(*) AS cases
      FROM veris_timeline
      WHERE unit_rank IS NOT NULL
      GROUP BY phase, incident_year, unit, unit_rank);
