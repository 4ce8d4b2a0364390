-- lessons: one row per lesson group (lesson_groups: a theme, or a text
-- normalised) recorded in the report quarter, per kind: the cases of the
-- quarter that recorded it, those of the previous quarter, in how many of
-- the trailing quarters it was recorded, the first quarter it ever was (up
-- to the report quarter), its texts this quarter (one spelling per normalised
-- text, most cases first, at most 3) and its case references (the first $5 in order).
-- $1 cohort; $2 report quarter; $3 first trailing quarter; $4 how many
-- groups per kind; $5 how many case IDs; $6 the quarter before $2.
WITH g AS (
    SELECT c.quarter, g.kind, g.lesson_key, g.label, g.themed, g.source, g.case_id,
           trim(regexp_replace(g.lesson, '\s+', ' ', 'g')) AS text, normalise_lesson(g.lesson) AS text_key
    FROM lesson_groups g JOIN cohort_cases($1::VARCHAR) c USING (source, case_id)
    WHERE c.quarter <= $2::VARCHAR
), cur AS (
    SELECT kind, lesson_key, min(label) AS label, bool_or(themed) AS themed,
           count(DISTINCT (source, case_id)) AS cases,
           to_json(list(DISTINCT case_ref(source, case_id) ORDER BY case_ref(source, case_id))[1:$5::BIGINT])::VARCHAR AS case_ids
    FROM g WHERE quarter = $2::VARCHAR
    GROUP BY kind, lesson_key
), spellings AS (
    SELECT kind, lesson_key,
           to_json(list(text ORDER BY n DESC, text)[1:3])::VARCHAR AS texts
    FROM (SELECT kind, lesson_key, mode(text) AS text, count(DISTINCT (source, case_id)) AS n
          FROM g WHERE quarter = $2::VARCHAR GROUP BY kind, lesson_key, text_key)
    GROUP BY kind, lesson_key
), hist AS (
    SELECT kind, lesson_key,
           count(DISTINCT (source, case_id)) FILTER (WHERE quarter = $6::VARCHAR) AS previous,
           count(DISTINCT quarter) FILTER (WHERE quarter >= $3::VARCHAR) AS quarters_seen,
           min(quarter) AS first_quarter
    FROM g GROUP BY kind, lesson_key
), ranked AS (
    SELECT cur.*, h.previous, h.quarters_seen, h.first_quarter, s.texts,
           row_number() OVER (PARTITION BY cur.kind ORDER BY cur.cases DESC, h.quarters_seen DESC, cur.label) AS rank
    FROM cur JOIN hist h USING (kind, lesson_key) JOIN spellings s USING (kind, lesson_key)
)
SELECT kind, lesson_key, label, themed, cases, previous, quarters_seen, first_quarter, texts, case_ids
FROM ranked
WHERE rank <= $4::BIGINT
ORDER BY kind DESC, rank;
