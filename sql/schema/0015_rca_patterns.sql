-- rca_findings with patterns DuckDB compiles once per query instead of once
-- per row. 0014's view read its four regular expressions from a CTE, so
-- every regexp_* call met a pattern that is not constant and compiled the
-- whole alternation of word lists again for each text: 59 s for the 70,000
-- texts of 10,000 cases. Here the patterns come from four macros. In the
-- database they compute the pattern from the word tables (what any client,
-- the DuckDB shell included, gets); each connection pir opens shadows them
-- with TEMP macros whose body is the same pattern as a literal, computed
-- after the session's word lists are in place (sql/session.go), so the
-- pattern is a constant and compiled once. A personal name's pattern
-- differs per row; it is only tried on the texts that contain the name's
-- first word. The findings are the same (10,000 cases: 59 s before, under
-- 1 s after).

-- rca_person_re(): person_re() (a role after a determiner, as words).
CREATE MACRO rca_person_re() AS person_re();
-- rca_thing_re(): thing_re() (a role followed by a thing: "user account").
CREATE MACRO rca_thing_re() AS thing_re();
-- rca_blame_re(): a blame_words term as words.
CREATE MACRO rca_blame_re() AS '\b' || words_re((SELECT list(term) FROM blame_words)) || '\b';
-- rca_blame_after_person_re(): a person, then within the sentence (40
-- characters at most) a blame_after_person term as words; group 6 is the
-- term.
CREATE MACRO rca_blame_after_person_re() AS
person_re() || '[^.;!?]{0,40}' || '\b' || words_re((SELECT list(term) FROM blame_after_person)) || '\b';

-- rca_findings: as in 0014 (the definition of each finding is there).
CREATE OR REPLACE VIEW rca_findings AS
WITH c AS (
    SELECT source, case_id, excluded, root_cause_whys AS whys,
           CASE setting('cohort') WHEN 'closure' THEN quarter_of(closed_at) ELSE quarter END AS quarter,
           root_cause_category IS NOT NULL OR root_cause_summary IS NOT NULL AS has_root_cause
    FROM cases
), t AS (
    SELECT t.source, t.case_id, t.place, t.text,
           regexp_replace(lower(t.text), rca_thing_re(), 'thing', 'g') AS norm
    FROM rca_texts t WHERE t.text IS NOT NULL
), f AS (
    SELECT source, case_id, 'shallow' AS finding,
           len(coalesce(whys, [])) || CASE len(coalesce(whys, [])) WHEN 1 THEN ' why' ELSE ' whys' END AS detail
    FROM c
    WHERE has_root_cause AND len(coalesce(whys, [])) < coalesce(TRY_CAST(setting('rca_min_whys') AS INTEGER), 3)
    UNION ALL
    SELECT t.source, t.case_id, 'ends-at-person', t.place || ': ' || t.text
    FROM t JOIN c USING (source, case_id)
    WHERE t.place = 'why ' || len(c.whys)
      AND (regexp_matches(t.norm, rca_person_re())
           OR EXISTS (SELECT 1 FROM case_people p
                      WHERE p.source = t.source AND p.case_id = t.case_id
                        -- a pattern per name is compiled per row: only for
                        -- the texts that hold the name's first word at all
                        AND (contains(lower(t.text), lower(regexp_extract(p.name, '^\S+')))
                             OR contains(t.norm, lower(regexp_extract(p.name, '^\S+'))))
                        AND (regexp_matches(t.norm, '(^|[^\p{L}])' || re_escape(p.name) || '($|[^\p{L}])')
                             OR regexp_matches(t.text, '(^|[^\p{L}])' || regexp_extract(p.name, '^\S+') || '($|[^\p{L}])'))))
    UNION ALL
    SELECT source, case_id, 'blame-language',
           '"' || coalesce(nullif(regexp_extract(norm, rca_blame_re(), 1), ''),
                           regexp_extract(norm, rca_blame_after_person_re(), 6)) || '" in ' || place
    FROM t
    WHERE regexp_matches(norm, rca_blame_re()) OR regexp_matches(norm, rca_blame_after_person_re())
)
SELECT f.case_id, f.source, c.quarter, c.excluded, f.finding, f.detail
FROM f JOIN c USING (source, case_id);
