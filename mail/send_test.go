package mail_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pirhq/pir/mail"
	"github.com/pirhq/pir/mail/mailpittest"
)

const password = "Tr0ub4dor&3-not-in-logs"

// logTo returns a logger that writes into b, so tests can grep it.
func logTo(b *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// assertNoPassword fails when the password (or its base64 forms) leaks.
func assertNoPassword(t *testing.T, where string, s string) {
	t.Helper()
	for _, leak := range []string{password, "VHIwdWI0ZG9yJjMtbm90LWluLWxvZ3M="} {
		if strings.Contains(s, leak) {
			t.Errorf("%s contains the password:\n%s", where, s)
		}
	}
}

func reportMessage(t *testing.T, pdf []byte) *mail.Message {
	t.Helper()
	return &mail.Message{
		From:    "pir reports <pir@example.org>",
		To:      []string{"ciso@example.org", "cto@example.org"},
		Cc:      []string{"soc-lead@example.org"},
		Subject: "ACME: Incident response report 2024-Q1",
		Text:    "Median time to contain 4.1 h (p90 30.5 h), -55% vs 2023-Q4.\n",
		HTML:    "<p>Median time to contain <b>4.1 h</b> (p90 30.5 h), -55% vs 2023-Q4.</p>",
		Date:    time.Date(2024, 4, 1, 6, 5, 0, 0, time.UTC),
		Attachments: []mail.Attachment{
			{Name: "report-2024-Q1.pdf", ContentType: mail.ContentTypePDF, Data: pdf},
			{Name: "dashboard-2024-Q1.html", ContentType: mail.ContentTypeHTML, Data: []byte("<!DOCTYPE html><title>d</title>")},
		},
	}
}

func randomPDF(t *testing.T) []byte {
	t.Helper()
	b := make([]byte, 64<<10)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return append([]byte("%PDF-1.4\n"), b...)
}

func TestSendMailpit(t *testing.T) {
	mp := mailpittest.Start(t)
	pdf := randomPDF(t)
	m := reportMessage(t, pdf)
	var logs bytes.Buffer
	id, err := mail.Send(context.Background(), mail.Server{
		Host: mp.Host, Port: mp.SMTPPort, TLS: mail.TLSNone, Log: logTo(&logs),
	}, m)
	if err != nil {
		t.Fatal(err)
	}
	if id == "" || id != m.MessageID {
		t.Fatalf("got Message-ID %q, want %q", id, m.MessageID)
	}
	list := mp.Messages(t)
	if len(list) != 1 {
		t.Fatalf("got %d messages, want 1", len(list))
	}
	got := mp.Message(t, list[0].ID)
	if got.MessageID != id {
		t.Errorf("Message-ID got %q, want %q", got.MessageID, id)
	}
	if got.Subject != m.Subject {
		t.Errorf("subject got %q, want %q", got.Subject, m.Subject)
	}
	if got.From.Address != "pir@example.org" {
		t.Errorf("from got %+v", got.From)
	}
	if a := addrs(got.To); a != "ciso@example.org,cto@example.org" {
		t.Errorf("to got %s", a)
	}
	if a := addrs(got.Cc); a != "soc-lead@example.org" {
		t.Errorf("cc got %s", a)
	}
	if !strings.Contains(got.Text, "Median time to contain 4.1 h") {
		t.Errorf("text body got %q", got.Text)
	}
	if !strings.Contains(got.HTML, "<b>4.1 h</b>") {
		t.Errorf("HTML body got %q", got.HTML)
	}
	if len(got.Attachments) != 2 {
		t.Fatalf("got %d attachments, want 2: %+v", len(got.Attachments), got.Attachments)
	}
	a := got.Attachments[0]
	if a.FileName != "report-2024-Q1.pdf" || a.ContentType != "application/pdf" {
		t.Errorf("attachment got %+v", a)
	}
	if body := mp.Part(t, got.ID, a.PartID); !bytes.Equal(body, pdf) {
		t.Errorf("attachment is not byte-identical to the PDF (%d vs %d bytes)", len(body), len(pdf))
	}
	if got.Attachments[1].FileName != "dashboard-2024-Q1.html" || !strings.HasPrefix(got.Attachments[1].ContentType, "text/html") {
		t.Errorf("second attachment got %+v", got.Attachments[1])
	}
	if !strings.Contains(logs.String(), "smtp sent") {
		t.Errorf("log lacks the sent line:\n%s", logs.String())
	}
}

func addrs(as []mailpittest.Address) string {
	var s []string
	for _, a := range as {
		s = append(s, a.Address)
	}
	return strings.Join(s, ",")
}

func TestSendHeaderInjection(t *testing.T) {
	mp := mailpittest.Start(t)
	m := reportMessage(t, []byte("%PDF"))
	m.Subject = "ACME\r\nBcc: victim@example.org\r\nX-Injected: yes\r\n\r\nfake body"
	if _, err := mail.Send(context.Background(), mail.Server{Host: mp.Host, Port: mp.SMTPPort, TLS: mail.TLSNone}, m); err != nil {
		t.Fatal(err)
	}
	list := mp.Messages(t)
	if len(list) != 1 {
		t.Fatalf("got %d messages, want 1", len(list))
	}
	h := mp.Headers(t, list[0].ID)
	for _, bad := range []string{"X-Injected", "Bcc"} {
		if v, ok := h[bad]; ok {
			t.Errorf("header %s created: %q", bad, v)
		}
	}
	if len(list[0].Bcc) != 0 {
		t.Errorf("bcc got %+v, want none", list[0].Bcc)
	}
	if want := "ACME Bcc: victim@example.org X-Injected: yes fake body"; list[0].Subject != want {
		t.Errorf("subject got %q, want %q", list[0].Subject, want)
	}
	if !strings.Contains(mp.Message(t, list[0].ID).Text, "Median time to contain") {
		t.Errorf("body was replaced")
	}
}

func TestSendAuth(t *testing.T) {
	users := map[string]string{"pir": password}
	mp := mailpittest.Start(t, "--smtp-auth-file", mailpittest.AuthFile(t, users), "--smtp-auth-allow-insecure")
	for _, mech := range []string{"", "plain", "login"} {
		t.Run("OK"+mech, func(t *testing.T) {
			var logs bytes.Buffer
			srv := mail.Server{Host: mp.Host, Port: mp.SMTPPort, TLS: mail.TLSNone, Username: "pir",
				Password: password, Auth: mech, Log: logTo(&logs)}
			if _, err := mail.Send(context.Background(), srv, reportMessage(t, []byte("%PDF"))); err != nil {
				t.Fatal(err)
			}
			assertNoPassword(t, "log", logs.String())
		})
	}
	t.Run("ErrWrongPassword", func(t *testing.T) {
		var logs bytes.Buffer
		// The wrong password is the secret here: it must not leak either.
		srv := mail.Server{Host: mp.Host, Port: mp.SMTPPort, TLS: mail.TLSNone, Username: "pir",
			Password: password + "x", Backoff: time.Millisecond, Log: logTo(&logs)}
		_, err := mail.Send(context.Background(), srv, reportMessage(t, []byte("%PDF")))
		var se *mail.SendError
		if !errors.As(err, &se) || se.Temporary || se.Attempts != 1 {
			t.Fatalf("got %v, want a permanent failure after 1 attempt", err)
		}
		if !strings.Contains(err.Error(), "AUTH") {
			t.Errorf("got %v, want it to name AUTH", err)
		}
		assertNoPassword(t, "error", err.Error())
		assertNoPassword(t, "log", logs.String())
		assertNoPassword(t, "mailpit log", readLog(t, mp))
	})
	t.Run("ErrNoAuth", func(t *testing.T) {
		_, err := mail.Send(context.Background(), mail.Server{Host: mp.Host, Port: mp.SMTPPort, TLS: mail.TLSNone, Backoff: time.Millisecond},
			reportMessage(t, []byte("%PDF")))
		var se *mail.SendError
		if !errors.As(err, &se) || se.Temporary {
			t.Fatalf("got %v, want a permanent refusal without AUTH", err)
		}
	})
	if n := len(mp.Messages(t)); n != 3 {
		t.Errorf("got %d messages, want 3 (one per mechanism)", n)
	}
}

func readLog(t *testing.T, mp *mailpittest.Server) string {
	b, _ := readFile(mp.Dir + "/mailpit.log")
	return string(b)
}

func TestSendSTARTTLS(t *testing.T) {
	certFile, keyFile, certPEM := mailpittest.SelfSignedCert(t)
	users := map[string]string{"pir": password}
	mp := mailpittest.Start(t, "--smtp-tls-cert", certFile, "--smtp-tls-key", keyFile, "--smtp-require-starttls",
		"--smtp-auth-file", mailpittest.AuthFile(t, users))
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	t.Run("OK", func(t *testing.T) {
		srv := mail.Server{Host: mp.Host, Port: mp.SMTPPort, Username: "pir", Password: password, RootCAs: pool}
		if _, err := mail.Send(context.Background(), srv, reportMessage(t, []byte("%PDF"))); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrUnknownCertificate", func(t *testing.T) {
		srv := mail.Server{Host: mp.Host, Port: mp.SMTPPort, Username: "pir", Password: password, Backoff: time.Millisecond}
		_, err := mail.Send(context.Background(), srv, reportMessage(t, []byte("%PDF")))
		var se *mail.SendError
		if !errors.As(err, &se) || se.Temporary || se.Attempts != 1 {
			t.Fatalf("got %v, want a permanent certificate failure after 1 attempt", err)
		}
		if !strings.Contains(err.Error(), "certificate") {
			t.Errorf("got %v, want it to name the certificate", err)
		}
		assertNoPassword(t, "error", err.Error())
	})
	t.Run("ErrOpportunisticStillNeedsTrust", func(t *testing.T) {
		srv := mail.Server{Host: mp.Host, Port: mp.SMTPPort, TLS: mail.TLSOpportunistic, Backoff: time.Millisecond}
		if _, err := mail.Send(context.Background(), srv, reportMessage(t, []byte("%PDF"))); err == nil {
			t.Fatal("got nil, want a certificate error")
		}
	})
	if n := len(mp.Messages(t)); n != 1 {
		t.Errorf("got %d messages, want 1", n)
	}
}

func TestSendImplicitTLS(t *testing.T) {
	certFile, keyFile, certPEM := mailpittest.SelfSignedCert(t)
	mp := mailpittest.Start(t, "--smtp-tls-cert", certFile, "--smtp-tls-key", keyFile, "--smtp-require-tls",
		"--smtp-auth-file", mailpittest.AuthFile(t, map[string]string{"pir": password}))
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	srv := mail.Server{Host: mp.Host, Port: mp.SMTPPort, TLS: mail.TLSImplicit, Username: "pir", Password: password, RootCAs: pool}
	if _, err := mail.Send(context.Background(), srv, reportMessage(t, []byte("%PDF"))); err != nil {
		t.Fatal(err)
	}
	if n := len(mp.Messages(t)); n != 1 {
		t.Errorf("got %d messages, want 1", n)
	}
}

func TestSendMandatoryWithoutSTARTTLS(t *testing.T) {
	mp := mailpittest.Start(t)
	srv := mail.Server{Host: mp.Host, Port: mp.SMTPPort, Backoff: time.Millisecond} // default: mandatory
	_, err := mail.Send(context.Background(), srv, reportMessage(t, []byte("%PDF")))
	var se *mail.SendError
	if !errors.As(err, &se) || se.Temporary || se.Attempts != 1 || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("got %v, want a permanent STARTTLS failure", err)
	}
	if n := len(mp.Messages(t)); n != 0 {
		t.Errorf("got %d messages, want 0", n)
	}
}

