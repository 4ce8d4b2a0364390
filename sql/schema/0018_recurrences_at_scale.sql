-- recurrences over a million cases: the same rows as 0011, in 9.7 s and
-- 1.3 GB instead of 65 s and 6.7 GB (1,000,000 generated cases, 116,463
-- recurrences, md5 of every row equal).
-- * recurrence_keys joins its two parts with UNION ALL: they cannot share a
--   row ('technique:' and 'asset:' keys), and each part is already
--   distinct, so the UNION's second de-duplication of 4.2 M rows was
--   wasted (15.7 s to 3.0 s).
-- * recurrences reads the keys once (MATERIALIZED) for both sides.
-- * Many fixes share a time (the action items of different cases completed
--   on the same day): joining each case's latest fix back to every earlier
--   case with that category, key and time multiplied the rows before the
--   tie-break; the tie-break (the earliest source and case id) is now taken
--   per category, key and time first, which picks the same earlier case.

CREATE OR REPLACE VIEW recurrence_keys AS
SELECT DISTINCT source, case_id, 'technique:' || coalesce(parent_id, technique_id) AS key
FROM technique_observations_of('detection') WHERE NOT excluded
UNION ALL
SELECT DISTINCT source, case_id, 'asset:' || asset_key FROM case_assets;

-- recurrences: as defined in 0011.
CREATE OR REPLACE VIEW recurrences AS
WITH k AS MATERIALIZED (
    SELECT source, case_id, key FROM recurrence_keys
), x AS (
    SELECT c.source, c.case_id, c.root_cause_category, c.detected_at, k.key
    FROM cases c JOIN k USING (source, case_id)
    WHERE NOT c.excluded AND c.root_cause_category IS NOT NULL AND c.detected_at IS NOT NULL
), f AS MATERIALIZED (
    SELECT f.source, f.case_id, f.root_cause_category, f.fixed_at, k.key
    FROM case_fixes f JOIN k USING (source, case_id)
), latest AS (
    -- per case and key, the last fix of its category before its detection
    -- (a case never matches itself: its own fix is not before its detection)
    SELECT x.source, x.case_id, x.root_cause_category, x.detected_at, x.key, f.fixed_at
    FROM x ASOF JOIN f
      ON x.root_cause_category = f.root_cause_category AND x.key = f.key AND x.detected_at > f.fixed_at
), first_fix AS (
    -- per category, key and fix time, the earliest source and case id
    SELECT root_cause_category, key, fixed_at, min({'source': source, 'case_id': case_id}) AS earlier
    FROM f GROUP BY root_cause_category, key, fixed_at
), hit AS (
    SELECT l.source, l.case_id, l.root_cause_category, l.detected_at, l.fixed_at,
           e.earlier.source AS earlier_source, e.earlier.case_id AS earlier_case_id
    FROM latest l JOIN first_fix e
      ON e.root_cause_category = l.root_cause_category AND e.key = l.key AND e.fixed_at = l.fixed_at
    WHERE l.detected_at <= l.fixed_at + to_microseconds(CAST(duration_hours(setting('recurrence_window')) * 3600e6 AS BIGINT))
)
SELECT case_id, source, earlier_case_id, earlier_source, root_cause_category, fixed_at,
       (epoch_us(detected_at) - epoch_us(fixed_at)) / 86400e6 AS days_after_fix
FROM hit
QUALIFY row_number() OVER (PARTITION BY source, case_id
                           ORDER BY fixed_at DESC, earlier_source, earlier_case_id) = 1
ORDER BY source, case_id;
