-- ingest_stage: creates the connection's temporary staging tables that one
-- `pir ingest` appends to inside its transaction, for the cases it cannot
-- write straight to the store (ones that may exist there, or repeat a key
-- of the run). stage_keys has a row per staged record, seq orders them as
-- read (the last occurrence of a (source, case_id) wins); full says whether
-- its rows are in the other tables (false: found unchanged by digest). The
-- run's files and rejects are staged too. stage_probe holds the keys the
-- loader asks the store about in batches (ingest_probe.sql) when it reads
-- a file that is small next to the store. No parameters.
CREATE OR REPLACE TEMP TABLE stage_keys (
    seq BIGINT, source VARCHAR, case_id VARCHAR, content_sha256 VARCHAR, "full" BOOLEAN);
CREATE OR REPLACE TEMP TABLE stage_cases (
    seq BIGINT, source VARCHAR, case_id VARCHAR, title VARCHAR, severity VARCHAR,
    category VARCHAR, status VARCHAR, excluded BOOLEAN, tags VARCHAR[],
    compromise_at TIMESTAMPTZ, detected_at TIMESTAMPTZ, triaged_at TIMESTAMPTZ,
    contained_at TIMESTAMPTZ, eradicated_at TIMESTAMPTZ, recovered_at TIMESTAMPTZ,
    closed_at TIMESTAMPTZ, root_cause_category VARCHAR, root_cause_summary VARCHAR,
    root_cause_whys VARCHAR[], went_well VARCHAR[], needs_improvement VARCHAR[],
    extra VARCHAR, content_sha256 VARCHAR, source_file VARCHAR, source_format VARCHAR,
    assets VARCHAR[], platforms VARCHAR[], team VARCHAR, business_unit VARCHAR,
    tenant VARCHAR, detection_source VARCHAR, impact_records BIGINT, impact_cost DOUBLE,
    impact_currency VARCHAR, impact_downtime_hours DOUBLE, impact_regulator_notified BOOLEAN,
    impact_customers_notified BOOLEAN, review_status VARCHAR, review_held_at TIMESTAMPTZ,
    review_published_at TIMESTAMPTZ, review_facilitator VARCHAR, went_well_themes VARCHAR[],
    needs_improvement_themes VARCHAR[]);
CREATE OR REPLACE TEMP TABLE stage_techniques (seq BIGINT, technique_id VARCHAR);
CREATE OR REPLACE TEMP TABLE stage_actions (
    seq BIGINT, position INTEGER, item_id VARCHAR, summary VARCHAR, owner VARCHAR,
    priority VARCHAR, due_date DATE, status VARCHAR, completed_at TIMESTAMPTZ);
CREATE OR REPLACE TEMP TABLE stage_rules (
    seq BIGINT, rule_id VARCHAR, title VARCHAR, techniques VARCHAR[], status VARCHAR, sigma_id VARCHAR);
CREATE OR REPLACE TEMP TABLE stage_playbooks (
    seq BIGINT, position INTEGER, playbook VARCHAR, change VARCHAR, owner VARCHAR,
    due_date DATE, status VARCHAR, completed_at TIMESTAMPTZ);
CREATE OR REPLACE TEMP TABLE stage_sources (seq BIGINT, milestone VARCHAR, source_field VARCHAR);
CREATE OR REPLACE TEMP TABLE stage_veris (seq BIGINT, phase VARCHAR, unit VARCHAR, value DOUBLE, hours DOUBLE);
CREATE OR REPLACE TEMP TABLE stage_rejects (
    run_id BIGINT, path VARCHAR, record VARCHAR, field VARCHAR, reason VARCHAR,
    raw VARCHAR, rejected_at TIMESTAMPTZ);
CREATE OR REPLACE TEMP TABLE stage_probe (batch INTEGER, source VARCHAR, case_id VARCHAR);
CREATE OR REPLACE TEMP TABLE stage_files (
    run_id BIGINT, path VARCHAR, sha256 VARCHAR, format VARCHAR, records INTEGER,
    rejects INTEGER, ingested_at TIMESTAMPTZ);