func TestSendOpportunisticLoopbackAuth(t *testing.T) {
	// Without STARTTLS on offer, opportunistic mode stays in clear text; AUTH
	// is then allowed only because the host is loopback (see
	// TestAuthRefusesClearText for a remote host).
	mp := mailpittest.Start(t, "--smtp-auth-file", mailpittest.AuthFile(t, map[string]string{"pir": password}), "--smtp-auth-allow-insecure")
	srv := mail.Server{Host: mp.Host, Port: mp.SMTPPort, TLS: mail.TLSOpportunistic, Username: "pir", Password: password}
	if _, err := mail.Send(context.Background(), srv, reportMessage(t, []byte("%PDF"))); err != nil {
		t.Fatalf("loopback opportunistic: %v", err)
	}
}

func TestSendRefusedRecipient(t *testing.T) {
	mp := mailpittest.Start(t, "--smtp-allowed-recipients", `^allowed@example\.org$`)
	m := reportMessage(t, []byte("%PDF"))
	_, err := mail.Send(context.Background(), mail.Server{Host: mp.Host, Port: mp.SMTPPort, TLS: mail.TLSNone, Backoff: time.Millisecond}, m)
	var se *mail.SendError
	if !errors.As(err, &se) || se.Temporary || se.Attempts != 1 {
		t.Fatalf("got %v, want a permanent refusal after 1 attempt", err)
	}
	if !strings.Contains(err.Error(), "ciso@example.org") {
		t.Errorf("got %v, want it to name the refused recipient", err)
	}
	if n := len(mp.Messages(t)); n != 0 {
		t.Errorf("got %d messages, want 0", n)
	}
}

