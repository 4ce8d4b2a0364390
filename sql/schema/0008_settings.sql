-- Session settings: the configuration that views and macros read.
--
-- pir_settings holds one row per setting with its default value. A command
-- given a config file or a flag (pir run, report, metrics, mail, review, and
-- pir query --config) shadows it on every connection with a TEMP table of
-- the same name holding the overridden values, so a view that reads
-- setting('cohort') sees what the report uses; the file itself is never
-- changed. docs/schema.md lists the keys.
CREATE TABLE pir_settings (
    key         VARCHAR NOT NULL PRIMARY KEY,
    value       VARCHAR,
    description VARCHAR NOT NULL
);
INSERT INTO pir_settings VALUES
    ('cohort', 'detection', 'which quarter a case belongs to: detection (the quarter it was detected in) or closure (config cohort, --cohort)'),
    ('quarters', '8', 'trailing quarters in the report''s trends (config quarters, --quarters)');

-- setting(name): the value of a setting in this session, NULL for an
-- unknown key.
CREATE MACRO setting(name) AS (SELECT value FROM pir_settings WHERE key = name);
