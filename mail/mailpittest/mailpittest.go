// Package mailpittest runs a real SMTP server for tests: mailpit
// (github.com/axllent/mailpit) on 127.0.0.1 with free ports and its own
// database in the test's temp dir, read back through its HTTP API.
//
// The binary is looked up on PATH, in .tools/bin of the module root (where
// scripts/deps.sh installs it) and in $GOBIN / $GOPATH/bin. When it is
// missing the test is skipped, except in CI (CI=true), where it fails.
package mailpittest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pirhq/pir/internal/testenv"
)

// Server is a running mailpit.
type Server struct {
	Host     string // 127.0.0.1
	SMTPPort int
	API      string // http://127.0.0.1:PORT
	Dir      string
}

// Binary returns the mailpit executable, or "" when there is none.
func Binary() string {
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p
	}
	var dirs []string
	if root := moduleRoot(); root != "" {
		dirs = append(dirs, filepath.Join(root, ".tools", "bin"))
	}
	if gobin := os.Getenv("GOBIN"); gobin != "" {
		dirs = append(dirs, gobin)
	}
	if gopath := os.Getenv("GOPATH"); gopath != "" {
		dirs = append(dirs, filepath.Join(filepath.SplitList(gopath)[0], "bin"))
	} else if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, "go", "bin"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, "mailpit")
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0 {
			return p
		}
	}
	return ""
}

func moduleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Require returns the mailpit binary or ends the test: Fatal in CI, Skip
// elsewhere.
func Require(t testing.TB) string {
	t.Helper()
	bin := Binary()
	if bin == "" {
		testenv.Missing(t, "mailpit not found on PATH or in .tools/bin: run `bash scripts/deps.sh` (go install github.com/axllent/mailpit@v1.33.1)")
	}
	return bin
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Start runs mailpit with extra flags (e.g. "--smtp-auth-file", path) and
// stops it when the test ends.
func Start(t testing.TB, extra ...string) *Server {
	t.Helper()
	bin := Require(t)
	dir := t.TempDir()
	var lastErr error
	for try := 0; try < 3; try++ {
		s := &Server{Host: "127.0.0.1", SMTPPort: FreePort(t), Dir: dir}
		httpPort := FreePort(t)
		s.API = fmt.Sprintf("http://127.0.0.1:%d", httpPort)
		args := append([]string{
			"--listen", fmt.Sprintf("127.0.0.1:%d", httpPort),
			"--smtp", fmt.Sprintf("127.0.0.1:%d", s.SMTPPort),
			"--database", filepath.Join(dir, fmt.Sprintf("mailpit-%d.db", try)),
			"--disable-version-check",
			"--smtp-disable-rdns",
			"--log-file", filepath.Join(dir, "mailpit.log"),
		}, extra...)
		cmd := exec.Command(bin, args...)
		cmd.Stdout = io.Discard
		cmd.Stderr = io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatalf("start mailpit: %v", err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		if err := s.waitReady(exited); err != nil {
			cmd.Process.Kill()
			<-exited
			lastErr = err
			continue
		}
		t.Cleanup(func() {
			cmd.Process.Signal(os.Interrupt)
			select {
			case <-exited:
			case <-time.After(5 * time.Second):
				cmd.Process.Kill()
				<-exited
			}
		})
		return s
	}
	log, _ := os.ReadFile(filepath.Join(dir, "mailpit.log"))
	t.Fatalf("mailpit did not start: %v\n%s", lastErr, log)
	return nil
}

func (s *Server) waitReady(exited <-chan error) error {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("mailpit exited: %v", err)
		default:
		}
		resp, err := http.Get(s.API + "/api/v1/messages")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				c, err := net.DialTimeout("tcp", net.JoinHostPort(s.Host, strconv.Itoa(s.SMTPPort)), time.Second)
				if err == nil {
					c.Close()
					return nil
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("mailpit not ready after 20s")
}

// Address is an email address in mailpit's API.
type Address struct {
	Name    string `json:"Name"`
	Address string `json:"Address"`
}

// Summary is one entry of GET /api/v1/messages.
type Summary struct {
	ID          string    `json:"ID"`
	MessageID   string    `json:"MessageID"`
	From        Address   `json:"From"`
	To          []Address `json:"To"`
	Cc          []Address `json:"Cc"`
	Bcc         []Address `json:"Bcc"`
	Subject     string    `json:"Subject"`
	Attachments int       `json:"Attachments"`
}

// Attachment is a part of GET /api/v1/message/ID.
type Attachment struct {
	PartID      string `json:"PartID"`
	FileName    string `json:"FileName"`
	ContentType string `json:"ContentType"`
	Size        int    `json:"Size"`
}

// Message is GET /api/v1/message/ID.
type Message struct {
	ID          string       `json:"ID"`
	MessageID   string       `json:"MessageID"`
	From        Address      `json:"From"`
	To          []Address    `json:"To"`
	Cc          []Address    `json:"Cc"`
	Bcc         []Address    `json:"Bcc"`
	Subject     string       `json:"Subject"`
	Text        string       `json:"Text"`
	HTML        string       `json:"HTML"`
	Attachments []Attachment `json:"Attachments"`
}

// Messages lists the stored messages, newest first.
func (s *Server) Messages(t testing.TB) []Summary {
	t.Helper()
	var out struct {
		Messages []Summary `json:"messages"`
	}
	s.getJSON(t, "/api/v1/messages", &out)
	return out.Messages
}

// Message fetches one message with both bodies.
func (s *Server) Message(t testing.TB, id string) Message {
	t.Helper()
	var m Message
	s.getJSON(t, "/api/v1/message/"+url.PathEscape(id), &m)
	return m
}

// Headers fetches a message's headers.
func (s *Server) Headers(t testing.TB, id string) map[string][]string {
	t.Helper()
	h := map[string][]string{}
	s.getJSON(t, "/api/v1/message/"+url.PathEscape(id)+"/headers", &h)
	return h
}

// Part downloads an attachment's bytes.
func (s *Server) Part(t testing.TB, id, part string) []byte {
	t.Helper()
	return s.get(t, "/api/v1/message/"+url.PathEscape(id)+"/part/"+url.PathEscape(part))
}

// Raw downloads the message source as received.
func (s *Server) Raw(t testing.TB, id string) []byte {
	t.Helper()
	return s.get(t, "/api/v1/message/"+url.PathEscape(id)+"/raw")
}

func (s *Server) get(t testing.TB, path string) []byte {
	t.Helper()
	resp, err := http.Get(s.API + path)
	if err != nil {
		t.Fatalf("mailpit GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("mailpit GET %s: %v", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("mailpit GET %s: %s: %s", path, resp.Status, b)
	}
	return b
}

func (s *Server) getJSON(t testing.TB, path string, v any) {
	t.Helper()
	if err := json.Unmarshal(s.get(t, path), v); err != nil {
		t.Fatalf("mailpit GET %s: %v", path, err)
	}
}

// AuthFile writes a mailpit password file ("user:password" per line) and
// returns its path.
func AuthFile(t testing.TB, users map[string]string) string {
	t.Helper()
	var b strings.Builder
	for u, p := range users {
		fmt.Fprintf(&b, "%s:%s\n", u, p)
	}
	p := filepath.Join(t.TempDir(), "smtp-auth")
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// SelfSignedCert writes a certificate and key for 127.0.0.1 and localhost
// and returns their paths and the PEM of the certificate (for a root pool).
func SelfSignedCert(t testing.TB) (certFile, keyFile string, certPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "pir test SMTP"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	certFile = filepath.Join(dir, "cert.pem")
	keyFile = filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, certPEM
}
