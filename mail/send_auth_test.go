package mail_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pirhq/pir/mail"
	"github.com/pirhq/pir/mail/mailpittest"
)

// TestSendAuthReplyNotEchoed: a server's reply to AUTH may quote the
// credentials back, escaped its own way ("pa\"ss\\word", JSON, URL or SQL
// quoting, base64 …), which no list of redacted forms can foresee. pir never
// shows server text that follows AUTH: the error keeps the reply code (and
// the enhanced status code), so a 535 is still permanent and a 454 still
// retried, and no form of the password reaches the error or the log.
func TestSendAuthReplyNotEchoed(t *testing.T) {
	const pass = `pa"ss\wo'rd%&<x>`
	jsonPass, _ := json.Marshal(pass)
	echoes := map[string]func(user, pass string) string{
		"GoQuoted": func(u, p string) string {
			return fmt.Sprintf("535 5.7.8 Authentication failed for %q with password %q", u, p)
		},
		"JSON": func(u, p string) string {
			return `535 5.7.8 Authentication failed: {"user":"` + u + `","password":` + string(jsonPass) + `}`
		},
		"SQL": func(u, p string) string {
			return "535 5.7.8 Authentication failed: '" + strings.ReplaceAll(p, "'", "''") + "'"
		},
		"URL": func(u, p string) string {
			return "535 5.7.8 Authentication failed: pass=" + url.QueryEscape(p)
		},
		"Backslashes": func(u, p string) string {
			return "535 5.7.8 Authentication failed: " + strings.NewReplacer(`\`, `\\`, `"`, `\"`, `'`, `\'`).Replace(p)
		},
		"Temporary": func(u, p string) string {
			return "454 4.7.0 Temporary authentication failure for " + strconv.Quote(p)
		},
	}
	for name, echo := range echoes {
		for _, mech := range []string{"plain", "login"} {
			t.Run(name+"/"+mech, func(t *testing.T) {
				r := mailpittest.RespondAuth(t, echo)
				var logs bytes.Buffer
				srv := mail.Server{Host: "127.0.0.1", Port: r.Port, TLS: mail.TLSNone, Username: "pir",
					Password: pass, Auth: mech, Retries: 1, Backoff: time.Millisecond, Log: logTo(&logs)}
				_, err := mail.Send(context.Background(), srv, reportMessage(t, []byte("%PDF")))
				var se *mail.SendError
				if !errors.As(err, &se) {
					t.Fatalf("got %v, want a SendError", err)
				}
				temporary := name == "Temporary"
				if se.Temporary != temporary || (temporary && se.Attempts != 2) || (!temporary && se.Attempts != 1) {
					t.Errorf("temporary %v after %d attempts, want %v", se.Temporary, se.Attempts, temporary)
				}
				msg := err.Error()
				wantCode := "535 5.7.8"
				if temporary {
					wantCode = "454 4.7.0"
				}
				if !strings.Contains(msg, "AUTH") || !strings.Contains(msg, wantCode) {
					t.Errorf("got %q, want it to name AUTH and %s", msg, wantCode)
				}
				for where, s := range map[string]string{"error": msg, "log": logs.String()} {
					// Any 4 characters of the password, in any escaping, is a leak;
					// so is the server's own wording, which carried it.
					for _, leak := range []string{"pa\"ss", `pa\"ss`, `pa\\"ss`, "wo'rd", `wo\'rd`, "wo''rd", "wo%27rd", "rd%&", "%26%3C", "failed for", "failed:"} {
						if strings.Contains(s, leak) {
							t.Errorf("%s contains %q:\n%s", where, leak, s)
						}
					}
				}
			})
		}
	}
}
