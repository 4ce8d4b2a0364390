package sql

// The queries of `pir ingest`, each with its typed Go function (sqlc's
// habit), and the typed row writer over DuckDB's Appender. Package ingest
// runs one IngestTx per invocation: it names no table, column or SQL
// statement of its own, so a schema change breaks this package's build or
// its tests (TestIngestWriterColumns), not a load.

import (
	"context"
	stdsql "database/sql"
	"database/sql/driver"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

//go:embed queries/ingest_next_run.sql
var ingestNextRun string

//go:embed queries/ingest_stored_cases.sql
var ingestStoredCases string

//go:embed queries/ingest_stored_digests.sql
var ingestStoredDigests string

//go:embed queries/ingest_probe.sql
var ingestProbe string

//go:embed queries/ingest_stage.sql
var ingestStage string

//go:embed queries/ingest_latest.sql
var ingestLatest string

//go:embed queries/ingest_classify.sql
var ingestClassify string

//go:embed queries/ingest_merge.sql
var ingestMerge string

//go:embed queries/ingest_finish.sql
var ingestFinish string

//go:embed queries/ingest_run.sql
var ingestRun string

// The statements that open and end the ingest transaction.
const (
	beginTransaction = "BEGIN TRANSACTION"
	commit           = "COMMIT"
	rollback         = "ROLLBACK"
)

// IngestTx is the one transaction of a `pir ingest` invocation, on a
// connection of its own (the staging tables are temporary tables of that
// connection, the Appenders need its driver connection). Either Commit
// makes all of it visible or Close rolls all of it back.
type IngestTx struct {
	conn      *stdsql.Conn
	committed bool
}

// BeginIngest opens the ingest transaction.
func BeginIngest(ctx context.Context, db *DB) (*IngestTx, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, beginTransaction); err != nil {
		conn.Close()
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &IngestTx{conn: conn}, nil
}

// Commit commits the transaction.
func (t *IngestTx) Commit(ctx context.Context) error {
	if _, err := t.conn.ExecContext(ctx, commit); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	t.committed = true
	return nil
}

// Close rolls the transaction back unless it was committed (not under ctx:
// a cancelled ingest must still roll back) and returns the connection.
func (t *IngestTx) Close() error {
	if !t.committed {
		t.conn.ExecContext(context.Background(), rollback)
	}
	return t.conn.Close()
}

// NextRunID is the run_id of this ingest: one more than any run or reject
// recorded (ingest_next_run.sql).
func (t *IngestTx) NextRunID(ctx context.Context) (int64, error) {
	var id int64
	if err := t.conn.QueryRowContext(ctx, ingestNextRun).Scan(&id); err != nil {
		return 0, fmt.Errorf("query ingest_next_run: %w", err)
	}
	return id, nil
}

// StoredCases is the number of cases in the store (ingest_stored_cases.sql).
func (t *IngestTx) StoredCases(ctx context.Context) (int64, error) {
	var n int64
	if err := t.conn.QueryRowContext(ctx, ingestStoredCases).Scan(&n); err != nil {
		return 0, fmt.Errorf("query ingest_stored_cases: %w", err)
	}
	return n, nil
}

// StoredDigests calls fn with the key of every stored case and the first 64
// bits of its content digest (ingest_stored_digests.sql), in no particular
// order.
func (t *IngestTx) StoredDigests(ctx context.Context, fn func(source, caseID string, digest uint64)) error {
	rows, err := t.conn.QueryContext(ctx, ingestStoredDigests)
	if err != nil {
		return fmt.Errorf("query ingest_stored_digests: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var source, caseID string
		var digest uint64
		if err := rows.Scan(&source, &caseID, &digest); err != nil {
			return fmt.Errorf("query ingest_stored_digests: %w", err)
		}
		fn(source, caseID, digest)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("query ingest_stored_digests: %w", err)
	}
	return nil
}

// Stage creates the transaction's staging tables (ingest_stage.sql).
func (t *IngestTx) Stage(ctx context.Context) error {
	if _, err := t.conn.ExecContext(ctx, ingestStage); err != nil {
		return fmt.Errorf("ingest_stage: %w", err)
	}
	return nil
}

// IngestTally is what the loader counted while writing.
type IngestTally struct {
	Records int64 // valid records read
	Direct  int64 // cases written straight to the store (new, first seen)
	Staged  int64 // rows written to temp.stage_keys
}

// IngestCounts classifies the run's cases.
type IngestCounts struct {
	Inserted, Updated, Unchanged, Duplicates int64
}

// ErrDigestMismatch means a case the loader took for unchanged (its key and
// the first 64 bits of its digest match the store's) is not: the
// transaction must not commit. It takes a 64-bit digest collision.
var ErrDigestMismatch = errors.New("a case taken for unchanged differs from the stored one (a 64-bit digest collision); nothing was loaded: please report")

// Classify counts the run's inserted, updated, unchanged and duplicate
// cases (ingest_latest.sql, ingest_classify.sql) and checks that every case
// staged by key only is unchanged.
func (t *IngestTx) Classify(ctx context.Context, tally IngestTally) (IngestCounts, error) {
	c := IngestCounts{Inserted: tally.Direct}
	if tally.Staged == 0 {
		return c, nil
	}
	if _, err := t.conn.ExecContext(ctx, ingestLatest); err != nil {
		return c, fmt.Errorf("ingest_latest: %w", err)
	}
	var inserted, fresh, keys, unverified int64
	if err := t.conn.QueryRowContext(ctx, ingestClassify).Scan(&inserted, &c.Updated, &c.Unchanged, &fresh, &keys, &unverified); err != nil {
		return c, fmt.Errorf("query ingest_classify: %w", err)
	}
	if unverified > 0 {
		return c, ErrDigestMismatch
	}
	c.Inserted += inserted
	// A key staged again after being written straight to the store is one
	// of the direct cases, not another one.
	c.Duplicates = tally.Records - (tally.Direct + keys - fresh)
	return c, nil
}

// Merge replaces every new or changed staged case in the store
// (ingest_merge.sql); it runs after Classify, and only if rows were staged.
func (t *IngestTx) Merge(ctx context.Context) error {
	if _, err := t.conn.ExecContext(ctx, ingestMerge); err != nil {
		return fmt.Errorf("ingest_merge: %w", err)
	}
	return nil
}

// IngestRun is the row recorded for a committed ingest.
type IngestRun struct {
	RunID                                 int64
	Started, Finished                     time.Time
	Files                                 int
	Inserted, Updated, Unchanged, Rejects int64
}

// Finish completes the store (ingest_finish.sql: the file digests of the
// cases written straight to the store, the files and rejects of the run)
// and records the run (ingest_run.sql).
func (t *IngestTx) Finish(ctx context.Context, r IngestRun) error {
	if _, err := t.conn.ExecContext(ctx, ingestFinish); err != nil {
		return fmt.Errorf("ingest_finish: %w", err)
	}
	if _, err := t.conn.ExecContext(ctx, ingestRun, r.RunID, r.Started, r.Finished, int32(r.Files),
		int32(r.Inserted), int32(r.Updated), int32(r.Unchanged), int32(r.Rejects)); err != nil {
		return fmt.Errorf("ingest_run: %w", err)
	}
	return nil
}

// CaseRow is one row of store.cases (and of temp.stage_cases, with Seq).
// Empty strings are stored as NULL in the nullable text columns; nil lists
// as empty lists, except the lesson themes (nil: no lesson has a theme).
type CaseRow struct {
	Seq                                                                        int64 // staging only: the order records were read in
	Source, CaseID, Title, Severity, Category, Status                          string
	Excluded                                                                   bool
	Tags                                                                       []string
	Compromise, Detection, Triage, Containment, Eradication, Recovery, Closure *time.Time
	RootCauseCategory, RootCauseSummary                                        string
	RootCauseWhys, WentWell, NeedsImprovement                                  []string
	Extra, ContentSHA256, SourceFile, SourceFormat                             string
	IngestedAt                                                                 time.Time // store only; staged rows take the run's
	Assets, Platforms                                                          []string
	Team, BusinessUnit, Tenant, DetectionSource                                string
	ImpactRecords                                                              *int64
	ImpactCost, ImpactDowntimeHours                                            *float64
	ImpactCurrency                                                             string
	ImpactRegulatorNotified, ImpactCustomersNotified                           *bool
	ReviewStatus, ReviewFacilitator                                            string
	ReviewHeldAt, ReviewPublishedAt                                            *time.Time
	WentWellThemes, NeedsImprovementThemes                                     []string
}

// ActionItemRow is one row of store.action_items without the case's key.
type ActionItemRow struct {
	Position                         int32
	ItemID, Summary, Owner, Priority string
	Due                              *time.Time // a date: midnight UTC
	Status                           string
	Completed                        *time.Time
}

// DetectionRuleRow is one row of store.detection_rules without the key.
type DetectionRuleRow struct {
	RuleID, Title   string
	Techniques      []string
	Status, SigmaID string
}

// PlaybookUpdateRow is one row of store.playbook_updates without the key.
type PlaybookUpdateRow struct {
	Position                int32
	Playbook, Change, Owner string
	Due                     *time.Time // a date
	Status                  string
	Completed               *time.Time
}

// MilestoneSourceRow is one row of store.milestone_sources without the key.
type MilestoneSourceRow struct{ Milestone, SourceField string }

// VerisRow is one row of store.veris_timeline without the key.
type VerisRow struct {
	Phase, Unit  string
	Value, Hours *float64
}

// CaseRows is one case with its child rows, as the writer takes it.
// Sources stay empty for a canonical case (source_format 'pir'): the view
// milestone_sources derives them from its milestones.
type CaseRows struct {
	Case        CaseRow
	Techniques  []string
	ActionItems []ActionItemRow
	Rules       []DetectionRuleRow
	Playbooks   []PlaybookUpdateRow
	Sources     []MilestoneSourceRow
	Veris       []VerisRow
}

// Reset empties r for reuse, keeping its slices' memory.
func (r *CaseRows) Reset() {
	*r = CaseRows{Techniques: r.Techniques[:0], ActionItems: r.ActionItems[:0], Rules: r.Rules[:0],
		Playbooks: r.Playbooks[:0], Sources: r.Sources[:0], Veris: r.Veris[:0]}
}

// RejectRow is one refused record (store.rejects, through the staging).
type RejectRow struct {
	RunID               int64
	Path, Record, Field string
	Reason, Raw         string
	RejectedAt          time.Time
}

// FileRow is one input file of the run (store.ingest_files, through the
// staging, which also gives the file's cases their digest).
type FileRow struct {
	RunID            int64
	Path, SHA256     string
	Format           string
	Records, Rejects int32
	IngestedAt       time.Time
}

// appenderFlushRows is how many rows an Appender takes before it is
// flushed: duckdb-go keeps every appended chunk in C memory until a flush,
// so without one an ingest holds its whole input outside DuckDB's
// memory_limit (measured: ~3 KB per case, linear in the input).
const appenderFlushRows = 16384

// appenderSpec is one table an IngestWriter appends to, with its columns
// named: a renamed or retyped column fails when the Appender is made.
type appenderSpec struct {
	catalog, schema, table string
	columns                []string
}

var (
	caseColumns = []string{"source", "case_id", "title", "severity", "category", "status", "excluded", "tags",
		"compromise_at", "detected_at", "triaged_at", "contained_at", "eradicated_at", "recovered_at", "closed_at",
		"root_cause_category", "root_cause_summary", "root_cause_whys", "went_well", "needs_improvement",
		"extra", "content_sha256", "source_file", "source_format",
		"assets", "platforms", "team", "business_unit", "tenant", "detection_source",
		"impact_records", "impact_cost", "impact_currency", "impact_downtime_hours",
		"impact_regulator_notified", "impact_customers_notified",
		"review_status", "review_held_at", "review_published_at", "review_facilitator",
		"went_well_themes", "needs_improvement_themes"}
	actionColumns   = []string{"position", "item_id", "summary", "owner", "priority", "due_date", "status", "completed_at"}
	ruleColumns     = []string{"rule_id", "title", "techniques", "status", "sigma_id"}
	playbookColumns = []string{"position", "playbook", "change", "owner", "due_date", "status", "completed_at"}
	sourceColumns   = []string{"milestone", "source_field"}
	verisColumns    = []string{"phase", "unit", "value", "hours"}
	storeKey        = []string{"source", "case_id"}
	stageKey        = []string{"seq"}
)

func cols(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// The tables of the writer, in the order of its appenders.
const (
	storeCases = iota
	storeTechniques
	storeActions
	storeRules
	storePlaybooks
	storeSources
	storeVeris
	stageKeys
	stageCases
	stageTechniques
	stageActions
	stageRules
	stagePlaybooks
	stageSources
	stageVeris
	stageRejects
	stageFiles
	stageProbe
	numAppenders
)

// caseTables are the appenders a case's rows go to.
type caseTables struct{ techniques, actions, rules, playbooks, sources, veris int }

var (
	storeTables = caseTables{storeTechniques, storeActions, storeRules, storePlaybooks, storeSources, storeVeris}
	stageTables = caseTables{stageTechniques, stageActions, stageRules, stagePlaybooks, stageSources, stageVeris}
)

var appenderSpecs = [numAppenders]appenderSpec{
	storeCases:      {"", "store", "cases", cols(caseColumns, []string{"source_sha256", "ingested_at"})},
	storeTechniques: {"", "store", "case_techniques", cols(storeKey, []string{"technique_id"})},
	storeActions:    {"", "store", "action_items", cols(storeKey, actionColumns)},
	storeRules:      {"", "store", "detection_rules", cols(storeKey, ruleColumns)},
	storePlaybooks:  {"", "store", "playbook_updates", cols(storeKey, playbookColumns)},
	storeSources:    {"", "store", "milestone_sources", cols(storeKey, sourceColumns)},
	storeVeris:      {"", "store", "veris_timeline", cols(storeKey, verisColumns)},
	stageKeys:       {"temp", "main", "stage_keys", []string{"seq", "source", "case_id", "content_sha256", "full"}},
	stageCases:      {"temp", "main", "stage_cases", cols(stageKey, caseColumns)},
	stageTechniques: {"temp", "main", "stage_techniques", cols(stageKey, []string{"technique_id"})},
	stageActions:    {"temp", "main", "stage_actions", cols(stageKey, actionColumns)},
	stageRules:      {"temp", "main", "stage_rules", cols(stageKey, ruleColumns)},
	stagePlaybooks:  {"temp", "main", "stage_playbooks", cols(stageKey, playbookColumns)},
	stageSources:    {"temp", "main", "stage_sources", cols(stageKey, sourceColumns)},
	stageVeris:      {"temp", "main", "stage_veris", cols(stageKey, verisColumns)},
	stageRejects:    {"temp", "main", "stage_rejects", []string{"run_id", "path", "record", "field", "reason", "raw", "rejected_at"}},
	stageFiles:      {"temp", "main", "stage_files", []string{"run_id", "path", "sha256", "format", "records", "rejects", "ingested_at"}},
	stageProbe:      {"temp", "main", "stage_probe", []string{"batch", "source", "case_id"}},
}

// IngestWriter appends typed rows to the store and staging tables of an
// IngestTx. It reuses its buffers from row to row: not for concurrent use.
type IngestWriter struct {
	conn  driver.QueryerContext // the transaction's connection, for Probe
	apps  [numAppenders]*duckdb.Appender
	rows  [numAppenders]int
	row   []driver.Value
	lists []any
	// boxed values repeated on every row
	file, format string
	fileV        driver.Value
	formatV      driver.Value
	now          time.Time
	nowV         driver.Value
}

// Write opens the Appenders of the store and staging tables (Stage must
// have run), passes the writer to fn and flushes every row written.
func (t *IngestTx) Write(ctx context.Context, fn func(w *IngestWriter) error) error {
	return t.conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("appender: unexpected driver connection %T", dc)
		}
		q, ok := dc.(driver.QueryerContext)
		if !ok {
			return fmt.Errorf("appender: driver connection %T cannot query", dc)
		}
		w := &IngestWriter{conn: q}
		defer func() {
			for _, a := range w.apps {
				if a != nil {
					a.Close()
				}
			}
		}()
		for i, s := range appenderSpecs {
			a, err := duckdb.NewAppenderWithColumns(c, s.catalog, s.schema, s.table, s.columns)
			if err != nil {
				return fmt.Errorf("appender %s.%s: %w", s.schema, s.table, err)
			}
			w.apps[i] = a
		}
		if err := fn(w); err != nil {
			return err
		}
		for i, a := range w.apps {
			err := a.Close()
			w.apps[i] = nil
			if err != nil {
				return fmt.Errorf("appender %s: %w", appenderSpecs[i].table, err)
			}
		}
		return nil
	})
}

