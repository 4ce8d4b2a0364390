package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/textproto"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// TLSMode is how the connection to the SMTP server is protected.
type TLSMode string

// The TLS modes. Mandatory STARTTLS is the default: a server that does not
// offer STARTTLS is refused rather than silently sent to in clear text.
const (
	TLSMandatory     TLSMode = "mandatory"     // STARTTLS required (default port 587)
	TLSImplicit      TLSMode = "implicit"      // TLS from the first byte (SMTPS, default port 465)
	TLSOpportunistic TLSMode = "opportunistic" // STARTTLS when offered; AUTH still needs TLS or loopback
	TLSNone          TLSMode = "none"          // clear text: loopback only, unless Insecure (default port 25)
)

// ParseTLSMode reads a --smtp-tls value; empty means TLSMandatory.
func ParseTLSMode(s string) (TLSMode, error) {
	switch m := TLSMode(strings.ToLower(strings.TrimSpace(s))); m {
	case "":
		return TLSMandatory, nil
	case TLSMandatory, TLSImplicit, TLSOpportunistic, TLSNone:
		return m, nil
	case "starttls":
		return TLSMandatory, nil
	case "ssl", "tls", "smtps":
		return TLSImplicit, nil
	default:
		return "", fmt.Errorf("TLS mode %q: want mandatory, implicit, opportunistic or none", s)
	}
}

// Secret is a password. Every fmt verb and slog print it as "[redacted]",
// so a Server printed by mistake does not leak it.
type Secret string

const redacted = "[redacted]"

// String implements fmt.Stringer.
func (Secret) String() string { return redacted }

// GoString implements fmt.GoStringer.
func (Secret) GoString() string { return redacted }

// Format implements fmt.Formatter for every verb (%x included).
func (Secret) Format(f fmt.State, _ rune) { io.WriteString(f, redacted) }

// LogValue implements slog.LogValuer.
func (Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText keeps the secret out of JSON and TOML encodings.
func (Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// Server says how to reach and authenticate to the SMTP server.
type Server struct {
	Host string
	// Port 0 means the mode's default: 587 (mandatory, opportunistic),
	// 465 (implicit), 25 (none).
	Port int
	TLS  TLSMode
	// Insecure allows TLS mode none on a host that is not loopback, and
	// AUTH over a connection that is not encrypted.
	Insecure bool
	// Username turns on SMTP AUTH (PLAIN, or LOGIN when PLAIN is not
	// offered; Auth forces one).
	Username string
	Password Secret
	// Auth is "" (PLAIN, else LOGIN), "plain" or "login".
	Auth string
	// HELO is the name sent in EHLO; empty means the machine's host name.
	HELO string
	// RootCAs verifies the server certificate; nil means the system roots.
	RootCAs *x509.CertPool

	// ConnectTimeout bounds establishing the connection (default 15s);
	// SendTimeout bounds each SMTP exchange after that, the whole message
	// transfer included (default 60s).
	ConnectTimeout time.Duration
	SendTimeout    time.Duration
	// Retries is how many times a transient failure (a 4xx reply, a refused
	// or reset connection, a timeout) is retried; permanent failures (5xx,
	// bad certificates, bad credentials) never are. Negative means none;
	// 0 means the default, 3.
	Retries int
	// Backoff is the wait before the first retry, doubled each time up to
	// one minute (default 2s).
	Backoff time.Duration

	// Log receives one line per attempt; nil discards.
	Log *slog.Logger
}

// LogValue implements slog.LogValuer: the password is never logged.
func (s Server) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("host", s.Host), slog.Int("port", s.port()), slog.String("tls", string(s.mode())),
		slog.String("username", s.Username))
}

func (s Server) mode() TLSMode {
	if s.TLS == "" {
		return TLSMandatory
	}
	return s.TLS
}

func (s Server) port() int {
	if s.Port != 0 {
		return s.Port
	}
	switch s.mode() {
	case TLSImplicit:
		return gomail.DefaultPortSSL
	case TLSNone:
		return gomail.DefaultPort
	default:
		return gomail.DefaultPortTLS
	}
}

