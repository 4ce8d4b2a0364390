package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pirhq/pir/mail/mailpittest"
	pirsql "github.com/pirhq/pir/sql"
)

// addUntenanted appends to the cases file copies of its first n cases
// detected in one of months ("2025-07"), with new ids and no tenant.
func addUntenanted(t *testing.T, path string, months []string, n int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	out.Write(b)
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	added := 0
	for sc.Scan() && added < n {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		tl, _ := rec["timeline"].(map[string]any)
		det, _ := tl["detection"].(string)
		in := false
		for _, m := range months {
			in = in || strings.HasPrefix(det, m)
		}
		if !in {
			continue
		}
		rec["id"] = fmt.Sprintf("NOTENANT-%d", added)
		delete(rec, "tenant")
		line, _ := json.Marshal(rec)
		out.Write(append(line, '\n'))
		added++
	}
	if added != n {
		t.Fatalf("found %d cases detected in %v to copy, want %d", added, months, n)
	}
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRunTenantNoResend: --no-resend decides per client. A client email
// left possibly sent (an outbox row 'sending' for acme) holds back acme's
// report alone: globex is produced and sent through a real SMTP server,
// then the run fails naming acme's email. The next run skips globex (sent)
// and still holds acme; once an operator records acme's email as not
// delivered, the next run sends acme only. Cases without a tenant are
// counted in a warning.
func TestRunTenantNoResend(t *testing.T) {
	mp := mailpittest.Start(t)
	dir := t.TempDir()
	cases := writeTenantCases(t, dir)
	const q = "2025-Q3" // the last complete quarter in UTC at runNow
	addUntenanted(t, cases, []string{"2025-07", "2025-08", "2025-09"}, 2)
	cfg := filepath.Join(dir, "pir.toml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(`db = "data/pir.duckdb"
time_zone = "UTC"
organisation = "Provider SOC"
out_dir = "out"

[[source]]
paths = [%q]

[email]
from = "reports@provider.example"
host = "127.0.0.1"
port = %d
tls = "none"
retries = 0

[[report]]
tenant = "acme"
recipients = ["ciso@acme.example"]

[[report]]
tenant = "globex"
name = "globex-corp"
recipients = ["ciso@globex.example"]
`, cases, mp.SMTPPort)), 0o644); err != nil {
		t.Fatal(err)
	}

	// acme's email of the quarter may have gone out (a run was killed).
	dbPath := filepath.Join(dir, "data", "pir.duckdb")
	if err := os.MkdirAll(filepath.Dir(dbPath), 0o755); err != nil {
		t.Fatal(err)
	}
	db, err := pirsql.Open(context.Background(), dbPath, pirsql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const stale = "pir.stale.acme@provider.example"
	if err := db.RecordMailIntent(context.Background(), pirsql.MailRecord{Quarter: q, Report: "acme", MessageID: stale,
		SentAt: runNow.Add(-1e9 * 3600), Sender: "reports@provider.example", Recipients: []string{"ciso@acme.example"},
		Subject: "acme", SMTPServer: "127.0.0.1:25"}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	code, stdout, stderr := runPirAt(t, runNow, "run", "--config", cfg, "--no-resend", "--summary")
	if code != 1 {
		t.Fatalf("first run: exit %d, want 1 (acme held back):\n%s", code, stderr)
	}
	for _, want := range []string{"the other reports are done", "the email " + stale + " for " + q + " (report acme)", "--mark-unsent " + stale,
		"2 cases of " + q + " have no tenant, so no client's report shows them; they are in no report"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("first run: stderr lacks %q:\n%s", want, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "globex-corp", "report-"+q+".pdf")); err != nil || stdout != "" {
		t.Errorf("first run: globex's report not written (%v), or a summary printed for a failed run: %q", err, stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "acme")); !os.IsNotExist(err) {
		t.Errorf("first run: acme's report was written (%v), want it held back", err)
	}
	to := func() []string {
		var out []string
		for _, m := range mp.Messages(t) {
			out = append(out, m.To[0].Address)
		}
		return out
	}
	if got := to(); strings.Join(got, ",") != "ciso@globex.example" {
		t.Fatalf("first run: mailed %v, want globex only", got)
	}
	if got := queryString(t, dbPath, `SELECT string_agg(report || '=' || state, ',' ORDER BY report) FROM mail_outbox`); got != "acme=sending,globex-corp=sent" {
		t.Errorf("outbox got %s", got)
	}
	if got := queryString(t, dbPath, `SELECT string_agg(report, ',') FROM mail_log`); got != "globex-corp" {
		t.Errorf("mail_log reports got %s, want globex-corp", got)
	}

	// Again: globex is sent (skipped), acme still held: nothing to do but
	// fail, before ingesting; nothing mailed.
	code, _, stderr = runPirAt(t, runNow, "run", "--config", cfg, "--no-resend")
	if code != 1 || !strings.Contains(stderr, stale) {
		t.Fatalf("second run: exit %d, want 1 naming %s:\n%s", code, stale, stderr)
	}
	if got := to(); len(got) != 1 {
		t.Fatalf("second run: mailpit has %v, want globex's one message", got)
	}

	// The operator finds acme's email did not arrive; the next run sends
	// acme's report alone.
	if code, _, stderr := runPirAt(t, runNow, "run", "--config", cfg, "--mark-unsent", stale); code != 0 {
		t.Fatalf("--mark-unsent: exit %d:\n%s", code, stderr)
	}
	code, stdout, stderr = runPirAt(t, runNow, "run", "--config", cfg, "--no-resend", "--summary")
	if code != 0 {
		t.Fatalf("third run: exit %d:\n%s", code, stderr)
	}
	if !strings.Contains(stdout, q+": skipped (report globex-corp), already sent as ") {
		t.Errorf("third run: --summary does not say globex was skipped:\n%s", stdout)
	}
	if !strings.Contains(stdout, filepath.FromSlash("out/acme/report-"+q+".pdf")) || strings.Contains(stdout, "globex-corp/report") {
		t.Errorf("third run: want acme's report written and globex's not:\n%s", stdout)
	}
	if got := to(); len(got) != 2 || got[0] != "ciso@acme.example" {
		t.Fatalf("third run: mailpit has %v, want acme's message added", got)
	}
	// And then every report is sent: the run skips.
	code, stdout, _ = runPirAt(t, runNow, "run", "--config", cfg, "--no-resend", "--summary")
	if code != 0 || strings.Count(stdout, "skipped") != 2 || len(to()) != 2 {
		t.Errorf("fourth run: exit %d, %d messages, summary:\n%s", code, len(to()), stdout)
	}
}
