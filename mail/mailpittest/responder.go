package mailpittest

import (
	"bufio"
	"encoding/base64"
	"net"
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
}

// Respond starts a responder. greeting is the first line ("220 ready",
// "421 busy", "554 go away"); dataReply answers the end of DATA ("250 ok",
// "554 5.7.1 rejected").
func Respond(t testing.TB, greeting, dataReply string) *Responder {
	t.Helper()
	return respond(t, greeting, dataReply, nil)
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
		case strings.HasPrefix(cmd, "HELO"), strings.HasPrefix(cmd, "MAIL"),
			strings.HasPrefix(cmd, "RCPT"), strings.HasPrefix(cmd, "RSET"), strings.HasPrefix(cmd, "NOOP"):
			reply("250 ok")
		case cmd == "DATA":
			reply("354 go ahead")
			for {
				l, err := br.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" || l == ".\n" {
					break
				}
			}
			if strings.HasPrefix(dataReply, "2") {
				r.Messages.Add(1)
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
