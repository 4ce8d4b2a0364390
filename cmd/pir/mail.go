package main

import (
	"crypto/x509"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
	"github.com/pirhq/pir/mail"
	pirsql "github.com/pirhq/pir/sql"
)

// passwordEnv is read for the SMTP password; there is deliberately no
// --smtp-password flag (a command line is visible to every local user).
const passwordEnv = "PIR_SMTP_PASSWORD"

// smtpFlags are the SMTP settings shared by `pir mail` and `pir run`. A
// flag (or its PIR_SMTP_* variable) overrides the config's [email] value.
func smtpFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "smtp-host", Usage: "SMTP server `HOST`", EnvVars: []string{"PIR_SMTP_HOST"}},
		&cli.IntFlag{Name: "smtp-port", Usage: "SMTP `PORT`", DefaultText: "587; 465 with --smtp-tls implicit; 25 with none", EnvVars: []string{"PIR_SMTP_PORT"}},
		&cli.StringFlag{Name: "smtp-tls", Usage: "TLS `MODE`: mandatory (STARTTLS, default), implicit, opportunistic or none (loopback only)", EnvVars: []string{"PIR_SMTP_TLS"}},
		&cli.StringFlag{Name: "smtp-username", Usage: "SMTP AUTH `USER` (PLAIN or LOGIN); the password comes from $" + passwordEnv + " or --smtp-password-file", EnvVars: []string{"PIR_SMTP_USERNAME"}},
		&cli.StringFlag{Name: "smtp-password-file", Usage: "read the SMTP password from `FILE` (mode 600)", EnvVars: []string{"PIR_SMTP_PASSWORD_FILE"}},
		&cli.BoolFlag{Name: "smtp-insecure", Usage: "allow --smtp-tls none to a host that is not loopback, and AUTH without TLS", EnvVars: []string{"PIR_SMTP_INSECURE"}},
		&cli.StringFlag{Name: "smtp-ca-file", Usage: "verify the server with the CA certificates in `FILE` (PEM) instead of the system roots", EnvVars: []string{"PIR_SMTP_CA_FILE"}},
		&cli.StringFlag{Name: "from", Usage: "sender `ADDRESS`, e.g. \"pir <pir@example.org>\"", EnvVars: []string{"PIR_SMTP_FROM"}},
	}
}

// smtpServer resolves the SMTP settings: flags and PIR_SMTP_* variables
// first, then the config's [email] table (cfg may be nil), then defaults.
func smtpServer(c *cli.Context, e *env, cfg *Config) (mail.Server, error) {
	var ec EmailConfig
	if cfg != nil {
		ec = cfg.Email
	}
	pick := func(flag, fromCfg string) string {
		if c.IsSet(flag) {
			return c.String(flag)
		}
		return fromCfg
	}
	srv := mail.Server{
		Host:     pick("smtp-host", ec.Host),
		Port:     ec.Port,
		Username: pick("smtp-username", ec.Username),
		Auth:     ec.Auth,
		Insecure: ec.Insecure || c.Bool("smtp-insecure"),
		Log:      e.log,
	}
	if c.IsSet("smtp-port") {
		srv.Port = c.Int("smtp-port")
	}
	mode, err := mail.ParseTLSMode(pick("smtp-tls", ec.TLS))
	if err != nil {
		return srv, usagef("--smtp-tls mandatory", "%v", err)
	}
	srv.TLS = mode
	srv.SendTimeout, err = smtpDuration(ec.Timeout, 30*time.Second)
	if err != nil {
		return srv, err
	}
	srv.ConnectTimeout, err = smtpDuration(ec.ConnectTimeout, 15*time.Second)
	if err != nil {
		return srv, err
	}
	srv.Backoff, err = smtpDuration(ec.Backoff, 2*time.Second)
	if err != nil {
		return srv, err
	}
	srv.Retries = 3
	if ec.Retries != nil {
		srv.Retries = *ec.Retries
		if srv.Retries == 0 {
			srv.Retries = -1 // mail: negative means no retry
		}
	}
	caFile := c.String("smtp-ca-file")
	if caFile == "" && cfg != nil {
		caFile = cfg.resolve(ec.CAFile)
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return srv, fmt.Errorf("smtp CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return srv, fmt.Errorf("smtp CA file %s: no PEM certificate in it", caFile)
		}
		srv.RootCAs = pool
	}
	if srv.Username != "" {
		pw, err := smtpPassword(c, cfg)
		if err != nil {
			return srv, err
		}
		srv.Password = mail.Secret(pw)
	}
	if err := srv.Validate(); err != nil {
		return srv, usagef("pir mail --help", "%v", err)
	}
	return srv, nil
}

