package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/charts"
	"github.com/pirhq/pir/ingest"
	"github.com/pirhq/pir/mail"
	"github.com/pirhq/pir/pdf"
	pirsql "github.com/pirhq/pir/sql"
)

func runCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "the scheduled job: ingest, metrics, dashboard, PDF and email for a quarter",
		ArgsUsage: " ",
		Description: `run is what cron or a systemd timer starts once a quarter. It reads
pir.toml (see examples/pir.toml) and, for the quarter (default: the last
complete quarter in the config's time zone):

   1. ingests every [[source]] in one transaction,
   2. computes the metrics,
   3. renders out_dir/dashboard-<Q>.html,
   4. renders out_dir/report-<Q>.pdf,
   5. emails the PDF (and the dashboard with email.attach_html) to email.to.

Any failure stops the run with exit 1 and a one-line reason on stderr, sends
no email and leaves the previous outputs in place: files are written to
temporary names and renamed only when every step succeeded. A lock file next
to the database (<db>.lock) keeps two runs from overlapping: the second exits
with code 3. Re-running a quarter is safe (ingest is idempotent, outputs are
replaced); with --no-resend a quarter whose email was already sent (recorded
in the database with its Message-ID, see the mail_log view) is skipped.

--dry-run does everything except sending, and writes the message to
out_dir/report-<Q>.eml to open in a mail client.

Logs go to stderr (one line per step with its duration; --log-format json for
machines); stdout stays empty unless --summary is given. SMTP settings come
from [email] and may be overridden with the --smtp-* flags or PIR_SMTP_*
variables; the password only from $PIR_SMTP_PASSWORD, email.password_env or
email.password_file.

Exit codes: 0 done (or skipped), 1 failed, 2 usage or config error,
3 another pir run (or pir process) holds the lock.

Examples:
   pir run --config /etc/pir/pir.toml
   pir run --config pir.toml --quarter 2024-Q1 --dry-run
   pir run --config pir.toml --no-resend          # daily timer: sends once
   pir --log-format json run --config pir.toml --summary`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "config", Aliases: []string{"c"}, Usage: "the run's config `FILE` (pir.toml)", EnvVars: []string{"PIR_CONFIG"}},
			&cli.StringFlag{Name: "quarter", Usage: "report `QUARTER`, e.g. 2024-Q1 (default: the last complete quarter in the config's time zone)"},
			&cli.BoolFlag{Name: "dry-run", Usage: "do everything but send; write the message to out_dir/report-<Q>.eml"},
			&cli.BoolFlag{Name: "no-resend", Usage: "skip the quarter if its email was already sent"},
			&cli.BoolFlag{Name: "summary", Usage: "print what was written and sent on stdout"},
		}, smtpFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("pir run --config pir.toml", "run takes no arguments (got %q); sources are in the config", c.Args().First())
			}
			path := c.String("config")
			if path == "" {
				return usagef("pir run --config pir.toml", "run needs --config (see examples/pir.toml)")
			}
			cfg, err := loadConfig(path)
			if err != nil {
				return usagef("pir run --config examples/pir.toml --dry-run", "%v", err)
			}
			if !rootIsSet(c, "log-level") {
				// The step lines are the run's record: show them by default.
				if err := e.configureLogging(rootString(c, "log-format"), "info"); err != nil {
					return err
				}
			}
			loc, err := cfg.location()
			if err != nil {
				return usagef("time_zone = \"Europe/Berlin\"", "%v", err)
			}
			quarter, err := runQuarter(c.String("quarter"), e.now(), loc)
			if err != nil {
				return usagef("pir run --config pir.toml --quarter 2024-Q1", "--quarter %v", err)
			}
			r := &quarterRun{
				e: e, c: c, cfg: cfg, loc: loc, quarter: quarter,
				dryRun: c.Bool("dry-run"), noResend: c.Bool("no-resend"),
				log: e.log.With("quarter", quarter),
			}
			// SMTP settings are checked before any work, so a config
			// mistake fails in a second, not after the report is rendered.
			// A dry run only warns: it is how people test without secrets.
			if len(cfg.Email.To) > 0 {
				r.srv, r.srvErr = smtpServer(c, e, cfg)
				if r.srvErr != nil && !r.dryRun {
					return r.srvErr
				}
			}
			err = r.run(c.Context)
			if err != nil {
				return singleLineError(fmt.Errorf("run %s: %w", quarter, err))
			}
			if c.Bool("summary") {
				r.printSummary()
			}
			return nil
		},
	}
}

// runQuarter is the report quarter: flag (e.g. "2024-q1"), or else the last
// quarter that has ended at now in the config's zone (on 1 April 00:05 it is
// Q1 of that year, on 1 January Q4 of the year before).
func runQuarter(flag string, now time.Time, loc *time.Location) (string, error) {
	if flag == "" {
		return analytics.LastCompleteQuarter(now, loc), nil
	}
	q, err := analytics.ParseQuarter(flag)
	if err != nil {
		return "", err
	}
	return q.String(), nil
}

