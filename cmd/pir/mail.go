package main

import (
	"context"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/pirhq/pir/mail"
)

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
			files, err := fileArgs(c, "pir mail --to ciso@example.org out/report-2024-Q1.pdf")
			if err != nil {
				return err
			}
			if len(files) == 0 {
				return usagef("pir mail --to ciso@example.org out/report-2024-Q1.pdf", "mail needs at least one FILE to attach")
			}
			s, err := resolveSettings(c, true)
			if err != nil {
				return err
			}
			msg, err := mailMessage(c, e, s, files)
			if err != nil {
				return err
			}
			if out := c.String("eml"); out != "" {
				return writeEML(e, out, msg)
			}
			srv, err := smtpServer(c, e, s.cfg)
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
func mailMessage(c *cli.Context, e *env, s *settings, files []string) (*mail.Message, error) {
	ec := s.cfg.Email
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
	for _, p := range files {
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
	if s.quarter != "" {
		sum, err := quarterSummary(c.Context, e, s)
		if err != nil {
			return nil, err
		}
		if err := summaryBody(msg, sum, subject); err != nil {
			return nil, usagef("--subject 'IR report {{.Quarter}}'", "%v", err)
		}
		return msg, nil
	}
	if subject == "" {
		subject = "pir: " + strings.Join(names, ", ")
	} else if strings.Contains(subject, "{{") {
		var err error
		sum := mail.Summary{Organisation: s.organisation, Marking: s.marking}
		if subject, err = mail.Subject(subject, sum); err != nil {
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
	if err := writeOutput(e, path, func(w io.Writer) error { _, err := msg.WriteTo(w); return err }); err != nil {
		return err
	}
	if path != "-" {
		e.log.Info("mail written", "path", path, "message_id", msg.MessageID)
	}
	return nil
}

// quarterSummary builds the report model of the settings' quarter (without
// the coverage section, which the email does not show) and takes the
// email's KPI summary from it, formatted as the PDF formats it.
func quarterSummary(ctx context.Context, e *env, s *settings) (mail.Summary, error) {
	db, err := s.openDB(ctx, true)
	if err != nil {
		return mail.Summary{}, err
	}
	defer db.Close()
	rep, err := buildModel(ctx, e, db, s, false, []string{}) // the summary shows no slice
	if err != nil {
		return mail.Summary{}, err
	}
	return reportSummary(rep), nil
}
