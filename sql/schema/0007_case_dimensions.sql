-- 0007: the case's dimensions and review follow-through, the optional
-- canonical fields that recurrence (issue 15), the learning loop (issue 17)
-- and sliced reports (issue 20) are computed from: affected assets,
-- platforms, owning team, business unit, tenant, who detected it, impact,
-- the review meeting, playbook updates, detection-rule status and Sigma id,
-- lesson themes. All columns are NULL for cases stored before (and for
-- cases that do not give them); their digests do not change, so re-ingesting
-- old data reports them unchanged.

-- Scalars and short lists of a case live on its row.
ALTER TABLE store.cases ADD COLUMN assets VARCHAR[];
ALTER TABLE store.cases ADD COLUMN platforms VARCHAR[];
ALTER TABLE store.cases ADD COLUMN team VARCHAR;
ALTER TABLE store.cases ADD COLUMN business_unit VARCHAR;
ALTER TABLE store.cases ADD COLUMN tenant VARCHAR;
ALTER TABLE store.cases ADD COLUMN detection_source VARCHAR;
ALTER TABLE store.cases ADD COLUMN impact_records BIGINT;
ALTER TABLE store.cases ADD COLUMN impact_cost DOUBLE;
ALTER TABLE store.cases ADD COLUMN impact_currency VARCHAR;
ALTER TABLE store.cases ADD COLUMN impact_downtime_hours DOUBLE;
ALTER TABLE store.cases ADD COLUMN impact_regulator_notified BOOLEAN;
ALTER TABLE store.cases ADD COLUMN impact_customers_notified BOOLEAN;
ALTER TABLE store.cases ADD COLUMN review_status VARCHAR;
ALTER TABLE store.cases ADD COLUMN review_held_at TIMESTAMPTZ;
ALTER TABLE store.cases ADD COLUMN review_published_at TIMESTAMPTZ;
ALTER TABLE store.cases ADD COLUMN review_facilitator VARCHAR;
-- The theme of each lesson, parallel to went_well / needs_improvement (''
-- where a lesson has none); NULL when no lesson of the list has a theme.
ALTER TABLE store.cases ADD COLUMN went_well_themes VARCHAR[];
ALTER TABLE store.cases ADD COLUMN needs_improvement_themes VARCHAR[];

ALTER TABLE store.detection_rules ADD COLUMN status VARCHAR;
ALTER TABLE store.detection_rules ADD COLUMN sigma_id VARCHAR;

-- One row per playbook update of a case, in input order; replaced with it.
CREATE TABLE store.playbook_updates (
    source       VARCHAR NOT NULL,
    case_id      VARCHAR NOT NULL,
    position     INTEGER NOT NULL,
    playbook     VARCHAR NOT NULL,
    change       VARCHAR,
    owner        VARCHAR,
    due_date     DATE,
    status       VARCHAR NOT NULL,
    completed_at TIMESTAMPTZ
);

-- cases: as in 0001, the new columns appended (existing ones keep their
-- names, order and meaning).
CREATE OR REPLACE VIEW cases AS
SELECT case_id, source, title, severity, category, status, excluded,
       compromise_at, detected_at, triaged_at, contained_at, eradicated_at,
       recovered_at, closed_at, root_cause_category,
       quarter_of(coalesce(detected_at, compromise_at)) AS quarter,
       tags, root_cause_summary, root_cause_whys, went_well, needs_improvement,
       source_file, source_sha256, source_format, ingested_at,
       team, business_unit, tenant, detection_source,
       coalesce(assets, []) AS assets, coalesce(platforms, []) AS platforms,
       review_status, review_held_at, review_published_at, review_facilitator,
       impact_records, impact_cost, impact_currency, impact_downtime_hours,
       impact_regulator_notified, impact_customers_notified
FROM store.cases;

-- detection_rules: as in 0001 plus the deployment status (NULL: unknown)
-- and the Sigma rule id.
CREATE OR REPLACE VIEW detection_rules AS
SELECT case_id, source, rule_id, title, techniques, status, sigma_id
FROM store.detection_rules;

-- case_assets: one row per affected asset of a case, in input order.
-- asset_key (lower case) is what joins the same asset across cases.
CREATE VIEW case_assets AS
SELECT case_id, source, position, asset, lower(asset) AS asset_key
FROM (SELECT case_id, source, unnest(assets) AS asset, generate_subscripts(assets, 1) AS position
      FROM store.cases WHERE len(assets) > 0);

-- case_platforms: one row per platform of a case.
CREATE VIEW case_platforms AS
SELECT case_id, source, unnest(platforms) AS platform
FROM store.cases WHERE len(platforms) > 0;

-- lessons: one row per lesson of a case, kind 'went_well' or
-- 'needs_improvement', position in the case's list, the text and its theme
-- (NULL when none).
CREATE VIEW lessons AS
WITH l AS (
    SELECT case_id, source, 'went_well' AS kind, went_well AS texts, went_well_themes AS themes
    FROM store.cases WHERE len(went_well) > 0
    UNION ALL
    SELECT case_id, source, 'needs_improvement', needs_improvement, needs_improvement_themes
    FROM store.cases WHERE len(needs_improvement) > 0
), u AS (
    SELECT case_id, source, kind, themes, unnest(texts) AS lesson, generate_subscripts(texts, 1) AS position
    FROM l
)
SELECT case_id, source, kind, position, lesson, nullif(themes[position], '') AS theme
FROM u;

-- playbook_updates: one row per playbook update.
CREATE VIEW playbook_updates AS
SELECT case_id, source, position, playbook, change, owner, due_date, status, completed_at
FROM store.playbook_updates;

-- case_impact: one row per case that records any impact figure.
CREATE VIEW case_impact AS
SELECT case_id, source, quarter_of(coalesce(detected_at, compromise_at)) AS quarter,
       impact_records AS records, impact_cost AS cost, impact_currency AS currency,
       impact_downtime_hours AS downtime_hours,
       impact_regulator_notified AS regulator_notified,
       impact_customers_notified AS customers_notified
FROM store.cases
WHERE impact_records IS NOT NULL OR impact_cost IS NOT NULL OR impact_currency IS NOT NULL
   OR impact_downtime_hours IS NOT NULL OR impact_regulator_notified IS NOT NULL
   OR impact_customers_notified IS NOT NULL;

-- case_reviews: one row per case that records a review, with the case's
-- closure (timeliness is measured from it).
CREATE VIEW case_reviews AS
SELECT case_id, source, quarter_of(coalesce(detected_at, compromise_at)) AS quarter,
       review_status AS status, review_held_at AS held_at,
       review_published_at AS published_at, review_facilitator AS facilitator,
       closed_at
FROM store.cases
WHERE review_status IS NOT NULL;