// quarterRun is one `pir run`.
type quarterRun struct {
	e        *env
	c        *cli.Context
	cfg      *Config
	loc      *time.Location
	quarter  string
	dryRun   bool
	noResend bool
	log      *slog.Logger

	srv    mail.Server
	srvErr error

	outDir  string
	report  *analytics.Report
	pending []*pendingFile
	// Results, for --summary.
	skipped   *pirsql.MailRecord
	outputs   []string
	messageID string
	rcpts     int
}

// step runs one step and logs it with its duration (one line per step).
func (r *quarterRun) step(name string, f func() ([]any, error)) error {
	start := time.Now()
	attrs, err := f()
	d := time.Since(start).Round(time.Millisecond)
	if err != nil {
		r.log.Error("step failed", "step", name, "duration", d)
		return fmt.Errorf("%s: %w", name, err)
	}
	r.log.Info("step", append([]any{"step", name, "duration", d}, attrs...)...)
	return nil
}

func (r *quarterRun) run(ctx context.Context) (err error) {
	cfg := r.cfg
	dbPath := cfg.resolve(cfg.DB)
	if dbPath == "" {
		dbPath = cfg.resolve("pir.duckdb")
	}
	r.outDir = cfg.resolve(cfg.OutDir)
	if r.outDir == "" {
		r.outDir = cfg.resolve("out")
	}
	defer func() {
		for _, p := range r.pending {
			p.discard()
		}
	}()

	var unlock func()
	if err := r.step("lock", func() ([]any, error) {
		var err error
		unlock, err = lockRun(dbPath+".lock", r.e.now())
		return []any{"lock", dbPath + ".lock"}, err
	}); err != nil {
		return err
	}
	defer unlock()

	var db *pirsql.DB
	if err := r.step("open", func() ([]any, error) {
		if err := os.MkdirAll(filepath.Dir(dbPath), 0o755); err != nil {
			return nil, err
		}
		var err error
		db, err = pirsql.Open(ctx, dbPath, pirsql.Options{TimeZone: r.loc.String(), MemoryLimit: memoryLimit(r.c, false)})
		return []any{"db", dbPath}, err
	}); err != nil {
		return err
	}
	defer db.Close()

	if r.noResend {
		last, err := db.LastMail(ctx, r.quarter)
		if err != nil {
			return err
		}
		if last != nil {
			r.skipped = last
			r.log.Info("skipped: the email for this quarter was already sent (--no-resend)",
				"message_id", last.MessageID, "sent_at", last.SentAt.In(r.loc).Format(time.RFC3339),
				"recipients", strings.Join(last.Recipients, ", "))
			return nil
		}
	}

	if err := r.step("ingest", func() ([]any, error) { return r.ingest(ctx, db) }); err != nil {
		return err
	}
	if err := r.step("metrics", func() ([]any, error) { return r.metrics(ctx, db) }); err != nil {
		return err
	}
	if err := os.MkdirAll(r.outDir, 0o755); err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	var html, pdfBytes []byte
	if err := r.step("html", func() ([]any, error) {
		var b bytes.Buffer
		if err := charts.Dashboard(&b, r.report, charts.DashboardOptions{}); err != nil {
			return nil, err
		}
		html = b.Bytes()
		p, err := r.stage("dashboard-"+r.quarter+".html", html)
		return []any{"path", p, "bytes", len(html)}, err
	}); err != nil {
		return err
	}
	if err := r.step("pdf", func() ([]any, error) {
		var b bytes.Buffer
		if err := pdf.Render(&b, r.report, pdf.Options{Organisation: cfg.Organisation, Marking: cfg.Marking}); err != nil {
			return nil, err
		}
		pdfBytes = b.Bytes()
		p, err := r.stage("report-"+r.quarter+".pdf", pdfBytes)
		return []any{"path", p, "bytes", len(pdfBytes)}, err
	}); err != nil {
		return err
	}
	if err := r.step("email", func() ([]any, error) { return r.email(ctx, db, html, pdfBytes) }); err != nil {
		return err
	}
	return r.step("publish", func() ([]any, error) {
		for _, p := range r.pending {
			if err := p.commit(); err != nil {
				if r.messageID != "" {
					return nil, fmt.Errorf("%w (the email %s was sent)", err, r.messageID)
				}
				return nil, err
			}
			r.outputs = append(r.outputs, p.path)
		}
		r.pending = nil
		return []any{"files", len(r.outputs), "dir", r.outDir}, nil
	})
}

