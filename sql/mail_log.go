package sql

import (
	"context"
	stdsql "database/sql"
	_ "embed" // the mail log queries are embedded files
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

//go:embed queries/mail_log_insert.sql
var mailLogInsert string

//go:embed queries/mail_log_last.sql
var mailLogLast string

// MailRecord is one delivered report email (table store.mail_log).
type MailRecord struct {
	Quarter string
	// Report is the report the email carried: "" for the report on every
	// case (the provider's), else the [[report]] name of a client's.
	Report string
	// AnyReport: recorded before pir kept the report (column NULL); it
	// counts for every report of its quarter.
	AnyReport   bool
	MessageID   string
	SentAt      time.Time
	Sender      string
	Recipients  []string
	Subject     string
	SMTPServer  string
	Attachments []string
	PDFSHA256   string
}

// RecordMail stores a delivered report email.
func (db *DB) RecordMail(ctx context.Context, r MailRecord) error {
	var pdf any
	if r.PDFSHA256 != "" {
		pdf = r.PDFSHA256
	}
	_, err := db.ExecContext(ctx, mailLogInsert, r.Quarter, r.MessageID, r.SentAt, r.Sender,
		jsonList(r.Recipients), r.Subject, r.SMTPServer, jsonList(r.Attachments), pdf, r.Report)
	if err != nil {
		return fmt.Errorf("mail log: record %s: %w", r.Quarter, err)
	}
	return nil
}

// LastMail returns the latest email recorded for quarter's report (""
// for the report on every case, else a [[report]] name), counting those
// recorded before pir kept the report, or nil when none was sent.
func (db *DB) LastMail(ctx context.Context, quarter, report string) (*MailRecord, error) {
	r := MailRecord{Quarter: quarter}
	var rcpts string
	var rep stdsql.NullString
	err := db.QueryRowContext(ctx, mailLogLast, quarter, report).Scan(&r.MessageID, &r.SentAt, &r.Sender, &rcpts, &r.Subject, &r.SMTPServer, &rep)
	r.Report, r.AnyReport = rep.String, !rep.Valid
	if errors.Is(err, stdsql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("mail log: %s: %w", quarter, err)
	}
	if err := json.Unmarshal([]byte(rcpts), &r.Recipients); err != nil {
		return nil, fmt.Errorf("mail log: %s: recipients: %w", quarter, err)
	}
	return &r, nil
}

// jsonList encodes a string list for a CAST(… ::JSON AS VARCHAR[]).
func jsonList(l []string) string {
	if l == nil {
		l = []string{}
	}
	b, _ := json.Marshal(l) // marshalling strings cannot fail
	return string(b)
}