func (s Server) retries() int {
	switch {
	case s.Retries < 0:
		return 0
	case s.Retries == 0:
		return 3
	default:
		return s.Retries
	}
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Addr is host:port.
func (s Server) Addr() string { return net.JoinHostPort(s.Host, fmt.Sprint(s.port())) }

// Validate checks the settings without connecting.
func (s Server) Validate() error {
	if s.Host == "" {
		return errors.New("smtp: no host (set --smtp-host, PIR_SMTP_HOST or email.host)")
	}
	if strings.ContainsAny(s.Host, " \t\r\n/") {
		return fmt.Errorf("smtp: host %q is not a host name", s.Host)
	}
	if s.Port < 0 || s.Port > 65535 {
		return fmt.Errorf("smtp: port %d out of range", s.Port)
	}
	if _, err := ParseTLSMode(string(s.TLS)); err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	if s.mode() == TLSNone && !s.Insecure && !IsLoopback(s.Host) {
		return fmt.Errorf("smtp: TLS mode none sends the message (and any password) in clear text: refused for %s, which is not a loopback address (use mandatory or implicit TLS, or --smtp-insecure if you really mean it)", s.Host)
	}
	if s.Username != "" && s.Password == "" {
		return fmt.Errorf("smtp: username %q is set but the password is empty", s.Username)
	}
	switch strings.ToLower(s.Auth) {
	case "", "plain", "login":
	default:
		return fmt.Errorf("smtp: auth %q: want plain or login", s.Auth)
	}
	return nil
}

// IsLoopback reports whether host names this machine without a DNS lookup:
// "localhost" or a loopback IP.
func IsLoopback(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// SendError is a failed delivery after every attempt.
type SendError struct {
	Addr     string
	Attempts int
	// Temporary is true when the last failure was transient (the retries ran
	// out), false when the server refused permanently.
	Temporary bool
	Err       error
}

func (e *SendError) Error() string {
	if e.Temporary {
		return fmt.Sprintf("smtp %s: gave up after %d attempts: %v", e.Addr, e.Attempts, e.Err)
	}
	return fmt.Sprintf("smtp %s: %v", e.Addr, e.Err)
}

func (e *SendError) Unwrap() error { return e.Err }

// Send delivers m through srv and returns its Message-ID (without angle
// brackets). Transient failures are retried srv.Retries times with
// exponential back-off; a permanent refusal returns at once, and so does a
// failure that leaves the message possibly delivered (MaybeDelivered). The
// password never appears in the returned error or the log.
func Send(ctx context.Context, srv Server, m *Message) (string, error) {
	if err := srv.Validate(); err != nil {
		return "", err
	}
	log := srv.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	// Build once up front: a bad address fails before any connection.
	if _, err := m.build(); err != nil {
		return "", err
	}
	attempts := srv.retries() + 1
	wait := orDefault(srv.Backoff, 2*time.Second)
	var last error
	for i := 1; i <= attempts; i++ {
		start := time.Now()
		err := sendOnce(ctx, srv, m)
		if err == nil {
			log.Debug("smtp sent", "server", srv, "attempt", i, "message_id", m.MessageID,
				"recipients", len(m.To)+len(m.Cc), "duration", time.Since(start).Round(time.Millisecond))
			return m.MessageID, nil
		}
		err = redact(err, srv.Username, string(srv.Password))
		last = err
		if MaybeDelivered(err) {
			// Never retried: the first attempt may have been delivered.
			return "", &SendError{Addr: srv.Addr(), Attempts: i, Err: err}
		}
		if ctx.Err() != nil {
			return "", fmt.Errorf("smtp %s: %w", srv.Addr(), ctx.Err())
		}
		if !Transient(err) {
			return "", &SendError{Addr: srv.Addr(), Attempts: i, Err: err}
		}
		if i == attempts {
			break
		}
		log.Warn("smtp attempt failed, retrying", "server", srv, "attempt", i, "of", attempts,
			"retry_in", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return "", fmt.Errorf("smtp %s: %w (last error: %v)", srv.Addr(), ctx.Err(), last)
		case <-t.C:
		}
		wait = min(wait*2, time.Minute)
	}
	return "", &SendError{Addr: srv.Addr(), Attempts: attempts, Temporary: true, Err: last}
}

// sendOnce makes one connection and one delivery attempt.
func sendOnce(ctx context.Context, srv Server, m *Message) error {
	msg, err := m.build()
	if err != nil {
		return err
	}
	tlsCfg := &tls.Config{ServerName: srv.Host, MinVersion: tls.VersionTLS12, RootCAs: srv.RootCAs}
	opts := []gomail.Option{
		gomail.WithPort(srv.port()),
		gomail.WithTimeout(orDefault(srv.SendTimeout, 60*time.Second)),
		gomail.WithTLSConfig(tlsCfg),
	}
	if srv.HELO != "" {
		opts = append(opts, gomail.WithHELO(srv.HELO))
	}
	switch srv.mode() {
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	var auth *plainOrLogin
	if srv.Username != "" {
		auth = &plainOrLogin{
			user: srv.Username, pass: string(srv.Password), host: srv.Host,
			mech: strings.ToUpper(srv.Auth), allowClear: srv.Insecure,
		}
		opts = append(opts, gomail.WithSMTPAuthCustom(auth))
	}
	c, err := gomail.NewClient(srv.Host, opts...)
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	dialCtx, cancel := context.WithTimeout(ctx, orDefault(srv.ConnectTimeout, 15*time.Second))
	defer cancel()
	sc, err := c.DialToSMTPClientWithContext(dialCtx)
	if err != nil {
		if auth != nil && auth.sent {
			err = authFailure(err)
		}
		return fmt.Errorf("connect: %w", err)
	}
	defer c.CloseWithSMTPClient(sc)
	// A cancelled run must not wait for the server: closing the connection
	// makes the pending read fail at once.
	stop := context.AfterFunc(ctx, func() { sc.Close() })
	defer stop()
	if err := c.SendWithSMTPClient(sc, msg); err != nil {
		if msg.IsDelivered() {
			// The server accepted the message (250 after DATA); what
			// failed came after it (RSET). Not a failure: retrying would
			// deliver it twice.
			return nil
		}
		if maybeDelivered(err) {
			return &maybeDeliveredError{err: fmt.Errorf("send: %w", err)}
		}
		return fmt.Errorf("send: %w", err)
	}
	return nil
}

// maybeDelivered reports a failure after the whole message, its final dot
// included, went to the server and before its reply arrived: a lost
// connection, a timeout, a cancelled run. The server may have accepted the
// message (RFC 5321 section 6.1: it takes responsibility when it sends its
// 250, which we did not read). A reply that refuses it (4xx, 5xx) is not
// this: the message was not accepted.
func maybeDelivered(err error) bool {
	var se *gomail.SendError
	if !errors.As(err, &se) || se.Reason != gomail.ErrSMTPDataClose {
		return false
	}
	var tp *textproto.Error
	return se.ErrorCode() == 0 && !errors.As(err, &tp)
}

// maybeDeliveredError is a failure after which the message may have been
// delivered.
type maybeDeliveredError struct{ err error }

func (e *maybeDeliveredError) Error() string {
	return e.err.Error() + " (after the whole message was transmitted: the server may have accepted it)"
}
func (e *maybeDeliveredError) Unwrap() error { return e.err }

// MaybeDelivered reports whether a Send error leaves the message possibly
// delivered: the connection failed after the whole message was transmitted
// and before the server's reply. Send never retries such a failure (a retry
// could deliver it twice); the caller must not send it again without
// finding out whether it arrived.
func MaybeDelivered(err error) bool {
	var md *maybeDeliveredError
	return errors.As(err, &md)
}

// plainOrLogin is SMTP AUTH with PLAIN, or LOGIN when the server does not
// offer PLAIN. Like net/smtp it refuses to send the password over a
// connection that is neither TLS nor to a loopback host, unless allowClear.
type plainOrLogin struct {
	user, pass, host string
	mech             string // "", "PLAIN" or "LOGIN"
	allowClear       bool
	inner            smtp.Auth
	// sent is set once the AUTH command (and so the credentials, or the
	// first of them) is on its way: from then on the server's replies may
	// quote them.
	sent bool
}

func (a *plainOrLogin) Start(info *smtp.ServerInfo) (string, []byte, error) {
	has := func(m string) bool {
		for _, s := range info.Auth {
			if strings.EqualFold(s, m) {
				return true
			}
		}
		return false
	}
	mech := a.mech
	if mech == "" {
		switch {
		case has("PLAIN"):
			mech = "PLAIN"
		case has("LOGIN"):
			mech = "LOGIN"
		case len(info.Auth) == 0:
			return "", nil, errors.New("AUTH: the server offers no authentication (is a username needed?)")
		default:
			return "", nil, fmt.Errorf("AUTH: the server offers %s, pir supports PLAIN and LOGIN", strings.Join(info.Auth, " "))
		}
	} else if !has(mech) {
		return "", nil, fmt.Errorf("AUTH %s: not offered by the server (it offers %q)", mech, strings.Join(info.Auth, " "))
	}
	clear := a.allowClear || IsLoopback(a.host)
	if !info.TLS && !clear {
		return "", nil, errors.New("AUTH: refusing to send the password over an unencrypted connection (use TLS mode mandatory or implicit)")
	}
	// go-mail's mechanisms repeat the TLS check against their own notion of
	// loopback; the decision is made above.
	if mech == "PLAIN" {
		a.inner = smtp.PlainAuth("", a.user, a.pass, info.Name, true)
	} else {
		a.inner = smtp.LoginAuth(a.user, a.pass, info.Name, true)
	}
	mech, resp, err := a.inner.Start(info)
	a.sent = err == nil
	return mech, resp, err
}

func (a *plainOrLogin) Next(from []byte, more bool) ([]byte, error) {
	return a.inner.Next(from, more)
}

// Transient reports whether a delivery error is worth retrying: a 4xx reply,
// a refused, reset or timed-out connection. 5xx replies, TLS and
// certificate errors and AUTH refusals are permanent.
func Transient(err error) bool {
	if err == nil {
		return false
	}
	var se *gomail.SendError
	if errors.As(err, &se) {
		if code := se.ErrorCode(); code >= 500 {
			return false
		}
		if se.IsTemp() {
			return true
		}
	}
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return tp.Code >= 400 && tp.Code < 500
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	if errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) {
		return false
	}
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EHOSTUNREACH) ||
		errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return dnsErr.IsTemporary || dnsErr.IsTimeout
	}
	return false
}

