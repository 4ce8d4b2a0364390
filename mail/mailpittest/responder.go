package mailpittest

import (
	"bufio"
	"net"
	"strings"
	"sync/atomic"
	"testing"
)

// Responder is a minimal SMTP server on a real 127.0.0.1 socket that
// answers with fixed replies, for failures mailpit cannot produce: a
// greeting of "421 …" or "554 …", or a refusal of the message after DATA.
type Responder struct {
	Port int
	// Conns counts accepted connections (one per delivery attempt).
	Conns atomic.Int32
	// Messages counts messages accepted with 250 after DATA.
	Messages atomic.Int32
}

// Respond starts a responder. greeting is the first line ("220 ready",
// "421 busy", "554 go away"); dataReply answers the end of DATA ("250 ok",
// "554 5.7.1 rejected").
func Respond(t testing.TB, greeting, dataReply string) *Responder {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("responder: %v", err)
	}
	r := &Responder{Port: l.Addr().(*net.TCPAddr).Port}
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
		case strings.HasPrefix(cmd, "EHLO"):
			reply("250-responder\r\n250-8BITMIME\r\n250 SMTPUTF8")
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
