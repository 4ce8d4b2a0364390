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
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/pirhq/pir/ingest"
	"github.com/pirhq/pir/mail"
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

Any failure before the email stops the run with exit 1 and a one-line reason
on stderr, sends no email and leaves the previous outputs in place: files are
written to temporary names and renamed only when every step succeeded. Once
the email was (or may have been) sent, the outputs that were mailed are
published even if a later part fails. A lock file next to the database
(<db>.lock) keeps two runs from overlapping: the second exits with code 3.
Re-running a quarter is safe (ingest is idempotent, outputs are replaced);
with --no-resend a quarter whose email was already sent (recorded in the
database with its Message-ID, see the mail_log view) is skipped.

Before it connects to the SMTP server, run records its intent to send (the
Message-ID and recipients, the mail_outbox view). If a run stopped before it
recorded the server's answer (killed, a full disk, a connection lost after
the whole message went out), the email may have been delivered: --no-resend
then exits 1 naming it, and never sends the quarter again on its own. Look
for that Message-ID in the SMTP server's log or a recipient's mailbox, and
record what you found with --mark-sent ID (it arrived: the quarter counts as
sent) or --mark-unsent ID (it did not: the next run sends a new one). Both
only record; they send nothing.

A quarter with no cases while the database holds cases (the export went
stale, or the clock moved past the data) fails with exit 1 and one line
naming the newest case and file, and sends nothing; --allow-empty (or
allow_empty = true in the config) reports and sends it, saying it is empty.

A managed security provider adds a [[report]] table per client (tenant,
name, organisation, marking, recipients): each client's dashboard and PDF
are built from a copy of the database that holds only that client's cases,
written to out_dir/<name>/ and emailed to its recipients; the report on
every case only with all_tenants_report = true (docs/operations.md). Cases
without a tenant (or of a tenant without a [[report]]) are in no client's
report: run warns with their count. --no-resend decides per report: a sent
client email skips that client, a possibly sent one holds back that client
alone (the others are sent, then the run exits 1 naming it).

--dry-run does everything except sending, and writes the message to
out_dir/report-<Q>.eml to open in a mail client.

Logs go to stderr (one line per step with its duration; --log-format json for
machines); stdout stays empty unless --summary is given. SMTP settings come
from [email] and may be overridden with the --smtp-* flags or PIR_SMTP_*
variables; the password only from $PIR_SMTP_PASSWORD, email.password_env or
email.password_file.

Exit codes: 0 done (or skipped, or recorded), 1 failed (or an email may have
been delivered), 2 usage or config error, 3 another pir run (or pir process)
holds the lock.