// authFailure replaces an AUTH failure with one that keeps the server's
// reply code and enhanced status code (so Transient still tells a 454 from
// a 535) but none of its text: servers quote the credentials back in their
// own escaping ("pa\"ss\\word", JSON, URL encoding …), which no list of
// redacted forms can foresee. Errors without server text (a closed
// connection, a timeout) are kept.
func authFailure(err error) error {
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return &authRefusedError{code: tp.Code, enhanced: enhancedCodeRE.FindString(tp.Msg)}
	}
	var ne net.Error
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, context.Canceled) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, syscall.ECONNRESET) || errors.As(err, &ne) {
		return fmt.Errorf("AUTH: %w", err)
	}
	return errors.New("AUTH failed: unexpected server reply " + withheld)
}

const withheld = "(the server's text is not shown: it may quote the password)"

// authRefusedError is a server's refusal of AUTH without its text. It
// unwraps to a *textproto.Error with the reply code (and no text), which
// is what Transient looks at.
type authRefusedError struct {
	code     int
	enhanced string // e.g. "5.7.8", or ""
}

func (e *authRefusedError) Error() string {
	code := fmt.Sprintf("%03d", e.code)
	if e.enhanced != "" {
		code += " " + e.enhanced
	}
	return "AUTH refused: " + code + " " + withheld
}

