package sql

import (
	"context"
	stdsql "database/sql"
	_ "embed" // the outbox queries are embedded files
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

//go:embed queries/mail_outbox_insert.sql
var mailOutboxInsert string

//go:embed queries/mail_outbox_settle.sql
var mailOutboxSettle string

//go:embed queries/mail_log_from_outbox.sql
var mailLogFromOutbox string

//go:embed queries/mail_outbox_select.sql
var mailOutboxSelect string

// The states of an outbox message (store.mail_outbox.state).
const (
	// OutboxSending: the intent is recorded, the outcome is not. The
	// message may have been delivered.
	OutboxSending = "sending"
	// OutboxSent: the server accepted it (or an operator confirmed it
	// arrived); store.mail_log has it too.
	OutboxSent = "sent"
	// OutboxNotSent: the server refused it or could not be reached (or an
	// operator confirmed it did not arrive).
	OutboxNotSent = "not_sent"
)

// ErrNotSending is returned by SettleMail for a message that is not in the
// outbox in state 'sending' (unknown, or already settled).
var ErrNotSending = errors.New("not in the outbox as 'sending'")

// OutboxMail is one message of the outbox (table store.mail_outbox).
type OutboxMail struct {
	// MailRecord holds what was (to be) sent; its SentAt is unused.
	MailRecord
	CreatedAt time.Time
	State     string
	Outcome   string
}

// RecordMailIntent records, and commits, the intent to send r before pir
// connects to the SMTP server (state 'sending', created at r.SentAt). A
// message whose intent cannot be recorded must not be sent.
func (db *DB) RecordMailIntent(ctx context.Context, r MailRecord) error {
	var pdf any
	if r.PDFSHA256 != "" {
		pdf = r.PDFSHA256
	}
	_, err := db.ExecContext(ctx, mailOutboxInsert, r.MessageID, r.Quarter, r.SentAt, r.Sender,
		jsonList(r.Recipients), r.Subject, r.SMTPServer, jsonList(r.Attachments), pdf, r.Report)
	if err != nil {
		return fmt.Errorf("mail outbox: record the intent to send %s: %w", r.MessageID, err)
	}
	return nil
}

// MailOutcome is what became of an outbox message.
type MailOutcome struct {
	MessageID string
	// State is OutboxSent or OutboxNotSent.
	State string
	// SettledAt is when the outcome was known (or decided).
	SettledAt time.Time
	// SentAt is the delivery time recorded in store.mail_log for OutboxSent.
	SentAt time.Time
	// Outcome says why: the server's answer or the operator's decision.
	Outcome string
}

// SettleMail records the outcome of a message in state 'sending'; for
// OutboxSent it also adds the message to store.mail_log, in the same
// transaction. ErrNotSending when the message is not in that state.
func (db *DB) SettleMail(ctx context.Context, o MailOutcome) error {
	if o.State != OutboxSent && o.State != OutboxNotSent {
		return fmt.Errorf("mail outbox: %s: state %q: want %s or %s", o.MessageID, o.State, OutboxSent, OutboxNotSent)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("mail outbox: %s: %w", o.MessageID, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, mailOutboxSettle, o.MessageID, o.State, o.SettledAt, o.Outcome)
	if err != nil {
		return fmt.Errorf("mail outbox: record %s as %s: %w", o.MessageID, o.State, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("mail outbox: %s: %w", o.MessageID, ErrNotSending)
	}
	if o.State == OutboxSent {
		if _, err := tx.ExecContext(ctx, mailLogFromOutbox, o.MessageID, o.SentAt); err != nil {
			return fmt.Errorf("mail log: record %s: %w", o.MessageID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("mail outbox: record %s as %s: %w", o.MessageID, o.State, err)
	}
	return nil
}

// OutboxFilter selects outbox messages; empty fields match any.
type OutboxFilter struct {
	MessageID string
	Quarter   string
	State     string
}

// Outbox returns the outbox messages f selects, oldest first.
func (db *DB) Outbox(ctx context.Context, f OutboxFilter) ([]OutboxMail, error) {
	null := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	rows, err := db.QueryContext(ctx, mailOutboxSelect, null(f.MessageID), null(f.Quarter), null(f.State))
	if err != nil {
		return nil, fmt.Errorf("mail outbox: %w", err)
	}
	defer rows.Close()
	var out []OutboxMail
	for rows.Next() {
		var m OutboxMail
		var outcome, pdf, report stdsql.NullString
		var rcpts, atts string
		if err := rows.Scan(&m.MessageID, &m.Quarter, &m.CreatedAt, &m.State, &outcome, &m.Sender, &rcpts,
			&m.Subject, &m.SMTPServer, &atts, &pdf, &report); err != nil {
			return nil, fmt.Errorf("mail outbox: %w", err)
		}
		m.Outcome, m.PDFSHA256 = outcome.String, pdf.String
		m.Report, m.AnyReport = report.String, !report.Valid
		if err := json.Unmarshal([]byte(rcpts), &m.Recipients); err != nil {
			return nil, fmt.Errorf("mail outbox: %s: recipients: %w", m.MessageID, err)
		}
		if err := json.Unmarshal([]byte(atts), &m.Attachments); err != nil {
			return nil, fmt.Errorf("mail outbox: %s: attachments: %w", m.MessageID, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("mail outbox: %w", err)
	}
	return out, nil
}