// ingest loads every configured source in one transaction.
func (r *quarterRun) ingest(ctx context.Context, db *pirsql.DB) ([]any, error) {
	var inputs []ingest.Input
	for i, s := range r.cfg.Sources {
		mapping, err := loadMapping(r.cfg.resolve(s.Mapping))
		if err != nil {
			return nil, fmt.Errorf("source %d: %w", i+1, err)
		}
		format := s.Format
		if format == "" {
			format = "auto"
		}
		if len(s.Paths) == 0 {
			return nil, fmt.Errorf("source %d: no paths", i+1)
		}
		for _, pat := range s.Paths {
			paths, err := expandSource(r.cfg.resolve(pat))
			if err != nil {
				return nil, fmt.Errorf("source %d: %w", i+1, err)
			}
			for _, p := range paths {
				inputs = append(inputs, ingest.Input{Path: p, Format: format, Mapping: mapping, AllowEmpty: s.AllowEmpty})
			}
		}
	}
	if len(inputs) == 0 {
		return []any{"sources", 0, "note", "no [[source]] configured: reporting on the database as it is"}, nil
	}
	sum, err := ingest.Load(ctx, db, inputs, ingest.Options{
		Formats: ingest.DefaultFormats(), Location: r.loc, Now: r.e.now,
	})
	if err != nil {
		var re *ingest.RecordError
		if errors.As(err, &re) {
			return nil, fmt.Errorf("%s (nothing was loaded)", re.Error())
		}
		return nil, err
	}
	logIngestWarnings(r.e.log, sum)
	return []any{"files", len(sum.Files), "inserted", sum.Inserted, "updated", sum.Updated,
		"unchanged", sum.Unchanged, "rejected", sum.Rejected, "warnings", sum.WarningCount}, nil
}

// expandSource turns a configured path or glob into files; a pattern that
// matches nothing is an error (an export that did not arrive must not give
// an empty report silently).
func expandSource(pat string) ([]string, error) {
	if !strings.ContainsAny(pat, "*?[") {
		if _, err := os.Stat(pat); err != nil {
			return nil, err
		}
		return []string{pat}, nil
	}
	m, err := filepath.Glob(pat)
	if err != nil {
		return nil, fmt.Errorf("pattern %q: %w", pat, err)
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("%s: matches no file", pat)
	}
	return m, nil
}

// metrics builds the report model.
func (r *quarterRun) metrics(ctx context.Context, db *pirsql.DB) ([]any, error) {
	var defs []analytics.MetricDef
	if len(r.cfg.Metrics) > 0 {
		base, err := analytics.DefaultDefinitions(ctx, db)
		if err != nil {
			return nil, err
		}
		var over []analytics.MetricDef
		for _, m := range r.cfg.Metrics {
			over = append(over, analytics.MetricDef{Name: m.Name, Label: m.Label, Start: m.Start, End: m.End})
		}
		defs = analytics.MergeDefinitions(base, over)
	}
	rep, err := analytics.Build(ctx, db, analytics.Options{
		Quarter: r.quarter, Quarters: r.cfg.Quarters, Cohort: r.cfg.Cohort, Definitions: defs,
		Now: r.e.now, Version: version, Organisation: r.cfg.Organisation, Marking: r.cfg.Marking, Logger: r.e.log,
	})
	if err != nil {
		return nil, err
	}
	r.report = rep
	if err := addCoverage(ctx, r.e, db, rep, r.cfg.resolve(r.cfg.Rules)); err != nil { // detection coverage, when rules are configured
		return nil, err
	}
	return []any{"cases", rep.Cases, "metrics", len(rep.KPIs)}, nil
}

