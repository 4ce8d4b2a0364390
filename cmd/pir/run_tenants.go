package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/pirhq/pir/mail"
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
	tmp, err := os.MkdirTemp("", "pir-tenants-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for i, tr := range r.s.cfg.Reports {
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
	ec := r.s.cfg.Email
	msg := &mail.Message{
		From: ec.From, To: tr.Recipients, Date: r.e.now(),
		Attachments: []mail.Attachment{{Name: "report-" + r.quarter + ".pdf", ContentType: mail.ContentTypePDF, Data: rep.files["pdf"]}},
	}
	if r.c.IsSet("from") {
		msg.From = r.c.String("from")
	}
	if msg.From == "" {
		return nil, errors.New("email.from is empty (or set --from / PIR_SMTP_FROM)")
	}
	if ec.AttachHTML {
		msg.Attachments = append(msg.Attachments, mail.Attachment{
			Name: "dashboard-" + r.quarter + ".html", ContentType: "text/html; charset=utf-8", Data: rep.files["html"]})
	}
	if err := summaryBody(msg, reportSummary(rep.model), ec.Subject); err != nil {
		return nil, fmt.Errorf("email.subject: %w", err)
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
	digest := sha256.Sum256(rep.files["pdf"])
	var names []string
	for _, a := range msg.Attachments {
		names = append(names, a.Name)
	}
	rec := pirsql.MailRecord{
		Quarter: r.quarter, MessageID: msg.MessageID, SentAt: r.e.now(), Sender: msg.From, Recipients: msg.Recipients(),
		Subject: msg.Subject, SMTPServer: r.srv.Addr(), Attachments: names, PDFSHA256: hex.EncodeToString(digest[:]),
	}
	// As for the provider's own report (quarterRun.email): the intent is
	// committed before the SMTP session, so a crash or a lost reply leaves
	// the client's email "possibly sent" and --no-resend does not send it
	// again.
	if err := db.RecordMailIntent(ctx, rec); err != nil {
		return nil, fmt.Errorf("not sent: %w", err)
	}
	id, err := mail.Send(ctx, r.srv, msg)
	if err != nil {
		if mail.MaybeDelivered(err) {
			r.maybeSent = msg.MessageID
			return nil, fmt.Errorf("may have been sent as %s: %w; the outbox keeps it as possibly sent, so a re-run with --no-resend does not send it again (see --mark-sent)", msg.MessageID, err)
		}
		settle := pirsql.MailOutcome{MessageID: msg.MessageID, State: pirsql.OutboxNotSent, SettledAt: r.e.now(), Outcome: err.Error()}
		if serr := db.SettleMail(context.WithoutCancel(ctx), settle); serr != nil {
			return nil, fmt.Errorf("not sent: %w (and %v: a re-run with --no-resend will take it as possibly sent)", err, serr)
		}
		return nil, fmt.Errorf("not sent: %w", err)
	}
	now := r.e.now()
	if err := db.SettleMail(context.WithoutCancel(ctx), pirsql.MailOutcome{
		MessageID: id, State: pirsql.OutboxSent, SettledAt: now, SentAt: now, Outcome: "accepted by " + rec.SMTPServer,
	}); err != nil {
		return nil, fmt.Errorf("the email %s was sent, but recording it failed: %w; the outbox keeps it as possibly sent, so a re-run with --no-resend does not send it again: record it with `pir run --config %s --mark-sent %s`",
			id, err, shellWord(r.c.String("config")), id)
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