// append appends w.row to table i, flushing every appenderFlushRows rows.
func (w *IngestWriter) append(i int) error {
	a := w.apps[i]
	if err := a.AppendRow(w.row...); err != nil {
		return fmt.Errorf("append %s: %w", appenderSpecs[i].table, err)
	}
	if w.rows[i]++; w.rows[i]%appenderFlushRows == 0 {
		if err := a.Flush(); err != nil {
			return fmt.Errorf("append %s: %w", appenderSpecs[i].table, err)
		}
	}
	return nil
}

// Where says which tables a case goes to.
type Where int

const (
	// ToStore writes a case that is new to the store (and not repeated in
	// the run so far) straight into the store tables. Its source_sha256 is
	// '' until Finish sets the file's digest.
	ToStore Where = iota
	// ToStage writes a case into the staging tables (and its key into
	// temp.stage_keys), for Classify and Merge to decide.
	ToStage
)

// Case writes one case with its child rows.
func (w *IngestWriter) Case(to Where, r *CaseRows) error {
	c := &r.Case
	if w.fileV == nil || w.file != c.SourceFile || w.format != c.SourceFormat {
		w.file, w.format, w.fileV, w.formatV = c.SourceFile, c.SourceFormat, c.SourceFile, c.SourceFormat
	}
	w.lists = w.lists[:0]
	row := w.row[:0]
	var seq driver.Value
	if to == ToStage {
		seq = c.Seq
		row = append(row, seq)
	}
	row = append(row, c.Source, c.CaseID, nullStr(c.Title), nullStr(c.Severity), nullStr(c.Category), c.Status, c.Excluded,
		w.list(c.Tags), ts(c.Compromise), ts(c.Detection), ts(c.Triage), ts(c.Containment), ts(c.Eradication), ts(c.Recovery), ts(c.Closure),
		nullStr(c.RootCauseCategory), nullStr(c.RootCauseSummary), w.list(c.RootCauseWhys), w.list(c.WentWell), w.list(c.NeedsImprovement),
		nullStr(c.Extra), c.ContentSHA256, w.fileV, w.formatV,
		w.list(c.Assets), w.list(c.Platforms), nullStr(c.Team), nullStr(c.BusinessUnit), nullStr(c.Tenant), nullStr(c.DetectionSource),
		int64Ptr(c.ImpactRecords), floatPtr(c.ImpactCost), nullStr(c.ImpactCurrency), floatPtr(c.ImpactDowntimeHours),
		boolPtr(c.ImpactRegulatorNotified), boolPtr(c.ImpactCustomersNotified),
		nullStr(c.ReviewStatus), ts(c.ReviewHeldAt), ts(c.ReviewPublishedAt), nullStr(c.ReviewFacilitator),
		w.optList(c.WentWellThemes), w.optList(c.NeedsImprovementThemes))
	table := stageCases
	if to == ToStore {
		if w.nowV == nil || !w.now.Equal(c.IngestedAt) {
			w.now, w.nowV = c.IngestedAt, c.IngestedAt
		}
		row = append(row, "", w.nowV)
		table = storeCases
	}
	w.row = row
	if err := w.append(table); err != nil {
		return fmt.Errorf("case %s: %w", c.CaseID, err)
	}
	// The key columns of the child rows: (source, case_id) in the store,
	// seq in the staging.
	key := func() []driver.Value {
		if to == ToStage {
			return append(w.row[:0], seq)
		}
		return append(w.row[:0], c.Source, c.CaseID)
	}
	tb := storeTables
	if to == ToStage {
		tb = stageTables
	}
	for _, id := range r.Techniques {
		w.row = append(key(), id)
		if err := w.append(tb.techniques); err != nil {
			return err
		}
	}
	for _, a := range r.ActionItems {
		w.row = append(key(), a.Position, a.ItemID, nullStr(a.Summary), nullStr(a.Owner), nullStr(a.Priority), ts(a.Due), a.Status, ts(a.Completed))
		if err := w.append(tb.actions); err != nil {
			return err
		}
	}
	for _, d := range r.Rules {
		w.lists = w.lists[:0]
		w.row = append(key(), d.RuleID, nullStr(d.Title), w.list(d.Techniques), nullStr(d.Status), nullStr(d.SigmaID))
		if err := w.append(tb.rules); err != nil {
			return err
		}
	}
	for _, u := range r.Playbooks {
		w.row = append(key(), u.Position, u.Playbook, nullStr(u.Change), nullStr(u.Owner), ts(u.Due), u.Status, ts(u.Completed))
		if err := w.append(tb.playbooks); err != nil {
			return err
		}
	}
	for _, s := range r.Sources {
		w.row = append(key(), s.Milestone, s.SourceField)
		if err := w.append(tb.sources); err != nil {
			return err
		}
	}
	for _, v := range r.Veris {
		w.row = append(key(), v.Phase, v.Unit, floatPtr(v.Value), floatPtr(v.Hours))
		if err := w.append(tb.veris); err != nil {
			return err
		}
	}
	if to == ToStage {
		w.row = append(w.row[:0], seq, c.Source, c.CaseID, c.ContentSHA256, true)
		return w.append(stageKeys)
	}
	return nil
}

