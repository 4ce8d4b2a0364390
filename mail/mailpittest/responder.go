package mailpittest

import (
	"bufio"
	"encoding/base64"
	"net"
	"net/smtp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// Responder is a minimal SMTP server on a real 127.0.0.1 socket that
// answers with fixed replies, for failures mailpit cannot produce: a
// greeting of "421 …" or "554 …", a refusal of the message after DATA, or
// an AUTH refusal that echoes the credentials.
type Responder struct {
	Port int
	// Conns counts accepted connections (one per delivery attempt).
	Conns atomic.Int32
	// Messages counts messages accepted with 250 after DATA.
	Messages atomic.Int32
	// auth, when set, offers AUTH PLAIN and LOGIN and answers the
	// credentials received with auth(user, pass) (a "235 …" accepts).
	auth func(user, pass string) string
	// relay, when set, receives each message before the reply to DATA and
	// says what to answer.
	relay func(from string, rcpts []string, data []byte) Answer
}

// Answer is what a Relay does once the message is stored.
type Answer int

const (
	// Accept answers 250.
	Accept Answer = iota
	// HangUp closes the connection without a reply: the client cannot
	// know that the message was accepted.
	HangUp
	// AcceptThenHangUp answers 250, then closes the connection before the
	// next command (the client's RSET or QUIT fails).
	AcceptThenHangUp
)

// Respond starts a responder. greeting is the first line ("220 ready",
// "421 busy", "554 go away"); dataReply answers the end of DATA ("250 ok",
// "554 5.7.1 rejected"); an empty dataReply closes the connection after the
// message's final dot without a reply, as a server that crashes (or a
// network that fails) just then would.
func Respond(t testing.TB, greeting, dataReply string) *Responder {
	t.Helper()
	return respond(t, greeting, dataReply, nil)
}

// Relay starts an SMTP server in front of mailpit s: each message it
// receives is passed on to s, and once s has stored it, accepted(n) is
// called (n counts the messages from 1) before the reply to DATA, which is
// what accepted returns. In accepted, a test does what may happen to a
// client once the server has taken the message: a full disk, a SIGKILL, a
// lost reply. Messages counts the ones s stored.
func (s *Server) Relay(t testing.TB, accepted func(n int) Answer) *Responder {
	t.Helper()
	r := respond(t, "220 relay ready", "250 2.0.0 ok: queued", nil)
	r.relay = func(from string, rcpts []string, data []byte) Answer {
		addr := net.JoinHostPort(s.Host, strconv.Itoa(s.SMTPPort))
		if err := smtp.SendMail(addr, nil, from, rcpts, data); err != nil {
			t.Errorf("relay to mailpit: %v", err)
			return HangUp
		}
		return accepted(int(r.Messages.Add(1)))
	}
	return r
}

// RespondAuth starts a responder that offers AUTH PLAIN and LOGIN and
// answers the credentials it receives with reply(user, pass), e.g. a "535 …"
// that echoes the password the way some servers do; "235 …" accepts them.
func RespondAuth(t testing.TB, reply func(user, pass string) string) *Responder {
	t.Helper()
	return respond(t, "220 responder ready", "250 ok", reply)
}

func respond(t testing.TB, greeting, dataReply string, auth func(user, pass string) string) *Responder {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("responder: %v", err)
	}
	r := &Responder{Port: l.Addr().(*net.TCPAddr).Port, auth: auth}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			r.Conns.Add(1)
			go r.serve(c, greeting, dataReply)
		}
	}()
	return r
}

func (r *Responder) serve(c net.Conn, greeting, dataReply string) {
	defer c.Close()
	w := bufio.NewWriter(c)
	reply := func(s string) bool {
		w.WriteString(s + "\r\n")
		return w.Flush() == nil
	}
	if !reply(greeting) || !strings.HasPrefix(greeting, "2") {
		return
	}
	br := bufio.NewReader(c)
	var from string
	var rcpts []string
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO") && r.auth != nil:
			reply("250-responder\r\n250-8BITMIME\r\n250-AUTH PLAIN LOGIN\r\n250 SMTPUTF8")
		case strings.HasPrefix(cmd, "EHLO"):
			reply("250-responder\r\n250-8BITMIME\r\n250 SMTPUTF8")
		case strings.HasPrefix(cmd, "AUTH PLAIN ") && r.auth != nil:
			b, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(line)[len("AUTH PLAIN "):])
			parts := strings.SplitN(string(b), "\x00", 3)
			if len(parts) != 3 {
				reply("501 bad PLAIN response")
				continue
			}
			reply(r.auth(parts[1], parts[2]))
		case cmd == "AUTH LOGIN" && r.auth != nil:
			var creds []string
			for _, prompt := range []string{"VXNlcm5hbWU6", "UGFzc3dvcmQ6"} { // Username:, Password:
				reply("334 " + prompt)
				l, err := br.ReadString('\n')
				if err != nil {
					return
				}
				b, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(l))
				creds = append(creds, string(b))
			}
			reply(r.auth(creds[0], creds[1]))
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			from, rcpts = envelopeAddr(line), nil
			reply("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			rcpts = append(rcpts, envelopeAddr(line))
			reply("250 ok")
		case strings.HasPrefix(cmd, "HELO"), strings.HasPrefix(cmd, "MAIL"),
			strings.HasPrefix(cmd, "RCPT"), strings.HasPrefix(cmd, "RSET"), strings.HasPrefix(cmd, "NOOP"):
			reply("250 ok")
		case cmd == "DATA":
			reply("354 go ahead")
			var data []byte
			for {
				l, err := br.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" || l == ".\n" {
					break
				}
				data = append(data, strings.TrimPrefix(l, ".")...) // undo dot-stuffing
			}
			if r.relay != nil {
				switch r.relay(from, rcpts, data) {
				case HangUp:
					return
				case AcceptThenHangUp:
					reply(dataReply)
					return
				}
			} else if strings.HasPrefix(dataReply, "2") {
				r.Messages.Add(1)
			}
			if dataReply == "" {
				return
			}
			reply(dataReply)
		case cmd == "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 not implemented")
		}
	}
}

// envelopeAddr is the address of a MAIL FROM or RCPT TO command.
func envelopeAddr(line string) string {
	_, a, _ := strings.Cut(line, ":")
	a = strings.TrimSpace(a)
	if i := strings.IndexByte(a, '>'); strings.HasPrefix(a, "<") && i > 0 {
		return a[1:i]
	}
	return a
}
