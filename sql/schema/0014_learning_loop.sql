-- 0012: the learning loop (issue 17): lessons that keep coming back, the
-- quality of root-cause chains and the blameless language of reviews.
--
-- Settings: the 5-Whys depth below which a chain is shallow. Word lists:
-- blame_words (blame on their own: "careless"), blame_after_person (blame
-- only when a person is their subject: "the admin failed to", not "the
-- firewall failed to"), person_words (roles that name a person: "the
-- user", "an analyst"), and person_things (words after a role that make it
-- a thing: "user account", "admin console"). A config replaces a list for
-- its session (Session.Tables); the rows below are the defaults.
INSERT INTO pir_settings VALUES
    ('rca_min_whys', '3', 'a case with a root cause and fewer whys than this is shallow in rca_findings (config rca_min_whys)');

CREATE TABLE blame_words (term VARCHAR NOT NULL);
INSERT INTO blame_words VALUES
    ('careless'), ('carelessly'), ('carelessness'), ('negligent'), ('negligence'), ('negligently'),
    ('human error'), ('incompetent'), ('incompetence'), ('sloppy'), ('lazy'), ('reckless'),
    ('stupid'), ('blame'), ('blamed'), ('to blame'), ('should have known better');

CREATE TABLE blame_after_person (term VARCHAR NOT NULL);
INSERT INTO blame_after_person VALUES
    ('should have'), ('shouldn''t have'), ('failed to'), ('forgot to'), ('neglected to'),
    ('fault'), ('did not bother'), ('didn''t bother'), ('ignored'), ('did not follow'),
    ('didn''t follow'), ('mistake');

CREATE TABLE person_words (term VARCHAR NOT NULL);
INSERT INTO person_words VALUES
    ('user'), ('users'), ('analyst'), ('analysts'), ('admin'), ('admins'), ('administrator'),
    ('administrators'), ('sysadmin'), ('engineer'), ('engineers'), ('employee'), ('employees'),
    ('developer'), ('developers'), ('operator'), ('operators'), ('contractor'), ('contractors'),
    ('technician'), ('intern'), ('staff member'), ('staff'), ('manager'), ('recipient'),
    ('receptionist'), ('clerk'), ('accountant'), ('colleague'), ('person'), ('individual'),
    ('team member'), ('on-call'), ('responder'), ('helpdesk agent'), ('service desk agent');

CREATE TABLE person_things (term VARCHAR NOT NULL);
INSERT INTO person_things VALUES
    ('account'), ('accounts'), ('agent'), ('agents'), ('name'), ('names'), ('interface'), ('id'),
    ('ids'), ('group'), ('groups'), ('profile'), ('profiles'), ('session'), ('sessions'),
    ('data'), ('input'), ('directory'), ('mailbox'), ('mailboxes'), ('credentials'), ('portal'),
    ('console'), ('panel'), ('rights'), ('privileges'), ('access'), ('password'), ('passwords'),
    ('login'), ('logins'), ('base'), ('guide'), ('manual'), ('training'), ('page'), ('role'),
    ('roles'), ('permissions'), ('endpoint'), ('endpoints'), ('workstation'), ('laptop'),
    ('laptops'), ('device'), ('devices'), ('shares'), ('share'), ('tools'), ('rota'),
    ('schedule'), ('phone'), ('queue');

-- re_escape(s): s as a regular expression matching itself, lower case,
-- any run of white space matching any run.
CREATE MACRO re_escape(s) AS
regexp_replace(regexp_replace(lower(trim(s)), '([.^$*+?()\[\]{}|\\])', '\\\1', 'g'), '\s+', '\\s+', 'g');

-- words_re(terms): one alternation of the terms (a list), longest first.
CREATE MACRO words_re(terms) AS
'(' || array_to_string(list_transform(list_sort(list_filter(terms, x -> trim(coalesce(x, '')) <> ''),
                                           'DESC'), x -> re_escape(x)), '|') || ')';

-- person_re(): a determiner, up to two modifiers and a person word, as
-- words ("the night-shift analyst"; "user-agent" is not "user").
CREATE MACRO person_re() AS
'(^|[^a-z0-9-])(the|a|an|our|one|that|this|their|his|her|some|every|each|any)\s+([a-z0-9-]+\s+){0,2}'
|| words_re((SELECT list(term) FROM person_words)) || '($|[^a-z0-9-])';

-- thing_re(): a person word followed by a thing word ("user account"):
-- rca_text_norm turns those into "thing" before person_re looks.
CREATE MACRO thing_re() AS
'\b' || words_re((SELECT list(term) FROM person_words)) || '[\s-]+'
|| words_re((SELECT list(term) FROM person_things)) || '\b';

-- normalise_lesson(s): the key lessons are grouped by: lower case, runs of
-- white space as one space, no leading or trailing space or trailing
-- punctuation.
CREATE MACRO normalise_lesson(s) AS
regexp_replace(lower(trim(regexp_replace(s, '\s+', ' ', 'g'))), '[\s.!?;:,…]+$', '');