func TestSendRefusedAfterData(t *testing.T) {
	r := mailpittest.Respond(t, "220 responder ready", "554 5.7.1 message refused by policy")
	_, err := mail.Send(context.Background(), mail.Server{Host: "127.0.0.1", Port: r.Port, TLS: mail.TLSNone, Backoff: time.Millisecond},
		reportMessage(t, []byte("%PDF")))
	var se *mail.SendError
	if !errors.As(err, &se) || se.Temporary {
		t.Fatalf("got %v, want a permanent refusal", err)
	}
	if !strings.Contains(err.Error(), "554") {
		t.Errorf("got %v, want the server's 554 reply", err)
	}
	if n := r.Conns.Load(); n != 1 {
		t.Errorf("got %d connections, want 1 (no retry of a 5xx)", n)
	}
}

func TestSendTransientRetries(t *testing.T) {
	r := mailpittest.Respond(t, "421 4.3.2 service busy, try later", "")
	var logs bytes.Buffer
	start := time.Now()
	_, err := mail.Send(context.Background(), mail.Server{Host: "127.0.0.1", Port: r.Port, TLS: mail.TLSNone,
		Retries: 2, Backoff: 20 * time.Millisecond, Log: logTo(&logs)}, reportMessage(t, []byte("%PDF")))
	var se *mail.SendError
	if !errors.As(err, &se) || !se.Temporary || se.Attempts != 3 {
		t.Fatalf("got %v, want a transient failure after 3 attempts", err)
	}
	if n := r.Conns.Load(); n != 3 {
		t.Errorf("got %d connections, want 3", n)
	}
	// Back-off: 20 ms then 40 ms.
	if d := time.Since(start); d < 60*time.Millisecond {
		t.Errorf("took %v, want at least 60ms of back-off", d)
	}
	if !strings.Contains(err.Error(), "gave up after 3 attempts") || !strings.Contains(err.Error(), "421") {
		t.Errorf("got %v", err)
	}
	if c := strings.Count(logs.String(), "retrying"); c != 2 {
		t.Errorf("got %d retry log lines, want 2:\n%s", c, logs.String())
	}
}

