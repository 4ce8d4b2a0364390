-- The milestone sources of a canonical case (source_format 'pir') are
-- a function of its milestones: each present milestone comes from the field
-- "timeline.<milestone>". They are derived in the view milestone_sources
-- instead of being stored, a row per milestone of every case, by `pir
-- ingest`; store.milestone_sources keeps the sources of imported cases (an
-- export field or state transition, which only the importer knows). The
-- view's rows are the same as before.

DELETE FROM store.milestone_sources m USING store.cases c
WHERE c.source = m.source AND c.case_id = m.case_id AND c.source_format = 'pir'
  AND m.source_field = 'timeline.' || m.milestone;

CREATE OR REPLACE VIEW milestone_sources AS
SELECT case_id, source, milestone, source_field FROM store.milestone_sources
UNION ALL
SELECT case_id, source, milestone, 'timeline.' || milestone AS source_field
FROM (UNPIVOT (SELECT case_id, source, compromise_at AS compromise, detected_at AS detection,
                      triaged_at AS triage, contained_at AS containment, eradicated_at AS eradication,
                      recovered_at AS recovery, closed_at AS closure
               FROM store.cases WHERE source_format = 'pir')
      ON compromise, detection, triage, containment, eradication, recovery, closure
      INTO NAME milestone VALUE "at");
