package main

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pirhq/pir/mail/mailpittest"
)

// outboxConfig writes a pir.toml into dir that reports on the example
// cases and mails through the SMTP server on port.
func outboxConfig(t testing.TB, dir string, port int) string {
	t.Helper()
	cfg := fmt.Sprintf(`db = "data/pir.duckdb"
time_zone = "Europe/Berlin"
organisation = "ACME Corp"
out_dir = "out"

[[source]]
paths = [%q]
format = "pir"

[email]
%s`, examplesCases(t), smtpEmail(port, ""))
	path := filepath.Join(dir, "pir.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// outboxStates lists the outbox as "message_id=state" in the order sent.
func outboxStates(t testing.TB, db string) string {
	t.Helper()
	return queryString(t, db, `SELECT coalesce(string_agg(message_id || '=' || state, ',' ORDER BY created_at, message_id), '') FROM mail_outbox`)
}

// mailedPDF is the PDF attached to mailpit's message n (0 the newest).
func mailedPDF(t *testing.T, mp *mailpittest.Server, n int) (messageID string, pdf []byte) {
	t.Helper()
	list := mp.Messages(t)
	if len(list) <= n {
		t.Fatalf("mailpit has %d messages, want at least %d", len(list), n+1)
	}
	m := mp.Message(t, list[n].ID)
	for _, a := range m.Attachments {
		if a.ContentType == "application/pdf" {
			return m.MessageID, mp.Part(t, m.ID, a.PartID)
		}
	}
	t.Fatalf("message %s has no PDF attached", m.MessageID)
	return "", nil
}

// failWrites makes every later write of process pid to a file fail, as a
// full disk does: its file size limit (RLIMIT_FSIZE) becomes 0, so the
// kernel refuses each write with EFBIG (pir ignores the SIGXFSZ that comes
// with it, main.go). A real full disk cannot be placed as exactly: a small
// write that fits the last, partly used block of a file still succeeds on
// one (a tmpfs filled at that moment let the mail-log commit through).
func failWrites(pid int) error {
	return unix.Prlimit(pid, unix.RLIMIT_FSIZE, &unix.Rlimit{Cur: 0, Max: 0}, nil)
}

// TestRunMailLogWriteFails: every file write of pir fails (as on a full
// disk) once the SMTP server has accepted the report email, before pir
// records it. pir publishes the PDF it mailed (renames need no space) and
// exits 1 saying the email was sent; re-runs with --no-resend never send a
// second email (counted in mailpit) until an operator records what
// happened; after --mark-sent the quarter is skipped as sent.
func TestRunMailLogWriteFails(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess test")
	}
	mp := mailpittest.Start(t)
	var target atomic.Pointer[pirProc]
	var failErr atomic.Value
	relay := mp.Relay(t, func(int) mailpittest.Answer {
		if p := target.Load(); p != nil {
			if err := failWrites(p.cmd.Process.Pid); err != nil {
				failErr.Store(err)
			}
		}
		return mailpittest.Accept
	})
	dir := t.TempDir()
	cfg := outboxConfig(t, dir, relay.Port)
	db := filepath.Join(dir, "data", "pir.duckdb")
	args := []string{"run", "--config", cfg, "--quarter", "2025-Q4", "--no-resend"}

	p := startPir(t, nil, args...)
	target.Store(p)
	code := p.wait()
	target.Store(nil)
	stdout, stderr := p.stdout.String(), p.stderr.String()
	if err, _ := failErr.Load().(error); err != nil {
		t.Fatalf("prlimit: %v", err)
	}
	if n := len(mp.Messages(t)); n != 1 {
		t.Fatalf("mailpit got %d messages, want 1:\n%s", n, stderr)
	}
	id, pdf := mailedPDF(t, mp, 0)
	errLines := grepLines(stderr, "Error:")
	if code != 1 || len(errLines) != 1 || !strings.Contains(errLines[0], "the email "+id+" was sent, but recording it failed") ||
		!strings.Contains(errLines[0], "--mark-sent "+id) || !strings.Contains(errLines[0], "the outputs are published") {
		t.Fatalf("exit %d, want 1 and one Error line saying %s was sent but not recorded, how to record it, and that the outputs are published:\n%s%s", code, id, stdout, stderr)
	}
	t.Logf("the run: %s", errLines[0])
	// The PDF that was mailed is the one published.
	if got, err := os.ReadFile(filepath.Join(dir, "out", "report-2025-Q4.pdf")); err != nil || !bytes.Equal(got, pdf) {
		t.Errorf("out/report-2025-Q4.pdf (%d bytes, %v) is not the PDF mailed (%d bytes)", len(got), err, len(pdf))
	}

	// Cron retries: the email is possibly sent, so it is not sent again.
	for i := range 3 {
		code, _, stderr := execPir(t, args...)
		errLines := grepLines(stderr, "Error:")
		if code != 1 || len(errLines) != 1 || !strings.Contains(errLines[0], "the email "+id+" for 2025-Q4") ||
			!strings.Contains(errLines[0], "may have been delivered") || !strings.Contains(errLines[0], "Not sending again (--no-resend)") ||
			!strings.Contains(errLines[0], "--mark-sent "+id) || !strings.Contains(errLines[0], "--mark-unsent "+id) {
			t.Errorf("retry %d: exit %d, want 1 and an Error line naming %s as possibly delivered and both ways to resolve it:\n%s", i+1, code, id, stderr)
		}
	}
	if n := len(mp.Messages(t)); n != 1 {
		t.Fatalf("mailpit got %d messages after the retries, want still 1", n)
	}
	if got := outboxStates(t, db); got != id+"=sending" {
		t.Errorf("outbox: got %q, want %s=sending", got, id)
	}
	if got := queryString(t, db, "SELECT count(*) FROM mail_log"); got != "0" {
		t.Errorf("mail_log: got %s rows, want 0 before the operator records it", got)
	}

	// The operator records that it arrived; the quarter is then sent.
	code, stdout, stderr = execPir(t, "run", "--config", cfg, "--mark-sent", id, "--summary")
	if code != 0 || stdout != "2025-Q4: recorded "+id+" as sent\n" {
		t.Fatalf("--mark-sent: exit %d, stdout %q:\n%s", code, stdout, stderr)
	}
	if got := queryString(t, db, "SELECT message_id FROM mail_log WHERE quarter = '2025-Q4'"); got != id {
		t.Errorf("mail_log: got %q, want %s", got, id)
	}
	code, stdout, stderr = execPir(t, append(args, "--summary")...)
	if code != 0 || !strings.Contains(stdout, "skipped, already sent as "+id) {
		t.Errorf("after --mark-sent: exit %d, stdout %q, want skipped:\n%s", code, stdout, stderr)
	}
	t.Run("ErrMarkTwice", func(t *testing.T) {
		code, _, stderr := execPir(t, "run", "--config", cfg, "--mark-unsent", id)
		if code != 1 || !strings.Contains(stderr, "already has it as sent") {
			t.Errorf("exit %d, want 1 saying it is already sent:\n%s", code, stderr)
		}
	})
	if n := len(mp.Messages(t)); n != 1 {
		t.Errorf("mailpit got %d messages in the end, want 1", n)
	}
}

// TestRunKilledAfterAcceptance kills `pir run --no-resend` with SIGKILL
// once the SMTP server has taken the email: before its 250 reaches pir, and
// at seeded random moments after it (while pir publishes the outputs and
// records the delivery). Afterwards a re-run with --no-resend never sends a
// second email (counted in mailpit): it skips the quarter when the kill
// came after the delivery was recorded, and otherwise stops naming the
// possibly sent email. --mark-unsent then lets the next run send.
func TestRunKilledAfterAcceptance(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess crash test")
	}
	mp := mailpittest.Start(t)
	var target atomic.Pointer[pirProc]
	var delay atomic.Int64 // <0: kill before the reply; else after the reply, this many µs later
	relay := mp.Relay(t, func(int) mailpittest.Answer {
		p := target.Load()
		if p == nil {
			return mailpittest.Accept
		}
		d := delay.Load()
		if d < 0 {
			p.cmd.Process.Signal(syscall.SIGKILL)
			return mailpittest.HangUp
		}
		go func() {
			time.Sleep(time.Duration(d) * time.Microsecond)
			p.cmd.Process.Signal(syscall.SIGKILL)
		}()
		return mailpittest.Accept
	})
	rng := rand.New(rand.NewSource(20260101))
	delays := []int64{-1, 0, int64(rng.Intn(20000)), int64(rng.Intn(100000))}
	pending := 0
	for i, d := range delays {
		dir := t.TempDir()
		cfg := outboxConfig(t, dir, relay.Port)
		db := filepath.Join(dir, "data", "pir.duckdb")
		before := len(mp.Messages(t))
		delay.Store(d)
		p := startPir(t, nil, "run", "--config", cfg, "--quarter", "2025-Q4", "--no-resend")
		target.Store(p)
		code := p.wait()
		target.Store(nil)
		if n := len(mp.Messages(t)); n != before+1 {
			t.Fatalf("kill %d: mailpit got %d new messages, want 1 (exit %d):\n%s", i, n-before, code, p.stderr)
		}
		id, pdf := mailedPDF(t, mp, 0)
		state := outboxStates(t, db)
		where := "before the reply"
		if d >= 0 {
			where = fmt.Sprintf("%dµs after the reply", d)
		}
		t.Logf("kill %d %s: exit %d, outbox %s", i, where, code, state)
		switch state {
		case id + "=sent":
			// Recorded: it was published first.
			if got, err := os.ReadFile(filepath.Join(dir, "out", "report-2025-Q4.pdf")); err != nil || !bytes.Equal(got, pdf) {
				t.Errorf("kill %d: recorded as sent but out/report-2025-Q4.pdf (%v) is not the PDF mailed", i, err)
			}
		case id + "=sending":
			pending++
		default:
			t.Fatalf("kill %d %s: outbox %q, want %s sending or sent", i, where, state, id)
		}
		for range 2 {
			code, stdout, stderr := execPir(t, "run", "--config", cfg, "--quarter", "2025-Q4", "--no-resend", "--summary")
			switch {
			case state == id+"=sent" && code == 0 && strings.Contains(stdout, "skipped, already sent as "+id):
			case state == id+"=sending" && code == 1 && strings.Contains(stderr, "the email "+id+" for 2025-Q4") &&
				strings.Contains(stderr, "may have been delivered"):
			default:
				t.Fatalf("re-run after kill %d (outbox %s): exit %d, stdout %q:\n%s", i, state, code, stdout, stderr)
			}
		}
		if n := len(mp.Messages(t)); n != before+1 {
			t.Fatalf("re-runs after kill %d sent %d more emails, want none", i, n-before-1)
		}
		if state == id+"=sending" {
			// The operator finds it did not arrive (say): the next run sends.
			if code, _, stderr := execPir(t, "run", "--config", cfg, "--mark-unsent", id); code != 0 {
				t.Fatalf("--mark-unsent: exit %d:\n%s", code, stderr)
			}
			code, stdout, stderr := execPir(t, "run", "--config", cfg, "--quarter", "2025-Q4", "--no-resend", "--summary")
			if code != 0 || !regexp.MustCompile(`sent \S+ to 3 recipient`).MatchString(stdout) {
				t.Fatalf("run after --mark-unsent: exit %d, stdout %q:\n%s", code, stdout, stderr)
			}
			if n := len(mp.Messages(t)); n != before+2 {
				t.Fatalf("run after --mark-unsent: mailpit got %d new messages, want 2", n-before)
			}
			newID, _ := mailedPDF(t, mp, 0)
			if got, want := outboxStates(t, db), id+"=not_sent,"+newID+"=sent"; got != want {
				t.Errorf("outbox: got %s, want %s", got, want)
			}
		}
	}
	if pending == 0 {
		t.Error("no kill left the email unrecorded: the test did not hit the window")
	}
}

