// Package mail builds the quarterly report email (a plain-text and an HTML
// body with the KPI summary, the PDF and optionally the dashboard attached)
// and delivers it over SMTP with github.com/wneessen/go-mail: TLS policy,
// AUTH, timeouts and bounded retries. It never imports ingest or
// database/sql; the caller passes values and gets back the Message-ID.
package mail

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	netmail "net/mail"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	gomail "github.com/wneessen/go-mail"
)

// ContentTypePDF is the attachment type of the report. go-mail has no
// constant for it.
const ContentTypePDF = "application/pdf"

// ContentTypeHTML is the attachment type of the dashboard.
const ContentTypeHTML = "text/html"

// maxSubjectRunes bounds the subject: a hostile organisation name or case
// title must not produce a header that mail servers reject.
const maxSubjectRunes = 200

// Message is one email: addresses, subject, both bodies and attachments.
// Strings may come from untrusted data (case titles, organisation names);
// Build sanitises everything that ends up in a header.
type Message struct {
	From    string
	To      []string
	Cc      []string
	Subject string
	// Text and HTML are the two alternative bodies; at least one is needed.
	Text string
	HTML string
	// Attachments are added in order.
	Attachments []Attachment
	// Date is the Date header (the caller's clock); zero means now.
	Date time.Time
	// MessageID is the Message-ID without angle brackets. Empty means
	// Build generates one (and stores it here, so an .eml written before
	// sending and the sent message carry the same ID).
	MessageID string
}

// Attachment is a file attached to a message.
type Attachment struct {
	// Name is the file name shown to the recipient (a base name).
	Name string
	// ContentType is e.g. ContentTypePDF; empty means application/octet-stream.
	ContentType string
	Data        []byte
}

// Recipients returns To and Cc, in order.
func (m *Message) Recipients() []string {
	return append(append([]string(nil), m.To...), m.Cc...)
}

// build turns m into a go-mail message. It fills m.MessageID when empty.
func (m *Message) build() (*gomail.Msg, error) {
	if strings.TrimSpace(m.From) == "" {
		return nil, errors.New("message: no sender (set the from address)")
	}
	if len(m.To)+len(m.Cc) == 0 {
		return nil, errors.New("message: no recipients")
	}
	if m.Text == "" && m.HTML == "" {
		return nil, errors.New("message: empty body")
	}
	from, err := parseAddress("from", m.From)
	if err != nil {
		return nil, err
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(from)
	for _, a := range m.To {
		addr, err := parseAddress("to", a)
		if err != nil {
			return nil, err
		}
		msg.AddToMailAddress(addr)
	}
	for _, a := range m.Cc {
		addr, err := parseAddress("cc", a)
		if err != nil {
			return nil, err
		}
		msg.AddCcMailAddress(addr)
	}
	msg.Subject(HeaderText(m.Subject, maxSubjectRunes))
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	msg.SetDateWithValue(date)
	if m.MessageID == "" {
		m.MessageID = NewMessageID(from.Address, date)
	}
	if strings.ContainsAny(m.MessageID, "<>\r\n \t") || !strings.Contains(m.MessageID, "@") {
		return nil, fmt.Errorf("message: invalid Message-ID %q", m.MessageID)
	}
	msg.SetMessageIDWithValue(m.MessageID)
	msg.SetUserAgent("pir")

	switch {
	case m.Text != "" && m.HTML != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	case m.Text != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	default:
		msg.SetBodyString(gomail.TypeTextHTML, m.HTML)
	}
	for i, a := range m.Attachments {
		name := attachmentName(a.Name)
		if name == "" {
			return nil, fmt.Errorf("message: attachment %d: no file name", i+1)
		}
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		if strings.ContainsAny(ct, "\r\n") {
			return nil, fmt.Errorf("message: attachment %s: invalid content type %q", name, ct)
		}
		if err := msg.AttachReader(name, strings.NewReader(string(a.Data)),
			gomail.WithFileContentType(gomail.ContentType(ct))); err != nil {
			return nil, fmt.Errorf("message: attach %s: %w", name, err)
		}
	}
	return msg, nil
}

// WriteTo writes m as an RFC 5322 message (an .eml file), exactly as Send
// would transmit it. It fills m.MessageID when empty.
func (m *Message) WriteTo(w io.Writer) (int64, error) {
	msg, err := m.build()
	if err != nil {
		return 0, err
	}
	n, err := msg.WriteTo(w)
	if err != nil {
		return n, fmt.Errorf("message: write: %w", err)
	}
	return n, nil
}

// NewMessageID returns a unique Message-ID (without angle brackets) in the
// sender's domain, so replies and bounces thread against the right host.
func NewMessageID(from string, date time.Time) string {
	domain := "localhost"
	if at := strings.LastIndex(from, "@"); at >= 0 && at < len(from)-1 {
		domain = strings.Trim(from[at+1:], "<> \t")
	}
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		// crypto/rand does not fail on supported platforms; fall back to
		// the clock rather than sending without an ID.
		return fmt.Sprintf("pir.%d@%s", date.UnixNano(), domain)
	}
	return fmt.Sprintf("pir.%s.%s@%s", date.UTC().Format("20060102T150405Z"), hex.EncodeToString(b[:]), domain)
}

// parseAddress accepts "a@b.c" or "Name <a@b.c>" and refuses control
// characters, which could otherwise smuggle headers in.
func parseAddress(field, s string) (*netmail.Address, error) {
	s = strings.TrimSpace(s)
	for _, r := range s {
		if isBreaking(r) {
			return nil, fmt.Errorf("message: %s address %q: contains a control character", field, s)
		}
	}
	a, err := netmail.ParseAddress(s)
	if err != nil {
		return nil, fmt.Errorf("message: %s address %q: %w", field, s, err)
	}
	return a, nil
}

// HeaderText makes s safe for a header value: CR, LF and every other
// control or line-separator character become a space (so a case title like
// "x\r\nBcc: victim@example.org" stays one line of text and creates no
// header), runs of spaces collapse, and the result is cut to max runes
// (0 means no limit) with an ellipsis.
func HeaderText(s string, max int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		if isBreaking(r) || unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	out := b.String()
	if max > 0 && utf8.RuneCountInString(out) > max {
		rs := []rune(out)
		out = strings.TrimRight(string(rs[:max-1]), " ") + "…"
	}
	return out
}

// isBreaking reports characters that may end a header line or confuse a
// mail client: C0/C1 controls (CR, LF, NUL, NEL…), DEL, and the Unicode
// line and paragraph separators.
func isBreaking(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == utf8.RuneError
}

// attachmentName reduces a path to a header-safe base name.
func attachmentName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	if name == "." || name == "/" {
		return ""
	}
	name = strings.Map(func(r rune) rune {
		if r == '"' || r == ';' {
			return '_'
		}
		return r
	}, name)
	return HeaderText(name, 120)
}
