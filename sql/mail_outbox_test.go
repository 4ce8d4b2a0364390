package sql

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// TestMailOutbox: an intent is 'sending' until settled; settling it as sent
// adds it to mail_log in the same transaction, as not sent does not; a
// message settles once.
func TestMailOutbox(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, ":memory:", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 1, 1, 6, 0, 0, 0, time.UTC)
	for i, id := range []string{"a@example.org", "b@example.org", "c@example.org"} {
		err := db.RecordMailIntent(ctx, MailRecord{
			Quarter: "2025-Q4", MessageID: id, SentAt: at.Add(time.Duration(i) * time.Minute),
			Sender: "pir@example.org", Recipients: []string{"ciso@example.org", "o'brien@example.org"},
			Subject: "IR 2025-Q4", SMTPServer: "smtp.example.org:587",
			Attachments: []string{"report-2025-Q4.pdf"}, PDFSHA256: "abc",
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Run("ErrDuplicateIntent", func(t *testing.T) {
		if err := db.RecordMailIntent(ctx, MailRecord{Quarter: "2025-Q4", MessageID: "a@example.org", SentAt: at}); err == nil {
			t.Error("a second intent with the same Message-ID was recorded")
		}
	})
	settled := at.Add(time.Hour)
	if err := db.SettleMail(ctx, MailOutcome{MessageID: "a@example.org", State: OutboxSent, SettledAt: settled, SentAt: at.Add(time.Second), Outcome: "250 ok"}); err != nil {
		t.Fatal(err)
	}
	if err := db.SettleMail(ctx, MailOutcome{MessageID: "b@example.org", State: OutboxNotSent, SettledAt: settled, Outcome: "554 refused"}); err != nil {
		t.Fatal(err)
	}
	t.Run("Sending", func(t *testing.T) {
		got, err := db.Outbox(ctx, OutboxFilter{Quarter: "2025-Q4", State: OutboxSending})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].MessageID != "c@example.org" || !got[0].CreatedAt.Equal(at.Add(2*time.Minute)) ||
			!slices.Equal(got[0].Recipients, []string{"ciso@example.org", "o'brien@example.org"}) ||
			!slices.Equal(got[0].Attachments, []string{"report-2025-Q4.pdf"}) || got[0].PDFSHA256 != "abc" || got[0].Outcome != "" {
			t.Errorf("got %+v, want c@example.org alone", got)
		}
	})
	t.Run("MailLog", func(t *testing.T) {
		last, err := db.LastMail(ctx, "2025-Q4", "")
		if err != nil {
			t.Fatal(err)
		}
		if last == nil || last.MessageID != "a@example.org" || !last.SentAt.Equal(at.Add(time.Second)) || last.Subject != "IR 2025-Q4" {
			t.Errorf("got %+v, want a@example.org sent at %v", last, at.Add(time.Second))
		}
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM mail_log`).Scan(&n); err != nil || n != 1 {
			t.Errorf("mail_log: got %d rows (%v), want 1: the message not sent is not in it", n, err)
		}
	})
	t.Run("View", func(t *testing.T) {
		var states string
		if err := db.QueryRowContext(ctx, `SELECT string_agg(state || ':' || coalesce(outcome, '-'), ',') FROM mail_outbox`).Scan(&states); err != nil {
			t.Fatal(err)
		}
		if states != "sending:-,not_sent:554 refused,sent:250 ok" {
			t.Errorf("got %s, want newest first", states)
		}
	})
	t.Run("ErrSettledTwice", func(t *testing.T) {
		for _, o := range []MailOutcome{
			{MessageID: "a@example.org", State: OutboxNotSent, SettledAt: settled},
			{MessageID: "b@example.org", State: OutboxSent, SettledAt: settled, SentAt: settled},
			{MessageID: "unknown@example.org", State: OutboxSent, SettledAt: settled, SentAt: settled},
		} {
			if err := db.SettleMail(ctx, o); !errors.Is(err, ErrNotSending) {
				t.Errorf("%s: got %v, want ErrNotSending", o.MessageID, err)
			}
		}
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM mail_log`).Scan(&n); err != nil || n != 1 {
			t.Errorf("mail_log: got %d rows (%v), want still 1", n, err)
		}
	})
	t.Run("ErrBadState", func(t *testing.T) {
		if err := db.SettleMail(ctx, MailOutcome{MessageID: "c@example.org", State: OutboxSending}); err == nil {
			t.Error("settled as 'sending'")
		}
	})
}