// smtpPassword finds the password: $PIR_SMTP_PASSWORD, --smtp-password-file,
// the variable named by email.password_env, then email.password_file.
// Files must not be readable by group or others.
func smtpPassword(c *cli.Context, cfg *Config) (string, error) {
	if pw, ok := os.LookupEnv(passwordEnv); ok && pw != "" {
		return pw, nil
	}
	file := c.String("smtp-password-file")
	if file == "" && cfg != nil {
		if name := cfg.Email.PasswordEnv; name != "" {
			pw, ok := os.LookupEnv(name)
			if !ok || pw == "" {
				return "", fmt.Errorf("smtp password: email.password_env names $%s, which is not set", name)
			}
			return pw, nil
		}
		file = cfg.resolve(cfg.Email.PasswordFile)
	}
	if file == "" {
		return "", usagef(passwordEnv+"=… pir mail …", "smtp: a username is set but no password: set $%s, --smtp-password-file, or email.password_env / email.password_file", passwordEnv)
	}
	if err := checkSecretFile(file); err != nil {
		return "", fmt.Errorf("smtp password file: %w", err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("smtp password file: %w", err)
	}
	pw := strings.TrimRight(string(b), "\r\n")
	if pw == "" {
		return "", fmt.Errorf("smtp password file %s is empty", file)
	}
	return pw, nil
}

func smtpDuration(s string, def time.Duration) (time.Duration, error) {
	if s == "" {
		return def, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("duration %q: %w", s, err)
	}
	return d, nil
}

// contentType picks an attachment's MIME type from its extension.
func attachmentType(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".pdf":
		return mail.ContentTypePDF
	case ".html", ".htm":
		return "text/html; charset=utf-8"
	case ".eml":
		return "message/rfc822"
	}
	if t := mime.TypeByExtension(filepath.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func mailCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "mail",
		Usage:     "email files (the PDF report, the dashboard) over SMTP",
		ArgsUsage: "FILE ...",
		Description: `Sends the files as attachments of one message with a plain-text and an HTML
body. With --quarter the body carries the quarter's KPI summary (median and
p90 per metric and the change against the previous quarter, the numbers of the
PDF), computed from the database (--db, or db in --config); without it the
body lists the files.

SMTP: mandatory STARTTLS by default (--smtp-tls implicit for port 465;
opportunistic; none only to a loopback host unless --smtp-insecure). With
--smtp-username, AUTH PLAIN (or LOGIN) is used; the password comes from
$PIR_SMTP_PASSWORD or --smtp-password-file, never from a flag. Transient
failures (4xx, refused connections, timeouts) are retried with back-off;
a 5xx refusal is final. Settings not given as flags come from the [email]
table of --config. --eml writes the message to a file instead of sending it.

Exit codes: 0 sent, 1 not sent, 2 usage error.

Examples:
   PIR_SMTP_PASSWORD=… pir mail --smtp-host smtp.example.org --smtp-username pir \
       --from "pir <pir@example.org>" --to ciso@example.org out/report-2024-Q1.pdf
   pir mail --config pir.toml --quarter 2024-Q1 --to ciso@example.org \
       out/report-2024-Q1.pdf out/dashboard-2024-Q1.html
   pir mail --config pir.toml --to me@example.org --eml /tmp/test.eml out/report-2024-Q1.pdf
   pir mail --smtp-host 127.0.0.1 --smtp-port 1025 --smtp-tls none \
       --from pir@localhost --to me@localhost out/report-2024-Q1.pdf`,
		Flags: append([]cli.Flag{
			&cli.StringSliceFlag{Name: "to", Usage: "recipient `ADDRESS` (repeat, or separate with commas)"},
			&cli.StringSliceFlag{Name: "cc", Usage: "copy `ADDRESS` (repeat, or separate with commas)"},
			&cli.StringFlag{Name: "subject", Usage: "subject line or template ({{.Quarter}}, {{.Organisation}}, {{.Marking}})"},
			&cli.StringFlag{Name: "config", Usage: "pir.toml: [email] defaults, organisation, marking, database", EnvVars: []string{"PIR_CONFIG"}},
			&cli.StringFlag{Name: "quarter", Usage: "put `QUARTER`'s KPI summary (e.g. 2024-Q1) in the body"},
			dbFlag(),
			&cli.StringFlag{Name: "eml", Usage: "write the message to `FILE` (- for stdout) instead of sending it"},
		}, smtpFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return usagef("pir mail --to ciso@example.org out/report-2024-Q1.pdf", "mail needs at least one FILE to attach")
			}
			var cfg *Config
			if p := c.String("config"); p != "" {
				var err error
				if cfg, err = loadConfig(p); err != nil {
					return usagef("pir mail --help", "%v", err)
				}
			}
			msg, err := mailMessage(c, e, cfg)
			if err != nil {
				return err
			}
			if out := c.String("eml"); out != "" {
				return writeEML(e, out, msg)
			}
			srv, err := smtpServer(c, e, cfg)
			if err != nil {
				return err
			}
			start := e.now()
			id, err := mail.Send(c.Context, srv, msg)
			if err != nil {
				return fmt.Errorf("mail not sent: %w", err)
			}
			e.log.Info("mail sent", "message_id", id, "recipients", len(msg.Recipients()),
				"attachments", len(msg.Attachments), "duration", e.now().Sub(start).Round(time.Millisecond))
			return nil
		},
	}
}