func TestSendServerDown(t *testing.T) {
	port := mailpittest.FreePort(t) // nothing listens here
	var logs bytes.Buffer
	srv := mail.Server{Host: "127.0.0.1", Port: port, TLS: mail.TLSNone, Username: "pir", Password: password,
		Retries: 2, Backoff: 10 * time.Millisecond, ConnectTimeout: time.Second, Log: logTo(&logs)}
	_, err := mail.Send(context.Background(), srv, reportMessage(t, []byte("%PDF")))
	var se *mail.SendError
	if !errors.As(err, &se) || !se.Temporary || se.Attempts != 3 {
		t.Fatalf("got %v, want a transient failure after 3 attempts", err)
	}
	want := fmt.Sprintf("smtp 127.0.0.1:%d: gave up after 3 attempts", port)
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("got %q, want %q … connection refused", err, want)
	}
	assertNoPassword(t, "error", err.Error())
	assertNoPassword(t, "log", logs.String())
}

func TestSendCancelled(t *testing.T) {
	port := mailpittest.FreePort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := mail.Send(ctx, mail.Server{Host: "127.0.0.1", Port: port, TLS: mail.TLSNone, Retries: 5, Backoff: time.Second},
		reportMessage(t, []byte("%PDF")))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the context's deadline", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v, want the back-off cut short", d)
	}
}