// email sends the report, or with --dry-run stages it as an .eml file.
func (r *quarterRun) email(ctx context.Context, db *pirsql.DB, html, pdfBytes []byte) ([]any, error) {
	ec := r.cfg.Email
	to := ec.To
	if len(to) == 0 {
		r.log.Warn("no email configured (email.to is empty): nothing sent")
		return []any{"sent", false}, nil
	}
	pdfName := "report-" + r.quarter + ".pdf"
	sum := reportSummary(r.report)
	msg := &mail.Message{
		From: ec.From, To: to, Cc: ec.Cc, Date: r.e.now(),
		Attachments: []mail.Attachment{{Name: pdfName, ContentType: mail.ContentTypePDF, Data: pdfBytes}},
	}
	if r.c.IsSet("from") {
		msg.From = r.c.String("from")
	}
	if msg.From == "" {
		return nil, errors.New("email.from is empty (or set --from / PIR_SMTP_FROM)")
	}
	if ec.AttachHTML {
		msg.Attachments = append(msg.Attachments, mail.Attachment{
			Name: "dashboard-" + r.quarter + ".html", ContentType: "text/html; charset=utf-8", Data: html})
	}
	for _, a := range msg.Attachments {
		sum.Attachments = append(sum.Attachments, a.Name)
	}
	var err error
	if msg.Subject, err = mail.Subject(ec.Subject, sum); err != nil {
		return nil, fmt.Errorf("email.subject: %w", err)
	}
	msg.Text = sum.Text()
	if msg.HTML, err = sum.HTML(); err != nil {
		return nil, err
	}

	srv := r.srv
	if r.dryRun {
		if r.srvErr != nil {
			r.log.Warn("smtp settings would fail a real run", "err", r.srvErr)
		}
		var b bytes.Buffer
		if _, err := msg.WriteTo(&b); err != nil {
			return nil, err
		}
		p, err := r.stage("report-"+r.quarter+".eml", b.Bytes())
		if err != nil {
			return nil, err
		}
		return []any{"sent", false, "dry_run", true, "eml", p, "message_id", msg.MessageID, "recipients", len(msg.Recipients())}, nil
	}
	// Build the message before connecting so a bad address fails first.
	if _, err := msg.WriteTo(&bytes.Buffer{}); err != nil {
		return nil, err
	}
	id, err := mail.Send(ctx, srv, msg)
	if err != nil {
		return nil, fmt.Errorf("not sent: %w", err)
	}
	r.messageID, r.rcpts = id, len(msg.Recipients())
	digest := sha256.Sum256(pdfBytes)
	var names []string
	for _, a := range msg.Attachments {
		names = append(names, a.Name)
	}
	rec := pirsql.MailRecord{
		Quarter: r.quarter, MessageID: id, SentAt: r.e.now(), Sender: msg.From, Recipients: msg.Recipients(),
		Subject: msg.Subject, SMTPServer: srv.Addr(), Attachments: names, PDFSHA256: hex.EncodeToString(digest[:]),
	}
	if err := db.RecordMail(context.WithoutCancel(ctx), rec); err != nil {
		return nil, fmt.Errorf("sent as %s, but %w", id, err)
	}
	return []any{"sent", true, "message_id", id, "recipients", r.rcpts, "server", srv.Addr()}, nil
}

// stage writes an output under a temporary name in the output directory;
// publish renames it.
func (r *quarterRun) stage(name string, data []byte) (string, error) {
	final := filepath.Join(r.outDir, name)
	p, err := newPendingFile(final)
	if err != nil {
		return "", err
	}
	r.pending = append(r.pending, p)
	if _, err := p.f.Write(data); err != nil {
		return "", fmt.Errorf("write %s: %w", p.f.Name(), err)
	}
	if err := p.f.Sync(); err != nil {
		return "", fmt.Errorf("write %s: %w", p.f.Name(), err)
	}
	return final, nil
}

func (r *quarterRun) printSummary() {
	w := r.e.stdout
	if r.skipped != nil {
		fmt.Fprintf(w, "%s: skipped, already sent as %s on %s\n", r.quarter, r.skipped.MessageID,
			r.skipped.SentAt.In(r.loc).Format(time.RFC3339))
		return
	}
	for _, o := range r.outputs {
		fmt.Fprintf(w, "%s: wrote %s\n", r.quarter, o)
	}
	if r.messageID != "" {
		fmt.Fprintf(w, "%s: sent %s to %d recipient(s)\n", r.quarter, r.messageID, r.rcpts)
	}
}

// lockRun takes an exclusive, non-blocking flock on path (created if
// needed) and writes the holder's pid into it for the message the next run
// prints. The kernel drops the lock when the process exits, even on
// SIGKILL, so a stale file never blocks a run; the file itself stays.
func lockRun(path string, now time.Time) (unlock func(), err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			who := strings.TrimSpace(string(holder))
			if who == "" {
				who = "unknown process"
			}
			return nil, fmt.Errorf("%w (%s holds %s)", errRunLocked, who, path)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	f.Truncate(0)
	f.WriteAt([]byte("pid "+strconv.Itoa(os.Getpid())+" since "+now.UTC().Format(time.RFC3339)+"\n"), 0)
	return func() {
		f.Truncate(0)
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// rootIsSet reports whether a global flag was given (flag or env var).
func rootIsSet(c *cli.Context, name string) bool {
	for _, ctx := range c.Lineage() {
		if ctx.IsSet(name) {
			return true
		}
	}
	return false
}

func rootString(c *cli.Context, name string) string {
	for _, ctx := range c.Lineage() {
		if v := ctx.String(name); v != "" {
			return v
		}
	}
	return "text"
}

// singleLineError keeps the run's failure to one line on stderr (DuckDB and SMTP
// errors can span several) while errors.Is still sees the cause.
func singleLineError(err error) error {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if msg == err.Error() {
		return err
	}
	return &lineError{msg: msg, err: err}
}

type lineError struct {
	msg string
	err error
}

func (e *lineError) Error() string { return e.msg }
func (e *lineError) Unwrap() error { return e.err }