-- lesson_groups: one row per lesson of a case with its group: the theme
-- the input gave it; else the theme that the same text (normalised) has
-- in other cases, the most common one; else the normalised text. label is
-- the theme, or the text as most cases spell it. quarter follows the
-- session's cohort (setting('cohort')).
CREATE VIEW lesson_groups AS
WITH l AS (
    SELECT l.case_id, l.source, l.kind, l.position, l.lesson, l.theme,
           normalise_lesson(l.lesson) AS text_key
    FROM lessons l
), text_theme AS (
    SELECT kind, text_key, arg_max(theme, n) AS theme
    FROM (SELECT kind, text_key, theme, count(*) AS n FROM l WHERE theme IS NOT NULL GROUP BY ALL)
    GROUP BY ALL
), g AS (
    SELECT l.*, coalesce(l.theme, t.theme) AS group_theme
    FROM l LEFT JOIN text_theme t USING (kind, text_key)
), spelled AS (
    SELECT kind, text_key, arg_max(s, n) AS spelling
    FROM (SELECT kind, text_key, trim(regexp_replace(lesson, '\s+', ' ', 'g')) AS s, count(*) AS n FROM l GROUP BY ALL)
    GROUP BY ALL
)
SELECT CASE setting('cohort') WHEN 'closure' THEN quarter_of(c.closed_at) ELSE c.quarter END AS quarter,
       g.case_id, g.source, g.kind, g.position, g.lesson,
       CASE WHEN g.group_theme IS NOT NULL THEN 'theme:' || lower(g.group_theme) ELSE 'text:' || g.text_key END AS lesson_key,
       coalesce(g.group_theme, s.spelling) AS label,
       g.group_theme IS NOT NULL AS themed
FROM g JOIN cases c USING (source, case_id)
LEFT JOIN spelled s USING (kind, text_key);

-- lesson_frequency: one row per quarter, kind and lesson group with the
-- number of distinct cases that recorded it (a case naming it twice
-- counts once). lesson is the group's label (lesson_groups), lesson_key
-- what groups it, themed whether it is a theme.
CREATE VIEW lesson_frequency AS
SELECT quarter, kind, any_value(label ORDER BY label) AS lesson, lesson_key, bool_or(themed) AS themed,
       count(DISTINCT (source, case_id)) AS cases
FROM (SELECT quarter, kind, lesson_key, themed, source, case_id,
             first_value(label) OVER (PARTITION BY kind, lesson_key ORDER BY label) AS label
      FROM lesson_groups WHERE quarter IS NOT NULL)
GROUP BY quarter, kind, lesson_key;

-- case_people: the personal names a case mentions as owners (action items,
-- playbook updates) or facilitator: two or three capitalised words none
-- of which names a team ("Priya Raman", not "Incident Manager").
CREATE VIEW case_people AS
WITH n AS (
    SELECT source, case_id, owner AS name FROM action_items
    UNION SELECT source, case_id, owner FROM playbook_updates
    UNION SELECT source, case_id, review_facilitator FROM cases
)
SELECT DISTINCT source, case_id, trim(name) AS name
FROM n
WHERE regexp_full_match(trim(name), '\p{Lu}[\p{L}''.-]+(\s+\p{Lu}[\p{L}''.-]+){1,2}')
  AND NOT regexp_matches(trim(name), '\b(Team|Office|Operations|Management|Manager|Security|Engineering|Desk|Services|Service|Group|Owner|Lead|Awareness|Legal|IT|SOC|CISO|CIO|CTO|Workplace|Infrastructure|Detection|Response|Incident|Center|Centre|Unit|Department|Board|Committee|Admin|Support|Network|Cloud|Identity|Platform|Vulnerability|Privacy|Compliance|Risk|Finance|HR|Facilities|Helpdesk|Officer|Counsel|Communications|Data|Protection|Governance|Architecture|Procurement|Vendor|Partner)\b');

-- rca_texts: the review texts rca_findings reads, one row per text: each
-- why (where 'why 1' …), the root-cause summary ('summary') and each
-- lesson ('went well 1', 'needs improvement 2').
CREATE VIEW rca_texts AS
SELECT source, case_id, 'why ' || i AS place, root_cause_whys[i] AS text
FROM (SELECT source, case_id, root_cause_whys, generate_subscripts(root_cause_whys, 1) AS i FROM cases WHERE len(root_cause_whys) > 0)
UNION ALL
SELECT source, case_id, 'summary', root_cause_summary FROM cases WHERE root_cause_summary IS NOT NULL
UNION ALL
SELECT source, case_id, replace(kind, '_', ' ') || ' ' || position, lesson FROM lessons;