func TestSendRefusesClearTextRemote(t *testing.T) {
	_, err := mail.Send(context.Background(), mail.Server{Host: "smtp.example.org", TLS: mail.TLSNone}, reportMessage(t, []byte("%PDF")))
	if err == nil || !strings.Contains(err.Error(), "not a loopback") {
		t.Fatalf("got %v, want a refusal of TLS none", err)
	}
}

func readFile(p string) ([]byte, error) { return os.ReadFile(p) }

func TestSendTimeout(t *testing.T) {
	// A server that accepts the connection and never greets.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c) // held open, silent
		}
	}()
	start := time.Now()
	_, err = mail.Send(context.Background(), mail.Server{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, TLS: mail.TLSNone,
		SendTimeout: 200 * time.Millisecond, Retries: 1, Backoff: 10 * time.Millisecond}, reportMessage(t, []byte("%PDF")))
	var se *mail.SendError
	if !errors.As(err, &se) || !se.Temporary || se.Attempts != 2 || !strings.Contains(err.Error(), "timeout") {
		t.Fatalf("got %v, want a transient timeout after 2 attempts", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v, want about 2 × 200ms", d)
	}
}

// TestSendMaybeDelivered: a connection lost after the message's final dot
// and before the server's reply leaves the message possibly delivered (here
// it was: mailpit has it). Send reports that and does not retry, which
// would deliver it twice; a 4xx reply to the message is retried.
func TestSendMaybeDelivered(t *testing.T) {
	srv := func(port int) mail.Server {
		return mail.Server{Host: "127.0.0.1", Port: port, TLS: mail.TLSNone, Retries: 3, Backoff: time.Millisecond}
	}
	t.Run("ReplyLost", func(t *testing.T) {
		mp := mailpittest.Start(t)
		r := mp.Relay(t, func(int) mailpittest.Answer { return mailpittest.HangUp })
		_, err := mail.Send(context.Background(), srv(r.Port), reportMessage(t, []byte("%PDF")))
		if err == nil || !mail.MaybeDelivered(err) || !strings.Contains(err.Error(), "may have accepted it") {
			t.Fatalf("got %v, want a possibly delivered error", err)
		}
		if n := r.Conns.Load(); n != 1 {
			t.Errorf("got %d connections, want 1 (no retry after the final dot)", n)
		}
		if n := len(mp.Messages(t)); n != 1 {
			t.Errorf("mailpit got %d messages, want 1", n)
		}
	})
	t.Run("DeliveredThenHangUp", func(t *testing.T) {
		// The server answers 250 and drops the connection before RSET: the
		// message is delivered, the send succeeded.
		mp := mailpittest.Start(t)
		r := mp.Relay(t, func(int) mailpittest.Answer { return mailpittest.AcceptThenHangUp })
		m := reportMessage(t, []byte("%PDF"))
		id, err := mail.Send(context.Background(), srv(r.Port), m)
		if err != nil || id != m.MessageID {
			t.Fatalf("got %q %v, want %s sent", id, err, m.MessageID)
		}
		if n := len(mp.Messages(t)); n != 1 || r.Conns.Load() != 1 {
			t.Errorf("mailpit got %d messages over %d connections, want 1 over 1", n, r.Conns.Load())
		}
	})
	t.Run("RefusedIsNot", func(t *testing.T) {
		r := mailpittest.Respond(t, "220 responder ready", "451 4.3.0 try again later")
		_, err := mail.Send(context.Background(), srv(r.Port), reportMessage(t, []byte("%PDF")))
		if err == nil || mail.MaybeDelivered(err) {
			t.Fatalf("got %v, want a failure that is not possibly delivered", err)
		}
		if n := r.Conns.Load(); n != 4 {
			t.Errorf("got %d connections, want 4 (a 4xx reply is retried)", n)
		}
	})
}