// TestRunReplyLost: the connection drops after the whole message went to
// the server and before its reply (the server did store it). pir does not
// retry, publishes the outputs that may have been mailed, keeps the email
// as possibly sent; --no-resend stops, a dry run with --no-resend warns,
// and a run without --no-resend sends again, saying so.
func TestRunReplyLost(t *testing.T) {
	mp := mailpittest.Start(t)
	relay := mp.Relay(t, func(n int) mailpittest.Answer {
		if n == 1 {
			return mailpittest.HangUp
		}
		return mailpittest.Accept
	})
	dir, cfg := runConfig(t, examplesCases(t), smtpEmail(relay.Port, ""))
	db := filepath.Join(dir, "data", "pir.duckdb")
	code, _, stderr := runPirAt(t, runNow, "run", "--config", cfg, "--no-resend")
	id, pdf := mailedPDF(t, mp, 0)
	errLines := grepLines(stderr, "Error:")
	if code != 1 || len(errLines) != 1 || !strings.Contains(errLines[0], "email: may have been sent as "+id) ||
		!strings.Contains(errLines[0], "the outputs that were mailed are published") {
		t.Fatalf("exit %d, want 1 and one Error line saying %s may have been sent:\n%s", code, id, stderr)
	}
	if n := relay.Conns.Load(); n != 1 {
		t.Errorf("got %d SMTP connections, want 1 (no retry after the whole message was sent)", n)
	}
	if got, err := os.ReadFile(filepath.Join(dir, "out", "report-2025-Q4.pdf")); err != nil || !bytes.Equal(got, pdf) {
		t.Errorf("out/report-2025-Q4.pdf (%v) is not the PDF mailed", err)
	}
	if got := outboxStates(t, db); got != id+"=sending" {
		t.Errorf("outbox: got %q, want %s=sending", got, id)
	}

	code, _, stderr = runPirAt(t, runNow, "run", "--config", cfg, "--no-resend")
	if code != 1 || !strings.Contains(stderr, "Error: run 2025-Q4: the email "+id+" for 2025-Q4 (to ciso@example.org, cto@example.org, soc-lead@example.org, attempted ") ||
		!strings.Contains(stderr, "`pir run --config "+shellWord(cfg)+" --mark-sent "+id+"`") {
		t.Errorf("--no-resend: exit %d, want 1 naming %s and the command to record it:\n%s", code, id, stderr)
	}
	code, _, stderr = runPirAt(t, runNow, "run", "--config", cfg, "--no-resend", "--dry-run")
	if code != 0 || !strings.Contains(stderr, "a real run with --no-resend would stop here") {
		t.Errorf("--dry-run --no-resend: exit %d, want 0 and a warning:\n%s", code, stderr)
	}
	if n := len(mp.Messages(t)); n != 1 {
		t.Fatalf("mailpit got %d messages, want still 1", n)
	}
	code, _, stderr = runPirAt(t, runNow, "run", "--config", cfg)
	if code != 0 || !strings.Contains(stderr, "an earlier email for this quarter may have been delivered; sending again") {
		t.Errorf("without --no-resend: exit %d, want 0 and a warning:\n%s", code, stderr)
	}
	if n := len(mp.Messages(t)); n != 2 {
		t.Errorf("mailpit got %d messages, want 2: a run without --no-resend sends", n)
	}
	t.Run("ErrMarkUnknown", func(t *testing.T) {
		code, _, stderr := runPirAt(t, runNow, "run", "--config", cfg, "--mark-sent", "nobody@example.org")
		if code != 1 || !strings.Contains(stderr, "no such message in the outbox") {
			t.Errorf("exit %d:\n%s", code, stderr)
		}
	})
	t.Run("MarkSentAsInTheHeader", func(t *testing.T) {
		code, stdout, stderr := runPirAt(t, runNow, "run", "--config", cfg, "--mark-sent", "<"+id+">", "--summary")
		if code != 0 || stdout != "2025-Q4: recorded "+id+" as sent\n" {
			t.Fatalf("exit %d, stdout %q:\n%s", code, stdout, stderr)
		}
		// Both were recorded at the same injected instant: order aside.
		if got := outboxStates(t, db); !strings.Contains(got, id+"=sent") || strings.Contains(got, "=sending") {
			t.Errorf("outbox: got %q, want %s sent and nothing sending", got, id)
		}
		if n := mailLogCount(t, dir, "2025-Q4"); n != 2 {
			t.Errorf("mail_log: got %d rows, want 2", n)
		}
	})
	t.Run("ErrMarkUsage", func(t *testing.T) {
		code, _, stderr := runPirAt(t, runNow, "run", "--config", cfg, "--mark-sent", id, "--mark-unsent", id)
		if code != 2 {
			t.Errorf("exit %d, want 2:\n%s", code, stderr)
		}
	})
}

// TestRunRefusedIsNotPending: a message the server refused is settled as
// not sent, so a later --no-resend run tries again instead of stopping.
func TestRunRefusedIsNotPending(t *testing.T) {
	r := mailpittest.Respond(t, "220 responder ready", "554 5.7.1 message refused by policy")
	dir, cfg := runConfig(t, examplesCases(t), smtpEmail(r.Port, ""))
	for i := range 2 {
		code, _, stderr := runPirAt(t, runNow, "run", "--config", cfg, "--no-resend")
		if code != 1 || !strings.Contains(stderr, "email: not sent") || strings.Contains(stderr, "may have been") {
			t.Fatalf("run %d: exit %d, want 1 and 'not sent':\n%s", i+1, code, stderr)
		}
	}
	if n := r.Conns.Load(); n != 2 {
		t.Errorf("got %d SMTP connections, want 2 (the second run tried again)", n)
	}
	got := outboxStates(t, filepath.Join(dir, "data", "pir.duckdb"))
	if !regexp.MustCompile(`^[^,=]+=not_sent,[^,=]+=not_sent$`).MatchString(got) {
		t.Errorf("outbox: got %q, want two messages not sent", got)
	}
}