func (e *authRefusedError) Unwrap() error { return &textproto.Error{Code: e.code} }

// enhancedCodeRE is an RFC 3463 enhanced status code at the start of a reply.
var enhancedCodeRE = regexp.MustCompile(`^[245]\.\d{1,3}\.\d{1,3}\b`)

// redact replaces the password, and the base64 forms AUTH PLAIN and LOGIN
// put on the wire, with [redacted] in err's text. The original error stays
// reachable for errors.Is/As, whose messages are not printed by pir.
func redact(err error, user, pass string) error {
	if err == nil || pass == "" {
		return err
	}
	msg := err.Error()
	quoted := strconv.Quote(pass)
	js, _ := json.Marshal(pass)
	forms := []string{
		pass,
		base64.StdEncoding.EncodeToString([]byte(pass)),
		base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + pass)),
		// Escaped as a server or a library might quote it.
		quoted[1 : len(quoted)-1],
		string(js[1 : len(js)-1]),
		strings.NewReplacer(`\`, `\\`, `"`, `\"`, `'`, `\'`).Replace(pass),
		strings.ReplaceAll(pass, "'", "''"),
		url.QueryEscape(pass),
		url.PathEscape(pass),
	}
	out := msg
	for _, f := range forms {
		if len(f) >= 1 {
			out = strings.ReplaceAll(out, f, redacted)
		}
	}
	if out == msg {
		return err
	}
	return &redactedError{msg: out, err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
