package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/pirhq/pir/display"
	pirsql "github.com/pirhq/pir/sql"
)

// TenantReport is one [[report]] table: the report of one client (tenant)
// of a managed security provider, built only from that client's cases.
type TenantReport struct {
	// Tenant is the cases' tenant value (required).
	Tenant string `toml:"tenant"`
	// Name names the output folder out_dir/<name>/ and the log lines
	// (default: the tenant); letters, digits, '.', '_' and '-'.
	Name string `toml:"name"`
	// Organisation is the client's name on the PDF, the dashboard and the
	// email subject (default: the name).
	Organisation string `toml:"organisation"`
	// Marking is the classification marking (default: the config's).
	Marking string `toml:"marking"`
	// Recipients get the client's email (To); none: the report is written
	// but not sent.
	Recipients []string `toml:"recipients"`
}

// safeName is what a [[report]] name may be: one path element.
var safeName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// validateSlices checks the [[report]] tables and the slice thresholds.
func (c *Config) validateSlices() error {
	for _, v := range []struct {
		key string
		n   *int
	}{{"slice_min_cases", c.SliceMinCases}, {"slice_max_values", c.SliceMaxValues}} {
		if v.n != nil && (*v.n < 0 || *v.n > 1000000) {
			return fmt.Errorf("%s %d: want 0 to 1000000", v.key, *v.n)
		}
	}
	seen := map[string]int{}
	tenants := map[string]int{}
	for i := range c.Reports {
		r := &c.Reports[i]
		if r.Tenant == "" {
			return fmt.Errorf("report %d: tenant is required", i+1)
		}
		if r.Name == "" {
			r.Name = r.Tenant
		}
		if !safeName.MatchString(r.Name) {
			return fmt.Errorf("report %d: name %q: want letters, digits, '.', '_' or '-' (it names the output folder); set name", i+1, r.Name)
		}
		if j, ok := seen[r.Name]; ok {
			return fmt.Errorf("report %d: name %q is also report %d's", i+1, r.Name, j)
		}
		if j, ok := tenants[r.Tenant]; ok {
			return fmt.Errorf("report %d: tenant %q is also report %d's", i+1, r.Tenant, j)
		}
		seen[r.Name], tenants[r.Tenant] = i+1, i+1
		if r.Organisation == "" {
			r.Organisation = r.Name
		}
		if r.Marking == "" {
			r.Marking = c.Marking
		}
	}
	if c.AllTenants && len(c.Reports) == 0 {
		return errors.New("all_tenants_report needs [[report]] tables (without them the report covers every case anyway)")
	}
	return nil
}

// allCases says whether pir run produces the report on every case: always
// without [[report]] tables, else only with all_tenants_report = true.
func (c *Config) allCases() bool { return len(c.Reports) == 0 || c.AllTenants }

// optInt is an optional config number as a setting value ("" = default).
func optInt(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

// tenantReports produces, for each [[report]], the client's dashboard and
// PDF into out_dir/<name>/ and its email, all from a database file that
// holds that client's cases alone (pirsql.CopyTenant): nothing a report is
// built from belongs to another client, so no query, section or later
// feature can show one. The copies live in a temporary folder removed when
// the run ends.
func (r *quarterRun) tenantReports(ctx context.Context, db *pirsql.DB) error {
	if len(r.s.cfg.Reports) == 0 {
		return nil
	}
	if err := r.warnUnreported(ctx, db); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "pir-tenants-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for i, tr := range r.s.cfg.Reports {
		if r.skip[tr.Name] {
			continue // --no-resend: sent, or possibly sent (checkSent)
		}
		if err := r.tenantReport(ctx, db, tr, filepath.Join(tmp, strconv.Itoa(i)+".duckdb")); err != nil {
			return fmt.Errorf("report %q: %w", tr.Name, err)
		}
	}
	return nil
}