// Unchanged stages the key of a case that the loader found unchanged (its
// key and digest prefix match the store): Classify checks it against the
// full digest, and Merge leaves the stored case alone.
func (w *IngestWriter) Unchanged(seq int64, source, caseID, contentSHA256 string) error {
	w.row = append(w.row[:0], seq, source, caseID, contentSHA256, false)
	return w.append(stageKeys)
}

// Reject stages a refused record.
func (w *IngestWriter) Reject(r RejectRow) error {
	w.row = append(w.row[:0], r.RunID, r.Path, r.Record, nullStr(r.Field), r.Reason, nullStr(r.Raw), r.RejectedAt)
	return w.append(stageRejects)
}

// Key is the key of a case: its source and ID.
type Key struct{ Source, CaseID string }

// Probe asks the store about keys (ingest_probe.sql), as batch number
// batch (unique within the transaction), and calls fn with the first 64
// bits of the content digest of each one it holds; a key fn is not called
// for is not stored. It sees the store as the transaction began: the cases
// written so far in the run are not asked about (the loader knows them).
func (w *IngestWriter) Probe(ctx context.Context, batch int32, keys []Key, fn func(source, caseID string, digest uint64)) error {
	for _, k := range keys {
		w.row = append(w.row[:0], batch, k.Source, k.CaseID)
		if err := w.apps[stageProbe].AppendRow(w.row...); err != nil {
			return fmt.Errorf("append stage_probe: %w", err)
		}
	}
	if err := w.apps[stageProbe].Flush(); err != nil {
		return fmt.Errorf("append stage_probe: %w", err)
	}
	rows, err := w.conn.QueryContext(ctx, ingestProbe, []driver.NamedValue{{Ordinal: 1, Value: int64(batch)}})
	if err != nil {
		return fmt.Errorf("query ingest_probe: %w", err)
	}
	defer rows.Close()
	dest := make([]driver.Value, 3)
	for {
		err := rows.Next(dest)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("query ingest_probe: %w", err)
		}
		source, ok1 := dest[0].(string)
		caseID, ok2 := dest[1].(string)
		digest, ok3 := dest[2].(uint64)
		if !ok1 || !ok2 || !ok3 {
			return fmt.Errorf("query ingest_probe: row of %T, %T, %T", dest[0], dest[1], dest[2])
		}
		fn(source, caseID, digest)
	}
}

// File stages an input file; its digest goes to the file's cases.
func (w *IngestWriter) File(r FileRow) error {
	w.row = append(w.row[:0], r.RunID, r.Path, r.SHA256, r.Format, r.Records, r.Rejects, r.IngestedAt)
	return w.append(stageFiles)
}

// list is a list column's value: l as []any in w.lists (the driver
// converts any other slice type by reflection), empty for nil.
func (w *IngestWriter) list(l []string) any {
	if w.lists == nil {
		w.lists = make([]any, 0, 64)
	}
	n := len(w.lists)
	for _, v := range l {
		w.lists = append(w.lists, v)
	}
	return w.lists[n:len(w.lists):len(w.lists)]
}

// optList is list, or NULL for a nil list (a list column where "none"
// differs from "empty").
func (w *IngestWriter) optList(l []string) any {
	if l == nil {
		return nil
	}
	return w.list(l)
}

func int64Ptr(n *int64) any {
	if n == nil {
		return nil
	}
	return *n
}

func boolPtr(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

func floatPtr(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func ts(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}