-- rca_findings: one row per root-cause quality or blameless-language
-- finding of a case (any quarter; quarter follows the session's cohort,
-- excluded says whether the case is left out of metrics):
-- * shallow: a root cause (category or summary) with fewer whys than
--   setting('rca_min_whys'); detail "2 whys".
-- * ends-at-person: the last why names a person: a role as a word after a
--   determiner ("the user", "an analyst"; person_words, not followed by a
--   person_things word) or a name of case_people; detail "why 4: <the why>".
-- * blame-language: a blame_words term as words, or a blame_after_person
--   term within the sentence after a person, in a why, the summary or a
--   lesson; detail '"careless" in why 5'.
CREATE VIEW rca_findings AS
WITH c AS (
    SELECT source, case_id, excluded, root_cause_whys AS whys,
           CASE setting('cohort') WHEN 'closure' THEN quarter_of(closed_at) ELSE quarter END AS quarter,
           root_cause_category IS NOT NULL OR root_cause_summary IS NOT NULL AS has_root_cause
    FROM cases
), re AS (
    SELECT person_re() AS person, thing_re() AS thing,
           '\b' || words_re((SELECT list(term) FROM blame_words)) || '\b' AS blame,
           '\b' || words_re((SELECT list(term) FROM blame_after_person)) || '\b' AS after
), t AS (
    SELECT t.source, t.case_id, t.place, t.text,
           regexp_replace(lower(t.text), re.thing, 'thing', 'g') AS norm
    FROM rca_texts t, re WHERE t.text IS NOT NULL
), f AS (
    SELECT source, case_id, 'shallow' AS finding,
           len(coalesce(whys, [])) || CASE len(coalesce(whys, [])) WHEN 1 THEN ' why' ELSE ' whys' END AS detail
    FROM c
    WHERE has_root_cause AND len(coalesce(whys, [])) < coalesce(TRY_CAST(setting('rca_min_whys') AS INTEGER), 3)
    UNION ALL
    SELECT t.source, t.case_id, 'ends-at-person', t.place || ': ' || t.text
    FROM t JOIN c USING (source, case_id) CROSS JOIN re
    WHERE t.place = 'why ' || len(c.whys)
      AND (regexp_matches(t.norm, re.person)
           OR EXISTS (SELECT 1 FROM case_people p
                      WHERE p.source = t.source AND p.case_id = t.case_id
                        AND (regexp_matches(t.norm, '(^|[^\p{L}])' || re_escape(p.name) || '($|[^\p{L}])')
                             OR regexp_matches(t.text, '(^|[^\p{L}])' || regexp_extract(p.name, '^\S+') || '($|[^\p{L}])'))))
    UNION ALL
    SELECT t.source, t.case_id, 'blame-language',
           '"' || coalesce(nullif(regexp_extract(t.norm, re.blame, 1), ''),
                           regexp_extract(t.norm, re.person || '[^.;!?]{0,40}' || re.after, 6)) || '" in ' || t.place
    FROM t, re
    WHERE regexp_matches(t.norm, re.blame) OR regexp_matches(t.norm, re.person || '[^.;!?]{0,40}' || re.after)
)
SELECT f.case_id, f.source, c.quarter, c.excluded, f.finding, f.detail
FROM f JOIN c USING (source, case_id);

-- Review timeliness: were the reviews of the closed cases held, and within
-- how long of closure.
INSERT INTO pir_settings VALUES
    ('review_within_days', '14', 'a review held within this many days of closure is on time in review_timeliness (config [learning] review_within)'),
    ('review_min_severity', 'medium', 'the least severe closed case review_timeliness expects a review for (config [learning] review_min_severity)');

-- review_timeliness: one row per quarter of closure with a closed case of
-- severity setting('review_min_severity') or worse, excluded cases
-- (exercises, tests, false positives) left out: closed_cases; reviewed,
-- those whose review is held or published with a held_at;
-- reviewed_within_target, those held at most setting('review_within_days')
-- days after closure; median_days_to_review over the reviewed ones (a
-- review held before closure counts 0 days).
CREATE VIEW review_timeliness AS
WITH c AS (
    SELECT quarter_of(closed_at) AS quarter,
           review_status IN ('held', 'published') AND review_held_at IS NOT NULL AS reviewed,
           greatest(epoch(review_held_at) - epoch(closed_at), 0) / 86400.0 AS days
    FROM cases
    WHERE closed_at IS NOT NULL AND NOT excluded
      AND severity_rank(severity) <= severity_rank(coalesce(setting('review_min_severity'), 'medium'))
)
SELECT quarter, count(*) AS closed_cases,
       count(*) FILTER (WHERE reviewed) AS reviewed,
       count(*) FILTER (WHERE reviewed AND days <= coalesce(TRY_CAST(setting('review_within_days') AS DOUBLE), 14)) AS reviewed_within_target,
       median(days) FILTER (WHERE reviewed) AS median_days_to_review
FROM c
GROUP BY quarter;