Examples:
   pir run --config /etc/pir/pir.toml
   pir run --config pir.toml --quarter 2024-Q1 --dry-run
   pir run --config pir.toml --no-resend          # daily timer: sends once
   pir run --config pir.toml --mark-sent pir.20260101T050500Z.3d61a2@example.org
   pir run --config pir.toml --quarter 2026-Q3 --allow-empty
   pir --log-format json run --config pir.toml --summary`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "config", Aliases: []string{"c"}, Usage: "the run's config `FILE` (pir.toml)", EnvVars: []string{"PIR_CONFIG"}},
			&cli.StringFlag{Name: "quarter", Usage: "report `QUARTER`, e.g. 2024-Q1 (default: the last complete quarter in the config's time zone)"},
			&cli.BoolFlag{Name: "dry-run", Usage: "do everything but send; write the message to out_dir/report-<Q>.eml"},
			&cli.BoolFlag{Name: "no-resend", Usage: "skip the quarter if its email was already sent; stop if it may have been (see the mail_outbox view)"},
			&cli.StringFlag{Name: "mark-sent", Usage: "record the possibly sent email `MESSAGE-ID` as delivered (it arrived), send nothing"},
			&cli.StringFlag{Name: "mark-unsent", Usage: "record the possibly sent email `MESSAGE-ID` as not delivered (the next run sends), send nothing"},
			&cli.BoolFlag{Name: "summary", Usage: "print what was written and sent on stdout"},
			&cli.BoolFlag{Name: "allow-empty", Usage: "report and send a quarter with no cases even though the database has cases (default: fail, the export may be stale)"},
		}, smtpFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("pir run --config pir.toml", "run takes no arguments (got %q); sources are in the config", c.Args().First())
			}
			if c.String("config") == "" {
				return usagef("pir run --config pir.toml", "run needs --config (see examples/pir.toml)")
			}
			s, err := resolveSettings(c, true)
			if err != nil {
				return err
			}
			if !rootIsSet(c, "log-level") {
				// The step lines are the run's record: show them by default.
				if err := e.configureLogging(rootString(c, "log-format"), "info"); err != nil {
					return err
				}
			}
			s.quarter = s.reportQuarter(e.now())
			s.refuseEmpty = !c.Bool("allow-empty") && !s.cfg.AllowEmpty
			r := &quarterRun{
				e: e, c: c, s: s, quarter: s.quarter,
				dryRun: c.Bool("dry-run"), noResend: c.Bool("no-resend"),
				log: e.log.With("quarter", s.quarter),
			}
			if c.IsSet("mark-sent") || c.IsSet("mark-unsent") {
				if c.IsSet("mark-sent") == c.IsSet("mark-unsent") || r.dryRun {
					return usagef("pir run --config pir.toml --mark-sent MESSAGE-ID", "--mark-sent and --mark-unsent take one message and go without --dry-run")
				}
				if err := r.mark(c.Context, c.String("mark-sent"), c.String("mark-unsent")); err != nil {
					return fmt.Errorf("run: %w", err)
				}
				if c.Bool("summary") {
					r.printSummary()
				}
				return nil
			}
			// SMTP settings are checked before any work, so a config
			// mistake fails in a second, not after the report is rendered.
			// A dry run only warns: it is how people test without secrets.
			if len(s.cfg.Email.To) > 0 || s.cfg.tenantRecipients() {
				r.srv, r.srvErr = smtpServer(c, e, s.cfg)
				if r.srvErr != nil && !r.dryRun {
					return r.srvErr
				}
			}
			if err := r.run(c.Context); err != nil {
				return fmt.Errorf("run %s: %w", s.quarter, err)
			}
			if c.Bool("summary") {
				r.printSummary()
			}
			return nil
		},
	}
}

// quarterRun is one `pir run`.
type quarterRun struct {
	e        *env
	c        *cli.Context
	s        *settings
	quarter  string
	dryRun   bool
	noResend bool
	log      *slog.Logger

	srv    mail.Server
	srvErr error

	// pub holds the outputs (and a dry run's .eml) until every step
	// succeeded.
	pub *publication
	// skip holds the reports ("" the one on every case, else a [[report]]
	// name) that --no-resend leaves out: sent, or possibly sent (held).
	skip map[string]bool
	// held is the possibly sent emails that hold their reports back; the
	// run fails with it once the other reports are done.
	held *possiblySentError
	// Results, for --summary.
	skipped   []pirsql.MailRecord
	marked    *markedMail
	outputs   []string
	messageID string
	rcpts     int
	sent      []string // Message-IDs of the clients' reports ([[report]])
	// intent is the email as recorded in the outbox before sending;
	// sentAt is when the server accepted it.
	intent pirsql.MailRecord
	sentAt time.Time
	// maybeSent is the Message-ID of an email that may have been
	// delivered: the SMTP session failed after the whole message was
	// transmitted. It stays 'sending' in the outbox.
	maybeSent string
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

// run is the job: lock, open, ingest, then the report pipeline (metrics,
// html, pdf steps), email, and publish the outputs when all of it
// succeeded, or when the email may have gone out even though a later part
// failed: the outputs that were mailed are always published.
func (r *quarterRun) run(ctx context.Context) error {
	s := r.s
	r.pub = newPublication(s.outDir)
	defer r.pub.discard()

	db, unlock, err := r.open(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	defer db.Close()

	if skip, err := r.checkSent(ctx, db); skip || err != nil {
		return err
	}

	if err := r.step("ingest", func() ([]any, error) { return r.ingest(ctx, db) }); err != nil {
		return err
	}
	var emailErr error
	if s.cfg.allCases() && !r.skip[""] {
		rep, err := produceReport(ctx, r.e, db, s, r.pub, true, true, r.step)
		if err != nil {
			return err
		}
		emailErr = r.step("email", func() ([]any, error) { return r.email(ctx, db, rep) })
		if emailErr != nil && r.maybeSent == "" {
			return emailErr
		}
	}
	if emailErr == nil {
		if err := r.tenantReports(ctx, db); err != nil {
			return err
		}
	}
	pubErr := r.step("publish", func() ([]any, error) {
		paths, err := r.pub.commit()
		r.outputs = append(r.outputs, paths...)
		if err != nil {
			switch {
			case r.messageID != "":
				err = fmt.Errorf("%w (the email %s was sent)", err, r.messageID)
			case r.maybeSent != "":
				err = fmt.Errorf("%w (the email %s may have been sent)", err, r.maybeSent)
			case len(r.sent) > 0:
				err = fmt.Errorf("%w (the clients' emails %s were sent)", err, strings.Join(r.sent, ", "))
			}
		}
		// Recorded after the outputs are in place: a crash between the two
		// leaves the email 'sending' (possibly sent), never recorded as
		// sent with the mailed PDF unpublished.
		if r.messageID != "" {
			if recErr := r.recordSent(ctx, db); recErr != nil {
				if err != nil {
					return nil, fmt.Errorf("%w; and %w", recErr, err)
				}
				return nil, fmt.Errorf("%w (the outputs are published)", recErr)
			}
		}
		if err != nil {
			return nil, err
		}
		return []any{"files", len(r.outputs), "dir", s.outDir}, nil
	})
	if emailErr != nil {
		if pubErr == nil {
			return fmt.Errorf("%w; the outputs that were mailed are published", emailErr)
		}
		return fmt.Errorf("%w; %w", emailErr, pubErr)
	}
	if pubErr == nil && r.held != nil {
		return fmt.Errorf("the other reports are done; %w", r.held)
	}
	return pubErr
}

// open takes the lock and opens the database ("lock" and "open" steps).
func (r *quarterRun) open(ctx context.Context) (*pirsql.DB, func(), error) {
	s := r.s
	var unlock func()
	if err := r.step("lock", func() ([]any, error) {
		var err error
		unlock, err = lockRun(s.db+".lock", r.e.now())
		return []any{"lock", s.db + ".lock"}, err
	}); err != nil {
		return nil, nil, err
	}
	var db *pirsql.DB
	if err := r.step("open", func() ([]any, error) {
		if err := os.MkdirAll(filepath.Dir(s.db), 0o755); err != nil {
			return nil, err
		}
		var err error
		db, err = s.openDB(ctx, false)
		return []any{"db", s.db}, err
	}); err != nil {
		unlock()
		return nil, nil, err
	}
	return db, unlock, nil
}

// mailedReports are the reports this run emails: "" for the report on
// every case (with email.to), and the name of each [[report]] with
// recipients. --no-resend decides for each on its own.
func (r *quarterRun) mailedReports() []string {
	var out []string
	if r.s.cfg.allCases() && len(r.s.cfg.Email.To) > 0 {
		out = append(out, "")
	}
	for _, tr := range r.s.cfg.Reports {
		if len(tr.Recipients) > 0 {
			out = append(out, tr.Name)
		}
	}
	return out
}

// checkSent decides from the mail log and the outbox, report by report,
// whether this run may send. With --no-resend: a report whose email for the
// quarter was sent is skipped (no outputs, no email); one whose email may
// have been sent (an outbox message still 'sending') is held back, and the
// run fails at its end naming it, after the other reports are done. When no
// report is left, the run skips (true) or fails before it ingests. Without
// --no-resend a run always sends, and says so when an earlier email may
// have gone out. An email recorded before pir kept the report counts for
// every report of its quarter.
func (r *quarterRun) checkSent(ctx context.Context, db *pirsql.DB) (bool, error) {
	reports := r.mailedReports()
	if len(reports) == 0 {
		return false, nil
	}
	pending, err := db.Outbox(ctx, pirsql.OutboxFilter{Quarter: r.quarter, State: pirsql.OutboxSending})
	if err != nil {
		return false, err
	}
	r.skip = map[string]bool{}
	var held []pirsql.OutboxMail
	left := 0
	for _, rep := range reports {
		log := r.log
		if rep != "" {
			log = log.With("report", rep)
		}
		if r.noResend {
			last, err := db.LastMail(ctx, r.quarter, rep)
			if err != nil {
				return false, err
			}
			if last != nil {
				r.skip[rep] = true
				r.skipped = append(r.skipped, *last)
				log.Info("skipped: the email for this quarter was already sent (--no-resend)",
					"message_id", last.MessageID, "sent_at", last.SentAt.In(r.s.loc).Format(time.RFC3339),
					"recipients", strings.Join(last.Recipients, ", "))
				continue
			}
		}
		var mine []pirsql.OutboxMail
		for _, m := range pending {
			if m.AnyReport || m.Report == rep {
				mine = append(mine, m)
			}
		}
		if len(mine) == 0 {
			left++
			continue
		}
		perr := &possiblySentError{mails: mine, config: r.c.String("config"), loc: r.s.loc}
		switch {
		case r.noResend && !r.dryRun:
			r.skip[rep] = true
			held = append(held, mine...)
			log.Warn("not sending: " + perr.Error())
			continue
		case r.noResend:
			if rep == "" {
				log.Warn("a real run with --no-resend would stop here: " + perr.Error())
			} else {
				log.Warn("a real run with --no-resend would hold back this report: " + perr.Error())
			}
		case !r.dryRun:
			last := mine[len(mine)-1]
			log.Warn("an earlier email for this quarter may have been delivered; sending again (no --no-resend)",
				"message_id", last.MessageID, "attempted", last.CreatedAt.In(r.s.loc).Format(time.RFC3339))
		}
		left++
	}
	if len(held) > 0 {
		r.held = &possiblySentError{mails: held, config: r.c.String("config"), loc: r.s.loc}
	}
	switch {
	case left > 0:
		return false, nil
	case r.held != nil:
		return false, r.held
	}
	return true, nil
}

// mark is `pir run --mark-sent ID` / `--mark-unsent ID`: lock, open, and
// record what became of a possibly sent email.
func (r *quarterRun) mark(ctx context.Context, sentID, unsentID string) error {
	db, unlock, err := r.open(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	defer db.Close()
	if sentID != "" {
		return r.markOutbox(ctx, db, sentID, true)
	}
	return r.markOutbox(ctx, db, unsentID, false)
}

// ingest loads every configured source in one transaction.
func (r *quarterRun) ingest(ctx context.Context, db *pirsql.DB) ([]any, error) {
	var inputs []ingest.Input
	for i, s := range r.s.cfg.Sources {
		mapping, err := loadMapping(r.s.cfg.resolve(s.Mapping))
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
			paths, err := expandSource(r.s.cfg.resolve(pat))
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
		Formats: ingest.DefaultFormats(), Location: r.s.loc, Now: r.e.now,
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

// email sends the report, or with --dry-run stages it as an .eml file.
func (r *quarterRun) email(ctx context.Context, db *pirsql.DB, rep *producedReport) ([]any, error) {
	msg, err := r.message(rep)
	if err != nil || msg == nil {
		return []any{"sent", false}, err
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
		p, err := r.pub.stage("report-"+r.quarter+".eml", b.Bytes())
		if err != nil {
			return nil, err
		}
		return []any{"sent", false, "dry_run", true, "eml", p, "message_id", msg.MessageID, "recipients", len(msg.Recipients())}, nil
	}
	// Build the message before connecting so a bad address fails first;
	// this also fixes its Message-ID, which the outbox records.
	if _, err := msg.WriteTo(&bytes.Buffer{}); err != nil {
		return nil, err
	}
	intent, id, err := r.sendOutboxed(ctx, db, srv, msg, rep.files["pdf"], "")
	if err != nil {
		return nil, err
	}
	r.intent = intent
	r.messageID, r.rcpts, r.sentAt = id, len(msg.Recipients()), r.e.now()
	return []any{"sent", true, "message_id", id, "recipients", r.rcpts, "server", srv.Addr()}, nil
}

// sendOutboxed sends a report email through the outbox: the intent (its
// Message-ID, recipients and the PDF's digest) is committed before the SMTP
// session, so whatever happens from there on (a crash, a full disk, a lost
// reply) a re-run with --no-resend finds it and does not send blindly. A
// definite failure is settled as not sent; a possible delivery stays
// "sending". The message must be built (WriteTo) first: that fixes its
// Message-ID.
func (r *quarterRun) sendOutboxed(ctx context.Context, db *pirsql.DB, srv mail.Server, msg *mail.Message, pdf []byte, report string) (pirsql.MailRecord, string, error) {
	digest := sha256.Sum256(pdf)
	var names []string
	for _, a := range msg.Attachments {
		names = append(names, a.Name)
	}
	intent := pirsql.MailRecord{
		Quarter: r.quarter, Report: report, MessageID: msg.MessageID, SentAt: r.e.now(), Sender: msg.From, Recipients: msg.Recipients(),
		Subject: msg.Subject, SMTPServer: srv.Addr(), Attachments: names, PDFSHA256: hex.EncodeToString(digest[:]),
	}
	if err := db.RecordMailIntent(ctx, intent); err != nil {
		return intent, "", fmt.Errorf("not sent: %w", err)
	}
	id, err := mail.Send(ctx, srv, msg)
	if err != nil {
		if mail.MaybeDelivered(err) {
			r.maybeSent = msg.MessageID
			return intent, "", fmt.Errorf("may have been sent as %s: %w; the outbox keeps it as possibly sent, so a re-run with --no-resend does not send it again (see --mark-sent)", msg.MessageID, err)
		}
		settle := pirsql.MailOutcome{MessageID: msg.MessageID, State: pirsql.OutboxNotSent, SettledAt: r.e.now(), Outcome: err.Error()}
		if serr := db.SettleMail(context.WithoutCancel(ctx), settle); serr != nil {
			return intent, "", fmt.Errorf("not sent: %w (and %v: a re-run with --no-resend will take it as possibly sent)", err, serr)
		}
		return intent, "", fmt.Errorf("not sent: %w", err)
	}
	return intent, id, nil
}

// settleSent records an accepted email as sent in the outbox and the mail
// log; when that fails the outbox keeps it as possibly sent.
func (r *quarterRun) settleSent(ctx context.Context, db *pirsql.DB, id, server string, at time.Time) error {
	err := db.SettleMail(context.WithoutCancel(ctx), pirsql.MailOutcome{
		MessageID: id, State: pirsql.OutboxSent, SettledAt: at, SentAt: at, Outcome: "accepted by " + server,
	})
	if err != nil {
		return fmt.Errorf("the email %s was sent, but recording it failed: %w; the outbox keeps it as possibly sent, so a re-run with --no-resend does not send it again: record it with `pir run --config %s --mark-sent %s`",
			id, err, shellWord(r.c.String("config")), id)
	}
	return nil
}

// recordSent settles the accepted email as sent in the outbox and the mail
// log. When that fails (a full disk), the outbox still has it as
// 'sending': a re-run with --no-resend stops instead of sending it again.
func (r *quarterRun) recordSent(ctx context.Context, db *pirsql.DB) error {
	return r.settleSent(ctx, db, r.messageID, r.intent.SMTPServer, r.sentAt)
}

// message is the quarterly email: the KPI summary of the report in the
// body, the PDF (and with email.attach_html the dashboard) attached. nil
// when the config has no recipients.
func (r *quarterRun) message(rep *producedReport) (*mail.Message, error) {
	ec := r.s.cfg.Email
	if len(ec.To) == 0 {
		r.log.Warn("no email configured (email.to is empty): nothing sent")
		return nil, nil
	}
	return r.newMessage(ec.To, ec.Cc, rep)
}

// newMessage is a report email to the recipients: the KPI summary in the
// body, the PDF (and with email.attach_html the dashboard) attached; the
// provider's report and each client's report are built the same way.
func (r *quarterRun) newMessage(to, cc []string, rep *producedReport) (*mail.Message, error) {
	ec := r.s.cfg.Email
	msg := &mail.Message{
		From: ec.From, To: to, Cc: cc, Date: r.e.now(),
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
	return msg, nil
}

func (r *quarterRun) printSummary() {
	w := r.e.stdout
	if m := r.marked; m != nil {
		fmt.Fprintf(w, "%s: recorded %s as %s\n", m.mail.Quarter, m.mail.MessageID, m.state)
		return
	}
	for _, m := range r.skipped {
		fmt.Fprintf(w, "%s: skipped%s, already sent as %s on %s\n", r.quarter, reportLabel(m.Report), m.MessageID,
			m.SentAt.In(r.s.loc).Format(time.RFC3339))
	}
	for _, o := range r.outputs {
		fmt.Fprintf(w, "%s: wrote %s\n", r.quarter, o)
	}
	if r.messageID != "" {
		fmt.Fprintf(w, "%s: sent %s to %d recipient(s)\n", r.quarter, r.messageID, r.rcpts)
	}
	for _, id := range r.sent {
		fmt.Fprintf(w, "%s: sent %s\n", r.quarter, id)
	}
}
