package sql

import (
	"context"
	"slices"
	"testing"
	"time"
)

func TestMailLog(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, ":memory:", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	t.Run("NoneYet", func(t *testing.T) {
		r, err := db.LastMail(ctx, "2024-Q1", "")
		if err != nil || r != nil {
			t.Fatalf("got %+v %v, want nil", r, err)
		}
	})
	first := time.Date(2024, 4, 1, 6, 5, 0, 0, time.UTC)
	for i, id := range []string{"a@example.org", "b@example.org"} {
		err := db.RecordMail(ctx, MailRecord{
			Quarter: "2024-Q1", MessageID: id, SentAt: first.Add(time.Duration(i) * time.Hour),
			Sender: "pir@example.org", Recipients: []string{"ciso@example.org", "o'brien@example.org"},
			Subject: "IR 2024-Q1", SMTPServer: "smtp.example.org:587",
			Attachments: []string{"report-2024-Q1.pdf"}, PDFSHA256: "abc",
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Run("Latest", func(t *testing.T) {
		r, err := db.LastMail(ctx, "2024-Q1", "")
		if err != nil {
			t.Fatal(err)
		}
		if r == nil || r.MessageID != "b@example.org" || !r.SentAt.Equal(first.Add(time.Hour)) ||
			!slices.Equal(r.Recipients, []string{"ciso@example.org", "o'brien@example.org"}) ||
			r.Subject != "IR 2024-Q1" || r.SMTPServer != "smtp.example.org:587" || r.Sender != "pir@example.org" {
			t.Errorf("got %+v", r)
		}
	})
	t.Run("OtherQuarter", func(t *testing.T) {
		r, err := db.LastMail(ctx, "2024-Q2", "")
		if err != nil || r != nil {
			t.Fatalf("got %+v %v, want nil", r, err)
		}
	})
	t.Run("View", func(t *testing.T) {
		var n int
		var atts string
		if err := db.QueryRowContext(ctx, `SELECT count(*), any_value(array_to_string(attachments, ',')) FROM mail_log WHERE quarter = '2024-Q1'`).Scan(&n, &atts); err != nil {
			t.Fatal(err)
		}
		if n != 2 || atts != "report-2024-Q1.pdf" {
			t.Errorf("got %d %q, want 2 report-2024-Q1.pdf", n, atts)
		}
	})
}
