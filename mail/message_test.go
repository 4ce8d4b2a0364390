package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	stdhtml "html"
	"io"
	"log/slog"
	"mime"
	"net"
	netmail "net/mail"
	"net/textproto"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wneessen/go-mail/smtp"
)

func TestHeaderText(t *testing.T) {
	tests := []struct {
		name, in, want string
		max            int
	}{
		{"Plain", "pir report 2024-Q1", "pir report 2024-Q1", 0},
		{"CRLF", "Q1\r\nBcc: victim@example.org", "Q1 Bcc: victim@example.org", 0},
		{"BareLF", "a\nX-Injected: 1", "a X-Injected: 1", 0},
		{"BareCR", "a\rb", "a b", 0},
		{"NUL", "a\x00b", "a b", 0},
		{"NEL", "a\u0085b", "a b", 0},
		{"LineSeparator", "a\u2028b\u2029c", "a b c", 0},
		{"Tabs", "a\t\tb  c", "a b c", 0},
		{"Trim", "  a  ", "a", 0},
		{"InvalidUTF8", "a\xffb", "a b", 0},
		{"Unicode", "Zürich ÉÜŁßΩЖ", "Zürich ÉÜŁßΩЖ", 0},
		{"Truncate", strings.Repeat("x", 20), strings.Repeat("x", 9) + "…", 10},
		{"Exact", strings.Repeat("x", 10), strings.Repeat("x", 10), 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HeaderText(tt.in, tt.max); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func testMessage() *Message {
	return &Message{
		From:    "pir <pir@example.org>",
		To:      []string{"ciso@example.org"},
		Cc:      []string{"soc-lead@example.org"},
		Subject: "Report",
		Text:    "text body",
		HTML:    "<p>html body</p>",
		Date:    time.Date(2024, 4, 1, 6, 5, 0, 0, time.UTC),
		Attachments: []Attachment{
			{Name: "report-2024-Q1.pdf", ContentType: ContentTypePDF, Data: []byte("%PDF-1.4\n\x00\x01\x02binary")},
		},
	}
}

// parse reads an .eml back with the standard library.
func parse(t *testing.T, m *Message) *netmail.Message {
	t.Helper()
	var b bytes.Buffer
	if _, err := m.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	pm, err := netmail.ReadMessage(&b)
	if err != nil {
		t.Fatal(err)
	}
	return pm
}

func TestMessageHeaderInjection(t *testing.T) {
	for _, subj := range []string{
		"2024-Q1 ACME\r\nBcc: victim@example.org\r\nX-Injected: yes",
		"2024-Q1 ACME\nBcc: victim@example.org\nX-Injected: yes",
		"2024-Q1 ACME\rBcc: victim@example.org\rX-Injected: yes",
		"2024-Q1 Ωmega\r\n\r\nbody injection",
	} {
		t.Run(fmt.Sprintf("%q", subj), func(t *testing.T) {
			m := testMessage()
			m.Subject = subj
			pm := parse(t, m)
			if v := pm.Header.Get("X-Injected"); v != "" {
				t.Errorf("X-Injected header created: %q", v)
			}
			if v := pm.Header.Get("Bcc"); v != "" {
				t.Errorf("Bcc header created: %q", v)
			}
			got, err := new(mime.WordDecoder).DecodeHeader(pm.Header.Get("Subject"))
			if err != nil {
				t.Fatal(err)
			}
			if want := HeaderText(subj, 0); got != want {
				t.Errorf("subject got %q, want %q", got, want)
			}
		})
	}
}

func TestMessageAddressInjection(t *testing.T) {
	for _, tt := range []struct{ name, field, addr string }{
		{"ToCRLF", "to", "a@example.org\r\nBcc: victim@example.org"},
		{"CcLF", "cc", "a@example.org\nX-Injected: yes"},
		{"FromCR", "from", "pir@example.org\rBcc: v@example.org"},
		{"NotAnAddress", "to", "not an address"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := testMessage()
			switch tt.field {
			case "to":
				m.To = []string{tt.addr}
			case "cc":
				m.Cc = []string{tt.addr}
			case "from":
				m.From = tt.addr
			}
			_, err := m.WriteTo(io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.field+" address") {
				t.Errorf("got %v, want an error naming the %s address", err, tt.field)
			}
		})
	}
}

func TestMessageStructure(t *testing.T) {
	m := testMessage()
	m.Attachments = append(m.Attachments, Attachment{Name: "../../etc/dash\"board;.html", ContentType: ContentTypeHTML, Data: []byte("<html></html>")})
	var b bytes.Buffer
	if _, err := m.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	raw := b.String()
	for _, want := range []string{
		"Message-ID: <" + m.MessageID + ">",
		"multipart/mixed", "multipart/alternative", "text/plain", "text/html",
		"Content-Type: application/pdf", `filename="report-2024-Q1.pdf"`,
		`filename="dash_board_.html"`,
		"Date: Mon, 01 Apr 2024 06:05:00 +0000",
	} {
		if !strings.Contains(raw, want) {
			t.Errorf("message lacks %q:\n%s", want, raw)
		}
	}
	if !strings.HasSuffix(m.MessageID, "@example.org") {
		t.Errorf("Message-ID got %q, want the sender's domain", m.MessageID)
	}
	// A second write keeps the same Message-ID (the .eml and the sent
	// message must match).
	id := m.MessageID
	if _, err := m.WriteTo(io.Discard); err != nil {
		t.Fatal(err)
	}
	if m.MessageID != id {
		t.Errorf("Message-ID changed from %q to %q", id, m.MessageID)
	}
}

func TestMessageErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		edit func(*Message)
		want string
	}{
		{"ErrNoFrom", func(m *Message) { m.From = "" }, "no sender"},
		{"ErrNoRecipients", func(m *Message) { m.To, m.Cc = nil, nil }, "no recipients"},
		{"ErrEmptyBody", func(m *Message) { m.Text, m.HTML = "", "" }, "empty body"},
		{"ErrAttachmentName", func(m *Message) { m.Attachments[0].Name = "" }, "no file name"},
		{"ErrContentType", func(m *Message) { m.Attachments[0].ContentType = "text/plain\r\nX: y" }, "invalid content type"},
		{"ErrMessageID", func(m *Message) { m.MessageID = "a>\r\nX: y@b" }, "invalid Message-ID"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := testMessage()
			tt.edit(m)
			_, err := m.WriteTo(io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
}

func TestSecretNeverPrinted(t *testing.T) {
	const pw = "hunter2-Sup3r-s3cret"
	srv := Server{Host: "smtp.example.org", Username: "pir", Password: Secret(pw)}
	var out strings.Builder
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X"} {
		fmt.Fprintf(&out, verb+"\n", srv)
		fmt.Fprintf(&out, verb+"\n", &srv)
		fmt.Fprintf(&out, verb+"\n", srv.Password)
	}
	fmt.Fprintln(&out, srv, srv.Password)
	log := slog.New(slog.NewTextHandler(&out, nil))
	log.Info("x", "server", srv, "pw", srv.Password)
	jlog := slog.New(slog.NewJSONHandler(&out, nil))
	jlog.Info("x", "server", srv, "pw", srv.Password, "ptr", &srv)
	if strings.Contains(out.String(), pw) || strings.Contains(strings.ToLower(out.String()), fmt.Sprintf("%x", pw)) {
		t.Fatalf("password printed:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "[redacted]") {
		t.Errorf("no [redacted] marker in:\n%s", out.String())
	}
}

func TestRedact(t *testing.T) {
	const user, pw = "pir", "hunter2"
	inner := fmt.Errorf("AUTH failed: 535 bad credentials for %s / aHVudGVyMg== / AHBpcgBodW50ZXIy", pw)
	err := redact(inner, user, pw)
	for _, leak := range []string{pw, "aHVudGVyMg==", "AHBpcgBodW50ZXIy"} {
		if strings.Contains(err.Error(), leak) {
			t.Errorf("got %q, still contains %q", err, leak)
		}
	}
	if !errors.Is(err, inner) {
		t.Errorf("redacted error lost its chain")
	}
	if got := redact(io.EOF, user, pw); got != io.EOF {
		t.Errorf("got %v, want the error unchanged when nothing to redact", got)
	}
}

func TestTransient(t *testing.T) {
	opErr := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"ConnRefused", fmt.Errorf("connect: %w", opErr), true},
		{"ConnReset", fmt.Errorf("send: %w", syscall.ECONNRESET), true},
		{"EOF", fmt.Errorf("connect: %w", io.EOF), true},
		{"Timeout", context.DeadlineExceeded, true},
		{"Greeting421", fmt.Errorf("connect: %w", &textproto.Error{Code: 421, Msg: "busy"}), true},
		{"Greeting554", fmt.Errorf("connect: %w", &textproto.Error{Code: 554, Msg: "go away"}), false},
		{"Auth535", fmt.Errorf("connect: SMTP AUTH failed: %w", &textproto.Error{Code: 535, Msg: "bad"}), false},
		{"Auth454", fmt.Errorf("connect: SMTP AUTH failed: %w", &textproto.Error{Code: 454, Msg: "temp"}), true},
		{"NoSTARTTLS", errors.New(`STARTTLS mode set to: "TLSMandatory", but target host does not support STARTTLS`), false},
		{"Nil", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Transient(tt.err); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestServerValidate(t *testing.T) {
	tests := []struct {
		name string
		srv  Server
		want string // "" = valid
	}{
		{"OK", Server{Host: "smtp.example.org"}, ""},
		{"NoneLoopbackIPv4", Server{Host: "127.0.0.1", TLS: TLSNone}, ""},
		{"NoneLoopbackIPv6", Server{Host: "::1", TLS: TLSNone}, ""},
		{"NoneLocalhost", Server{Host: "localhost", TLS: TLSNone}, ""},
		{"NoneInsecure", Server{Host: "smtp.example.org", TLS: TLSNone, Insecure: true}, ""},
		{"ErrNoneRemote", Server{Host: "smtp.example.org", TLS: TLSNone}, "not a loopback"},
		{"ErrNoneLookalike", Server{Host: "127.0.0.1.evil.example", TLS: TLSNone}, "not a loopback"},
		{"ErrNoHost", Server{}, "no host"},
		{"ErrMode", Server{Host: "h", TLS: "maybe"}, "TLS mode"},
		{"ErrPort", Server{Host: "h", Port: 70000}, "out of range"},
		{"ErrNoPassword", Server{Host: "h", Username: "u"}, "password is empty"},
		{"ErrAuth", Server{Host: "h", Username: "u", Password: "p", Auth: "cram-md5"}, "auth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.srv.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("got %v, want valid", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
}

func TestServerDefaultPorts(t *testing.T) {
	for mode, want := range map[TLSMode]string{
		"": "h:587", TLSMandatory: "h:587", TLSOpportunistic: "h:587", TLSImplicit: "h:465", TLSNone: "h:25",
	} {
		if got := (Server{Host: "h", TLS: mode}).Addr(); got != want {
			t.Errorf("%q: got %s, want %s", mode, got, want)
		}
	}
	if got := (Server{Host: "h", Port: 2525}).Addr(); got != "h:2525" {
		t.Errorf("got %s, want h:2525", got)
	}
}

func TestParseTLSMode(t *testing.T) {
	for in, want := range map[string]TLSMode{
		"": TLSMandatory, "mandatory": TLSMandatory, "STARTTLS": TLSMandatory, "implicit": TLSImplicit,
		"ssl": TLSImplicit, "opportunistic": TLSOpportunistic, "none": TLSNone,
	} {
		got, err := ParseTLSMode(in)
		if err != nil || got != want {
			t.Errorf("%q: got %v %v, want %v", in, got, err, want)
		}
	}
	if _, err := ParseTLSMode("yes"); err == nil {
		t.Errorf("got nil, want an error for %q", "yes")
	}
}

// testSummary is a summary as the CLI fills it from a report.
func testSummary() Summary {
	return Summary{
		Organisation: "ACME <script>alert(1)</script>", Quarter: "2024-Q1", Previous: "2023-Q4",
		Marking: "TLP:AMBER", TimeZone: "Europe/Berlin", Cohort: "detection", Version: "v1.2.3", Cases: 14,
		Rows: []KPIRow{
			{Label: "Time to contain (MTTC)", Median: "4.1 h", P90: "30.5 h", N: 14, PrevMedian: "9.2 h", Change: "-5.1 h (-55%)", Direction: "better"},
			{Label: "Dwell time (MTTD)", Median: "11.0 d", P90: "20.8 d", N: 3, SmallSample: true, PrevMedian: "–", Change: "n/a", Direction: "n/a"},
		},
		Overdue:   2,
		Sentences: []string{"Median time to contain fell from 9.2 h to 4.1 h (−55%) against 2023-Q4 across 14 incidents."},
	}
}

func TestSummaryBodies(t *testing.T) {
	s := testSummary()
	s.Attachments = []string{"report-2024-Q1.pdf"}
	text := s.Text()
	for _, want := range []string{"2024-Q1", "Time to contain (MTTC)", "4.1 h", "30.5 h", "9.2 h", "-5.1 h (-55%)", "better",
		"Median 2023-Q4", "3*", "too few to conclude", "Overdue action items: 2", "report-2024-Q1.pdf", "TLP:AMBER",
		"Median time to contain fell"} {
		if !strings.Contains(text, want) {
			t.Errorf("text body lacks %q:\n%s", want, text)
		}
	}
	html, err := s.HTML()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"4.1 h", "30.5 h", "9.2 h", "-55%", "(better)", "&lt;script&gt;alert(1)&lt;/script&gt;", "report-2024-Q1.pdf"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML body lacks %q:\n%s", want, html)
		}
	}
	if strings.Contains(html, "<script>") {
		t.Errorf("HTML body has an unescaped script tag:\n%s", html)
	}
}

// TestSummaryShowsInvisibleCharacters: an organisation or an owner named in
// a sentence with a bidi override or a zero-width space shows it as its
// code point in both bodies and the subject, never as the raw character.
func TestSummaryShowsInvisibleCharacters(t *testing.T) {
	s := testSummary()
	s.Organisation = "ACME\u200b"
	s.Sentences = []string{"The oldest overdue item is owned by Ann\u202eeeL."}
	html, err := s.HTML()
	if err != nil {
		t.Fatal(err)
	}
	subject, err := Subject("", s)
	if err != nil {
		t.Fatal(err)
	}
	// html/template writes "+" as &#43;: compare what a reader sees.
	for name, body := range map[string]string{"text": s.Text(), "html": stdhtml.UnescapeString(html), "subject": subject} {
		if strings.ContainsAny(body, "\u200b\u202e") {
			t.Errorf("%s: raw invisible character kept: %q", name, body)
		}
		if !strings.Contains(body, "ACME‹U+200B›") {
			t.Errorf("%s: organisation not shown as ACME‹U+200B›: %q", name, body)
		}
		if name != "subject" && !strings.Contains(body, "Ann‹U+202E›eeL") {
			t.Errorf("%s: owner not shown as Ann‹U+202E›eeL", name)
		}
	}
	if s.Organisation != "ACME\u200b" {
		t.Error("the caller's summary changed")
	}
	// The change column is coloured as on the dashboard and in the PDF.
	if !strings.Contains(html, "color:#1a7f37") || !strings.Contains(html, "14") {
		t.Errorf("HTML body lacks the direction colour of a better change:\n%s", html)
	}
}

func TestSubject(t *testing.T) {
	s := testSummary()
	s.Organisation = "ACME\r\nBcc: victim@example.org"
	got, err := Subject("", s)
	if err != nil {
		t.Fatal(err)
	}
	if want := "ACME Bcc: victim@example.org: Incident response report 2024-Q1 [TLP:AMBER]"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	got, err = Subject("IR {{.Quarter}} ({{.Cases}} cases)", s)
	if err != nil || got != "IR 2024-Q1 (14 cases)" {
		t.Errorf("got %q %v", got, err)
	}
	if _, err := Subject("{{.Nope}}", s); err == nil {
		t.Errorf("got nil, want an error for an unknown field")
	}
}

func TestAuthRefusesClearText(t *testing.T) {
	info := &smtp.ServerInfo{Name: "smtp.example.org", TLS: false, Auth: []string{"PLAIN", "LOGIN"}}
	a := &plainOrLogin{user: "u", pass: "p", host: "smtp.example.org"}
	if _, _, err := a.Start(info); err == nil || !strings.Contains(err.Error(), "unencrypted") {
		t.Errorf("got %v, want a refusal to send the password in clear text", err)
	}
	a.allowClear = true
	if mech, _, err := a.Start(info); err != nil || mech != "PLAIN" {
		t.Errorf("insecure: got %q %v, want PLAIN", mech, err)
	}
	info.TLS = true
	info.Auth = []string{"LOGIN", "CRAM-MD5"}
	a.allowClear = false
	if mech, _, err := a.Start(info); err != nil || mech != "LOGIN" {
		t.Errorf("TLS: got %q %v, want LOGIN", mech, err)
	}
	info.Auth = []string{"CRAM-MD5"}
	if _, _, err := a.Start(info); err == nil || !strings.Contains(err.Error(), "PLAIN and LOGIN") {
		t.Errorf("got %v, want an unsupported-mechanism error", err)
	}
}