// mailMessage builds the `pir mail` message from flags, config and files.
func mailMessage(c *cli.Context, e *env, cfg *Config) (*mail.Message, error) {
	var ec EmailConfig
	if cfg != nil {
		ec = cfg.Email
	}
	msg := &mail.Message{
		From: ec.From,
		To:   splitAddrs(c.StringSlice("to")),
		Cc:   splitAddrs(c.StringSlice("cc")),
		Date: e.now(),
	}
	if c.IsSet("from") {
		msg.From = c.String("from")
	}
	if !c.IsSet("to") {
		msg.To = ec.To
		if !c.IsSet("cc") {
			msg.Cc = ec.Cc
		}
	}
	if msg.From == "" {
		return nil, usagef(`pir mail --from "pir <pir@example.org>" …`, "mail needs a sender: --from, $PIR_SMTP_FROM or email.from")
	}
	if len(msg.To) == 0 {
		return nil, usagef("pir mail --to ciso@example.org FILE", "mail needs a recipient: --to or email.to")
	}
	var names []string
	for _, p := range c.Args().Slice() {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("attach: %w", err)
		}
		name := filepath.Base(p)
		names = append(names, name)
		msg.Attachments = append(msg.Attachments, mail.Attachment{Name: name, ContentType: attachmentType(name), Data: b})
	}
	subject := c.String("subject")
	if subject == "" {
		subject = ec.Subject
	}
	if q := c.String("quarter"); q != "" {
		sum, err := quarterSummary(c, e, cfg, q)
		if err != nil {
			return nil, err
		}
		sum.Attachments = names
		if msg.Subject, err = mail.Subject(subject, sum); err != nil {
			return nil, usagef("--subject 'IR report {{.Quarter}}'", "%v", err)
		}
		msg.Text = sum.Text()
		if msg.HTML, err = sum.HTML(); err != nil {
			return nil, err
		}
		return msg, nil
	}
	if subject == "" {
		subject = "pir: " + strings.Join(names, ", ")
	} else if strings.Contains(subject, "{{") {
		var err error
		s := mail.Summary{}
		if cfg != nil {
			s.Organisation, s.Marking = cfg.Organisation, cfg.Marking
		}
		if subject, err = mail.Subject(subject, s); err != nil {
			return nil, usagef("--subject 'IR report'", "%v", err)
		}
	}
	msg.Subject = subject
	msg.Text, msg.HTML = mail.FilesBody(names)
	return msg, nil
}

// splitAddrs accepts repeated flags and comma-separated lists.
func splitAddrs(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, a := range strings.Split(v, ",") {
			if a = strings.TrimSpace(a); a != "" {
				out = append(out, a)
			}
		}
	}
	return out
}

