package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	pirsql "github.com/pirhq/pir/sql"
)

// The SMTP password must never leave pir's memory except to the SMTP
// server: not in logs, errors, --dry-run output, the database, or a crash
// dump. The mail tests (mail_test.go, run_test.go) cover sends, a wrong
// password, the mail_log table and a readable password file through
// `pir run`; these add the dry run, every table, a goroutine dump of a
// process holding the password, config errors and the file-mode rule.

const hardenSecret = "pir-H4rd3n-smtp-secret-7731"

func noSecret(t *testing.T, where, s string) {
	t.Helper()
	if strings.Contains(s, hardenSecret) {
		i := strings.Index(s, hardenSecret)
		t.Errorf("%s contains the SMTP password: …%s…", where, s[max(0, i-200):min(len(s), i+100)])
	}
}

// secretsConfig writes a pir.toml with SMTP AUTH to 127.0.0.1:port and the
// password in a mode-600 file; it returns the config path.
func secretsConfig(t *testing.T, dir string, port int, extra string) string {
	t.Helper()
	pwFile := filepath.Join(dir, "smtp-password")
	if err := os.WriteFile(pwFile, []byte(hardenSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "pir.toml")
	body := fmt.Sprintf(`db = "pir.duckdb"
out_dir = "out"
[[source]]
paths = [%s]
[email]
from = "pir <pir@example.org>"
to = ["ciso@example.org"]
host = "127.0.0.1"
port = %d
tls = "none"
username = "pir"
password_file = "smtp-password"
retries = 0
%s`, quoteTOML(examplesCases(t)), port, extra)
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestSecretsDryRunAndDatabase: a debug-logged dry run with the password
// configured (file, then environment) writes it nowhere: stdout, stderr,
// every output file, and every row of every table of the database.
func TestSecretsDryRunAndDatabase(t *testing.T) {
	for _, via := range []string{"PasswordFile", "Environment"} {
		t.Run(via, func(t *testing.T) {
			dir := t.TempDir()
			cfg := secretsConfig(t, dir, 2525, "")
			if via == "Environment" {
				os.Remove(filepath.Join(dir, "smtp-password"))
				os.WriteFile(cfg, []byte(strings.Replace(readFile(t, cfg), `password_file = "smtp-password"`, "", 1)), 0o644)
				t.Setenv("PIR_SMTP_PASSWORD", hardenSecret)
			}
			code, stdout, stderr := runPir(t, "", "--log-level", "debug", "run", "--config", cfg, "--quarter", "2025-Q4", "--dry-run", "--summary")
			if code != 0 {
				t.Fatalf("exit %d:\n%s", code, stderr)
			}
			noSecret(t, "stdout", stdout)
			noSecret(t, "stderr", stderr)
			files := 0
			filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() || d.Name() == "smtp-password" {
					return err
				}
				b, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				files++
				noSecret(t, p, string(b))
				return nil
			})
			if _, err := os.Stat(filepath.Join(dir, "out", "report-2025-Q4.eml")); err != nil || files < 4 {
				t.Fatalf("the dry run wrote %d files, want the database, dashboard, PDF and .eml: %v", files, err)
			}
			noSecret(t, "database", dumpTables(t, filepath.Join(dir, "pir.duckdb")))

			// pir mail --eml with the password in the environment.
			t.Setenv("PIR_SMTP_PASSWORD", hardenSecret)
			code, stdout, stderr = runPir(t, "", "--log-level", "debug", "mail", "--config", cfg, "--eml", "-", filepath.Join(dir, "out", "report-2025-Q4.pdf"))
			if code != 0 {
				t.Fatalf("pir mail --eml: exit %d:\n%s", code, stderr)
			}
			noSecret(t, "pir mail --eml stdout", stdout)
			noSecret(t, "pir mail --eml stderr", stderr)
		})
	}
}