func (r *quarterRun) tenantReport(ctx context.Context, db *pirsql.DB, tr TenantReport, path string) error {
	log := r.log.With("report", tr.Name)
	var cases int
	if err := r.step("tenant "+tr.Name, func() ([]any, error) {
		var err error
		cases, err = db.CopyTenant(ctx, path, tr.Tenant)
		return []any{"report", tr.Name, "cases", cases}, err
	}); err != nil {
		return err
	}
	if cases == 0 {
		log.Warn("no case has this tenant: the report is empty", "tenant", tr.Tenant)
	}
	ts := *r.s
	ts.db, ts.organisation, ts.marking = path, tr.Organisation, tr.Marking
	tdb, err := ts.openDB(ctx, true)
	if err != nil {
		return err
	}
	defer tdb.Close()
	pub := r.pub.sub(tr.Name)
	rep, err := produceReport(ctx, r.e, tdb, &ts, pub, true, true, r.step)
	if err != nil {
		return err
	}
	return r.step("email "+tr.Name, func() ([]any, error) { return r.tenantEmail(ctx, db, pub, tr, rep) })
}

// tenantEmail sends a client's report to its recipients (or stages it as
// an .eml with --dry-run) and records it in the provider's mail log.
func (r *quarterRun) tenantEmail(ctx context.Context, db *pirsql.DB, pub *publication, tr TenantReport, rep *producedReport) ([]any, error) {
	if len(tr.Recipients) == 0 {
		r.log.Warn("no recipients for this report: nothing sent", "report", tr.Name)
		return []any{"sent", false}, nil
	}
	msg, err := r.newMessage(tr.Recipients, nil, rep)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if _, err := msg.WriteTo(&b); err != nil {
		return nil, err
	}
	if r.dryRun {
		p, err := pub.stage("report-"+r.quarter+".eml", b.Bytes())
		return []any{"sent", false, "dry_run", true, "eml", p}, err
	}
	if r.srvErr != nil {
		return nil, r.srvErr
	}
	if r.srv.Host == "" {
		return nil, errors.New("no SMTP server: set [email] host")
	}
	_, id, err := r.sendOutboxed(ctx, db, r.srv, msg, rep.files["pdf"], tr.Name)
	if err != nil {
		return nil, err
	}
	if err := r.settleSent(ctx, db, id, r.srv.Addr(), r.e.now()); err != nil {
		return nil, err
	}
	r.sent = append(r.sent, id)
	return []any{"sent", true, "message_id", id, "recipients", len(msg.Recipients())}, nil
}

// tenantRecipients says whether a [[report]] sends email.
func (c *Config) tenantRecipients() bool {
	for _, r := range c.Reports {
		if len(r.Recipients) > 0 {
			return true
		}
	}
	return false
}

// warnUnreported warns on stderr about the quarter's cases that no
// client's report shows: those without a tenant, and those of a tenant
// without a [[report]] table. They are only in the report on every case
// (all_tenants_report = true); without it, in no report at all.
func (r *quarterRun) warnUnreported(ctx context.Context, db *pirsql.DB) error {
	rows, err := pirsql.TenantCases(ctx, db, r.s.cohort, r.quarter)
	if err != nil {
		return err
	}
	configured := map[string]bool{}
	for _, tr := range r.s.cfg.Reports {
		configured[tr.Tenant] = true
	}
	where := "they are in no report (all_tenants_report = true adds the report on every case)"
	if r.s.cfg.allCases() {
		where = "they are only in the report on every case (all_tenants_report)"
	}
	var others []string
	untenanted, unreported := 0, 0
	for _, t := range rows {
		switch {
		case t.Tenant == nil:
			untenanted = t.Cases
		case !configured[*t.Tenant]:
			unreported += t.Cases
			others = append(others, *t.Tenant)
		}
	}
	if untenanted > 0 {
		r.log.Warn(fmt.Sprintf("%s of %s have no tenant, so no client's report shows them; %s", display.Plural(untenanted, "case", "cases"), r.quarter, where),
			"cases", untenanted)
	}
	if unreported > 0 {
		r.log.Warn(fmt.Sprintf("%s of %s belong to tenants without a [[report]] table; %s", display.Plural(unreported, "case", "cases"), r.quarter, where),
			"cases", unreported, "tenants", strings.Join(display.VisibleCopy(others), ", "))
	}
	return nil
}