// writeEML writes msg to path ("-" is stdout) atomically.
func writeEML(e *env, path string, msg *mail.Message) error {
	if path == "-" {
		_, err := msg.WriteTo(e.stdout)
		return err
	}
	t, err := newPendingFile(path)
	if err != nil {
		return err
	}
	defer t.discard()
	if _, err := msg.WriteTo(t.f); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := t.commit(); err != nil {
		return err
	}
	e.log.Info("mail written", "path", path, "message_id", msg.MessageID)
	return nil
}

// quarterSummary builds the report for quarter from the database (--db, or
// db in the config) and takes the email's KPI summary from it, formatted
// as the PDF formats it.
func quarterSummary(c *cli.Context, e *env, cfg *Config, quarter string) (mail.Summary, error) {
	q, err := analytics.ParseQuarter(quarter)
	if err != nil {
		return mail.Summary{}, usagef("pir mail --quarter 2024-Q1 …", "--quarter %v", err)
	}
	path := c.String("db")
	opts := pirsql.Options{ReadOnly: true}
	bo := analytics.Options{Quarter: q.String(), Now: e.now, Version: version}
	if cfg != nil {
		if !c.IsSet("db") && cfg.DB != "" {
			path = cfg.resolve(cfg.DB)
		}
		opts.TimeZone = cfg.TimeZone
		bo.Quarters, bo.Cohort, bo.Organisation, bo.Marking = cfg.Quarters, cfg.Cohort, cfg.Organisation, cfg.Marking
	}
	if _, err := os.Stat(path); err != nil {
		return mail.Summary{}, fmt.Errorf("--quarter needs the database: %w", err)
	}
	db, err := pirsql.Open(c.Context, path, opts)
	if err != nil {
		return mail.Summary{}, err
	}
	defer db.Close()
	if cfg != nil && len(cfg.Metrics) > 0 {
		base, err := analytics.DefaultDefinitions(c.Context, db)
		if err != nil {
			return mail.Summary{}, err
		}
		var over []analytics.MetricDef
		for _, m := range cfg.Metrics {
			over = append(over, analytics.MetricDef{Name: m.Name, Label: m.Label, Start: m.Start, End: m.End})
		}
		bo.Definitions = analytics.MergeDefinitions(base, over)
	}
	rep, err := analytics.Build(c.Context, db, bo)
	if err != nil {
		return mail.Summary{}, err
	}
	return reportSummary(rep), nil
}

// pendingFile is an output being written under a temporary name next to
// its final path; commit renames it into place (atomic on one file system),
// discard removes it.
type pendingFile struct {
	f    *os.File
	path string
	done bool
}

func newPendingFile(path string) (*pendingFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return &pendingFile{f: f, path: path}, nil
}

func (p *pendingFile) commit() error {
	if err := p.f.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", p.path, err)
	}
	if err := p.f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", p.path, err)
	}
	if err := os.Rename(p.f.Name(), p.path); err != nil {
		return fmt.Errorf("write %s: %w", p.path, err)
	}
	p.done = true
	return nil
}

func (p *pendingFile) discard() {
	if p.done {
		return
	}
	p.f.Close()
	os.Remove(p.f.Name())
	p.done = true
}

// reportSummary fills the email's KPI summary from the report model with
// the formatters the PDF uses (package display), so the email and page 1 of
// the PDF print the same numbers.
func reportSummary(r *analytics.Report) mail.Summary {
	s := mail.Summary{
		Organisation: r.Organisation, Quarter: r.Quarter, Marking: r.Marking,
		TimeZone: r.TimeZone, Cohort: r.Cohort, Version: r.Version, Cases: r.Cases,
		Overdue: r.OverdueTotal, Sentences: append([]string(nil), r.Summary...),
	}
	if q, err := analytics.ParseQuarter(r.Quarter); err == nil {
		s.Previous = q.Prev().String()
	}
	for _, k := range r.KPIs {
		row := mail.KPIRow{
			Label: k.Label, Median: display.DurationPtr(k.Current.Median), P90: display.DurationPtr(k.Current.P90),
			N: k.Current.N, SmallSample: k.Current.SmallSample,
			PrevMedian: display.NoValue, Change: display.Change(k.QoQ).String(), Direction: k.QoQ.Direction,
		}
		if row.Label == "" {
			row.Label = k.Metric
		}
		if k.Previous != nil {
			row.PrevMedian = display.DurationPtr(k.Previous.Median)
		}
		if row.Direction == "" {
			row.Direction = "n/a"
		}
		s.Rows = append(s.Rows, row)
	}
	return s
}