// dumpTables renders every row of every table and view in the database as
// text (file bytes may be compressed, rows are not).
func dumpTables(t *testing.T, path string) string {
	t.Helper()
	db, err := pirsql.Open(context.Background(), path, pirsql.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY ALL`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var s, n string
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, fmt.Sprintf("%q.%q", s, n))
	}
	rows.Close()
	if len(tables) < 5 {
		t.Fatalf("found %d tables: %v", len(tables), tables)
	}
	var b strings.Builder
	for _, tbl := range tables {
		rows, err := db.Query("SELECT * FROM " + tbl)
		if err != nil {
			t.Fatalf("%s: %v", tbl, err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("%s: %v", tbl, err)
			}
			fmt.Fprintln(&b, tbl, vals)
		}
		rows.Close()
	}
	return b.String()
}

// TestSecretsCrashDump: a pir run stuck talking to an SMTP server that
// never answers, with the password loaded, is made to dump every
// goroutine's stack (SIGQUIT, GOTRACEBACK=all): the dump does not hold the
// password.
func TestSecretsCrashDump(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess test")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	connected := make(chan net.Conn, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			connected <- c // never answer: the client waits for the greeting
		}
	}()
	dir := t.TempDir()
	cfg := secretsConfig(t, dir, ln.Addr().(*net.TCPAddr).Port, "timeout = \"120s\"\nconnect_timeout = \"120s\"\n")
	p := startPir(t, []string{"GOTRACEBACK=all", "PIR_LOG_LEVEL=debug"}, "--log-level", "debug", "run", "--config", cfg, "--quarter", "2025-Q4")
	select {
	case c := <-connected:
		defer c.Close()
	case <-time.After(3 * time.Minute):
		t.Fatalf("pir run never connected to the SMTP server: %s", p.stderr)
	}
	time.Sleep(200 * time.Millisecond) // into the read of the greeting
	p.cmd.Process.Signal(syscall.SIGQUIT)
	code := p.wait()
	dump := p.stderr.String()
	if code != 2 || !strings.Contains(dump, "SIGQUIT") || !strings.Contains(dump, "goroutine ") {
		t.Fatalf("want a goroutine dump and exit 2, got exit %d:\n%s", code, dump)
	}
	noSecret(t, "the goroutine dump", dump)
	noSecret(t, "stdout", p.stdout.String())
}

// TestSecretsConfig: a password in the config is refused (naming the key,
// not echoing the value), TOML errors on a line with the password do not
// echo it, and a password file is used only when neither group nor others
// can read it.
func TestSecretsConfig(t *testing.T) {
	dir := t.TempDir()
	pdfFile := filepath.Join(dir, "report.pdf")
	os.WriteFile(pdfFile, []byte("%PDF-1.4\n"), 0o644)
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct{ name, body, want string }{
		{"ErrPasswordKey", "[email]\npassword = \"" + hardenSecret + "\"\n", "email.password: passwords are not read from the config; use password_env or password_file"},
		{"ErrPasswordTopLevel", "smtp_password = 1\npassword = \"" + hardenSecret + "\"\n", "password: passwords are not read from the config"},
		{"ErrUnquoted", "[email]\npassword = " + hardenSecret + "\n", "toml: line 2"},
		{"ErrUnterminated", "[email]\npassword_env = \"" + hardenSecret + "\n", "toml: line 2"},
		{"ErrTypo", "[email]\npasword = \"" + hardenSecret + "\"\n", "unknown keys: email.pasword"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := write(tc.name+".toml", tc.body)
			for _, args := range [][]string{
				{"run", "--config", cfg, "--dry-run"},
				{"mail", "--config", cfg, "--to", "a@example.org", "--eml", "-", pdfFile},
				{"report", "--config", cfg, "--out", dir},
			} {
				code, stdout, stderr := runPir(t, "", args...)
				// run and mail call a config mistake a usage error (2);
				// report exits 1.
				if code == 0 || (args[0] != "report" && code != 2) || !strings.Contains(stderr, tc.want) {
					t.Errorf("%s: exit %d, want 2 with %q:\n%s", args[0], code, tc.want, stderr)
				}
				noSecret(t, args[0]+" stderr", stderr)
				noSecret(t, args[0]+" stdout", stdout)
			}
		})
	}

	pw := filepath.Join(dir, "pw")
	link := filepath.Join(dir, "pw-link")
	os.Symlink(pw, link)
	for _, tc := range []struct {
		mode os.FileMode
		file string
		ok   bool
	}{
		{0o600, pw, true}, {0o400, pw, true},
		{0o640, pw, false}, {0o604, pw, false}, {0o644, pw, false}, {0o660, pw, false}, {0o644, link, false},
	} {
		t.Run(fmt.Sprintf("Mode%04o%s", tc.mode, map[bool]string{true: "Link"}[tc.file == link]), func(t *testing.T) {
			os.WriteFile(pw, []byte(hardenSecret+"\n"), 0o600)
			if err := os.Chmod(pw, tc.mode); err != nil {
				t.Fatal(err)
			}
			cfg := write("mode.toml", fmt.Sprintf("[email]\nusername = \"pir\"\npassword_file = %q\n", tc.file))
			code, _, stderr := runPir(t, "", "mail", "--config", cfg, "--from", "pir@example.org", "--to", "a@example.org", "--eml", "-", pdfFile)
			noSecret(t, "stderr", stderr)
			if tc.ok {
				if code != 0 {
					t.Errorf("mode %04o: exit %d, want 0: %s", tc.mode, code, stderr)
				}
				return
			}
			want := fmt.Sprintf("is readable by group or others (mode %04o): chmod 600 it", tc.mode)
			if code != 2 || !strings.Contains(stderr, want) {
				t.Errorf("config: exit %d, want 2 with %q:\n%s", code, want, stderr)
			}
			// The flag is checked when the password is read, before any
			// connection (port 1 is closed anyway).
			code2, _, stderr2 := runPir(t, "", "mail", "--smtp-host", "127.0.0.1", "--smtp-port", "1", "--smtp-tls", "none",
				"--smtp-username", "pir", "--smtp-password-file", tc.file, "--from", "pir@example.org", "--to", "a@example.org", pdfFile)
			noSecret(t, "stderr", stderr2)
			if code2 == 0 || !strings.Contains(stderr2, want) {
				t.Errorf("--smtp-password-file: exit %d, want a refusal with %q:\n%s", code2, want, stderr2)
			}
		})
	}
}
