package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pirhq/pir/mail/mailpittest"
)

// tenantMarkers are strings only one tenant's cases carry: in case ids,
// titles, action-item owners, teams and business units, and one ATT&CK
// technique each (every other technique and all detection rules removed).
var tenantMarkers = map[string][]string{
	"acme":   {"ZQACMEX", "T1566"},
	"globex": {"ZQGLOBEXX", "T1190"},
}

// writeTenantCases writes sample cases of two tenants with tenantMarkers.
func writeTenantCases(t *testing.T, dir string) string {
	t.Helper()
	raw := filepath.Join(dir, "raw.jsonl")
	if code, _, errs := runPir(t, "", "sample", "--cases", "240", "--quarters", "8", "--start", "2024-01-01",
		"--tenants", "acme,globex", "-o", raw); code != 0 {
		t.Fatalf("sample: exit %d: %s", code, errs)
	}
	f, err := os.Open(raw)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out bytes.Buffer
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	seen := map[string]int{}
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		tenant, _ := rec["tenant"].(string)
		m, ok := tenantMarkers[tenant]
		if !ok {
			t.Fatalf("sample case without a known tenant: %v", rec["tenant"])
		}
		seen[tenant]++
		rec["id"] = m[0] + "-" + rec["id"].(string)
		rec["title"] = rec["title"].(string) + " " + m[0] + "title"
		rec["team"] = m[0] + "team"
		rec["business_unit"] = m[0] + "unit"
		rec["techniques"] = []string{m[1]}
		delete(rec, "detection_rules")
		if items, ok := rec["action_items"].([]any); ok {
			for _, it := range items {
				it.(map[string]any)["owner"] = m[0] + "owner"
			}
		}
		b, _ := json.Marshal(rec)
		out.Write(append(b, '\n'))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if seen["acme"] == 0 || seen["globex"] == 0 {
		t.Fatalf("tenants got %v, want cases of both", seen)
	}
	p := filepath.Join(dir, "mssp.jsonl")
	if err := os.WriteFile(p, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRunTenantIsolation is the security test of one report per client:
// two tenants with marker strings, pir run with a [[report]] each and the
// provider's all-tenants report, a real SMTP server; every byte of a
// client's dashboard, PDF text and email (raw source, decoded bodies, the
// attachments) is searched for the other client's markers.
func TestRunTenantIsolation(t *testing.T) {
	mp := mailpittest.Start(t)
	dir := t.TempDir()
	cases := writeTenantCases(t, dir)
	cfg := filepath.Join(dir, "pir.toml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(`db = "data/pir.duckdb"
time_zone = "UTC"
organisation = "Provider SOC"
out_dir = "out"
all_tenants_report = true

[[source]]
paths = [%q]

[email]
from = "reports@provider.example"
to = ["mssp@provider.example"]
host = "127.0.0.1"
port = %d
tls = "none"
retries = 0
attach_html = true

[[report]]
tenant = "acme"
organisation = "Acme Industries"
marking = "TLP:RED"
recipients = ["ciso@acme.example"]

[[report]]
tenant = "globex"
name = "globex-corp"
recipients = ["ciso@globex.example", "soc@globex.example"]
`, cases, mp.SMTPPort)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runPirAt(t, runNow, "run", "--config", cfg, "--summary")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	const q = "2025-Q3" // the last complete quarter in UTC at runNow
	for _, want := range []string{"out/report-" + q + ".pdf", "out/acme/report-" + q + ".pdf", "out/globex-corp/dashboard-" + q + ".html"} {
		if !strings.Contains(stdout, filepath.FromSlash(want)) {
			t.Errorf("--summary lacks %s:\n%s", want, stdout)
		}
	}

	// Each message by its first recipient.
	msgs := map[string]mailpittest.Message{}
	for _, s := range mp.Messages(t) {
		msgs[s.To[0].Address] = mp.Message(t, s.ID)
	}
	if len(msgs) != 3 {
		t.Fatalf("got %d messages (%v), want 3: provider, acme, globex", len(msgs), msgs)
	}
	// The provider's report has both tenants: the markers are real.
	provider := string(mustRead(t, filepath.Join(dir, "out", "dashboard-"+q+".html")))
	for _, m := range append(tenantMarkers["acme"], tenantMarkers["globex"]...) {
		if !strings.Contains(provider, m) {
			t.Errorf("the all-tenants dashboard lacks marker %q: the test would prove nothing", m)
		}
	}

	for _, tc := range []struct {
		tenant, other, folder, rcpt, org string
	}{
		{"acme", "globex", "acme", "ciso@acme.example", "Acme Industries"},
		{"globex", "acme", "globex-corp", "ciso@globex.example", "globex-corp"},
	} {
		t.Run(tc.tenant, func(t *testing.T) {
			html := mustRead(t, filepath.Join(dir, "out", tc.folder, "dashboard-"+q+".html"))
			pdf := mustRead(t, filepath.Join(dir, "out", tc.folder, "report-"+q+".pdf"))
			m, ok := msgs[tc.rcpt]
			if !ok {
				t.Fatalf("no message to %s", tc.rcpt)
			}
			if !strings.Contains(m.Subject, tc.org) {
				t.Errorf("subject %q lacks the client's organisation %q", m.Subject, tc.org)
			}
			outputs := map[string]string{
				"dashboard":  string(html),
				"pdf text":   pdfText(t, pdf),
				"raw email":  withoutBase64Lines(string(mp.Raw(t, m.ID))),
				"email text": m.Text,
				"email html": m.HTML,
				"subject":    m.Subject,
			}
			for _, a := range m.Attachments {
				part := mp.Part(t, m.ID, a.PartID)
				if a.ContentType == "application/pdf" {
					outputs["attached pdf text"] = pdfText(t, part)
				} else {
					outputs["attached "+a.FileName] = string(part)
				}
			}
			// Its own markers are there (the outputs are not empty)...
			for _, want := range tenantMarkers[tc.tenant] {
				if !strings.Contains(outputs["dashboard"], want) {
					t.Errorf("dashboard lacks its own marker %q", want)
				}
			}
			if !strings.Contains(outputs["pdf text"], tenantMarkers[tc.tenant][0]) {
				t.Errorf("PDF lacks its own marker %q", tenantMarkers[tc.tenant][0])
			}
			// ...and nothing of the other tenant, nor the provider's name.
			for name, text := range outputs {
				for _, bad := range append(tenantMarkers[tc.other], tc.other, "Provider SOC") {
					if i := strings.Index(text, bad); i >= 0 {
						lo, hi := max(0, i-60), min(len(text), i+60)
						t.Errorf("%s of %s holds %q of %s: …%s…", name, tc.tenant, bad, tc.other, text[lo:hi])
					}
				}
			}
		})
	}
}

// base64Line is a line of a base64-encoded MIME body.
var base64Line = regexp.MustCompile(`^[A-Za-z0-9+/]{40,}={0,2}\r?$`)

// withoutBase64Lines is a raw email without the lines of its base64 bodies:
// the attachments and bodies are searched decoded, and 600 KB of base64 hold
// any four letters by chance (a PDF's encoding once held "9acmeD").
func withoutBase64Lines(raw string) string {
	lines := strings.Split(raw, "\n")
	kept := lines[:0]
	for _, l := range lines {
		if !base64Line.MatchString(l) {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, "\n")
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
