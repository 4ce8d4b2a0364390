package tracker

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pirhq/pir/analytics"
)

// ICalPriority maps pir's priorities to the iCalendar PRIORITY property
// (RFC 5545 3.8.1.9: 1 highest, 9 lowest, 0 undefined; clients show 1-4 as
// high, 5 as medium, 6-9 as low): critical 1, high 3, medium 5, low 7,
// informational 9, anything else 0.
func ICalPriority(p string) int {
	switch strings.ToLower(strings.TrimSpace(p)) {
	case "critical", "highest", "p1":
		return 1
	case "high", "p2":
		return 3
	case "medium", "p3":
		return 5
	case "low", "p4":
		return 7
	case "informational", "lowest", "p5":
		return 9
	}
	return 0
}

// ICalUID is an item's UID: the same item gets the same UID on every run
// (so a calendar updates it instead of adding a copy), distinct items
// distinct UIDs. It is a digest of source, case ID and item ID.
func ICalUID(a analytics.ActionItem) string {
	h := sha256.Sum256([]byte(a.Source + "\x00" + a.CaseID + "\x00" + a.ID))
	return hex.EncodeToString(h[:16]) + "@pir"
}

// WriteICS writes the items as an iCalendar object (RFC 5545) of to-dos, one
// VTODO per item: UID (stable, ICalUID), DTSTAMP (now, UTC), SUMMARY (the
// item), DESCRIPTION (case, owner, priority, status), DUE (the due date, a
// DATE), PRIORITY (ICalPriority), STATUS (NEEDS-ACTION, IN-PROCESS,
// COMPLETED with COMPLETED, or CANCELLED for wont-do), CATEGORIES (the case
// reference and "pir") and CONTACT (the owner, with the email from owners).
// No ATTENDEE: RFC 5545 forbids it when publishing. Lines end in CRLF and are
// folded at 75 octets; text values escape \ ; , and line breaks.
func WriteICS(w io.Writer, l *analytics.ActionList, owners Owners, now time.Time, version string) (Result, error) {
	var r Result
	var b bytes.Buffer
	line := func(name, value string) {
		fold(&b, name+":"+value)
	}
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//pir//pir "+escapeText(strings.TrimSpace(version))+"//EN")
	line("CALSCALE", "GREGORIAN")
	line("X-WR-CALNAME", "pir action items")
	stamp := now.UTC().Format("20060102T150405Z")
	for _, a := range l.Items {
		line("BEGIN", "VTODO")
		line("UID", ICalUID(a))
		line("DTSTAMP", stamp)
		line("SUMMARY", escapeText(title(a)))
		desc := []string{caseLine(a)}
		owner := plain(a.Owner)
		if acc, ok := assign(owners, a.Owner, &r); ok {
			desc = append(desc, "Owner: "+owner)
			contact := owner + " <" + acc.Email + ">"
			if owner == acc.Email {
				contact = owner
			}
			line("CONTACT", escapeText(contact))
		} else if owner != "" {
			desc = append(desc, "Owner: "+owner)
			line("CONTACT", escapeText(owner))
		}
		if p := plain(a.Priority); p != "" {
			desc = append(desc, "Priority: "+p)
		}
		desc = append(desc, statusLine(l, a), "Exported by pir.")
		line("DESCRIPTION", escapeText(strings.Join(desc, "\n")))
		if d, err := time.Parse("2006-01-02", a.Due); err == nil {
			line("DUE;VALUE=DATE", d.Format("20060102"))
		}
		line("PRIORITY", fmt.Sprint(ICalPriority(a.Priority)))
		switch {
		case a.Done:
			line("STATUS", "COMPLETED")
			if a.Completed != nil {
				line("COMPLETED", a.Completed.UTC().Format("20060102T150405Z"))
			}
		case plain(a.Status) == "wont-do":
			line("STATUS", "CANCELLED")
		case plain(a.Status) == "in-progress":
			line("STATUS", "IN-PROCESS")
		default:
			line("STATUS", "NEEDS-ACTION")
		}
		line("CATEGORIES", escapeText(plain(a.Ref))+",pir")
		line("END", "VTODO")
		r.Items++
	}
	line("END", "VCALENDAR")
	_, err := w.Write(b.Bytes())
	return r, err
}

// escapeText escapes an RFC 5545 TEXT value (3.3.11): backslash, semicolon,
// comma and line breaks; other control characters, which TEXT may not
// contain, are dropped.
func escapeText(s string) string {
	var b strings.Builder
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
			// control characters are not TSAFE-CHAR
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// fold writes one content line, folded so that no line is longer than 75
// octets (RFC 5545 3.1): a CRLF and a space before each continuation, never
// inside a UTF-8 sequence.
func fold(b *bytes.Buffer, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
