package tracker

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// icalProp is one property with its parameters and decoded value(s).
type icalProp struct {
	Name   string
	Params map[string]string
	Raw    string   // the value as written
	Values []string // TEXT values unescaped (several for CATEGORIES)
}

// icalComp is a component with its properties and sub-components.
type icalComp struct {
	Name  string
	Props []icalProp
	Comps []*icalComp
}

func (c *icalComp) all(name string) []icalProp {
	var out []icalProp
	for _, p := range c.Props {
		if p.Name == name {
			out = append(out, p)
		}
	}
	return out
}

func (c *icalComp) get(name string) string {
	if ps := c.all(name); len(ps) > 0 {
		return strings.Join(ps[0].Values, ",")
	}
	return ""
}

var (
	icalName   = regexp.MustCompile(`^[A-Za-z0-9-]+$`)
	icalUTC    = regexp.MustCompile(`^\d{8}T\d{6}Z$`)
	textProps  = map[string]bool{"SUMMARY": true, "DESCRIPTION": true, "CONTACT": true, "CATEGORIES": true, "PRODID": true, "X-WR-CALNAME": true, "UID": true}
	onceInTodo = []string{"UID", "DTSTAMP", "SUMMARY", "DESCRIPTION", "DUE", "PRIORITY", "STATUS", "COMPLETED"}
)

// parseICS reads an iCalendar object strictly by RFC 5545 and returns its
// VCALENDAR, or the first rule broken: lines end in CRLF (3.1) and are at
// most 75 octets, folded lines continue with a space or tab; the file is
// UTF-8 (3.1.4); content lines are name *(;param) : value (3.1), values
// hold no control characters but HTAB; TEXT values escape \ ; , and line
// breaks and use no other escape (3.3.11), several TEXT values are
// separated by unescaped commas (CATEGORIES); BEGIN and END nest; a
// VCALENDAR has VERSION 2.0 and PRODID once (3.6, 3.7); a VTODO has UID and
// DTSTAMP once, the other properties at most once (3.6.2); DTSTAMP and
// COMPLETED are UTC date-times (3.3.5, 3.8.7.2, 3.8.2.1); DUE;VALUE=DATE is a
// date (3.3.4); PRIORITY is 0-9 (3.8.1.9); STATUS of a VTODO is
// NEEDS-ACTION, COMPLETED, IN-PROCESS or CANCELLED (3.8.1.11).
func parseICS(b []byte) (*icalComp, error) {
	if !utf8.Valid(b) {
		return nil, fmt.Errorf("not UTF-8")
	}
	s := string(b)
	if !strings.HasSuffix(s, "\r\n") {
		return nil, fmt.Errorf("the last line does not end in CRLF")
	}
	phys := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	var lines []string
	for i, l := range phys {
		if strings.ContainsAny(l, "\r\n") {
			return nil, fmt.Errorf("line %d: a bare CR or LF", i+1)
		}
		if len(l) > 75 {
			return nil, fmt.Errorf("line %d: %d octets, more than 75", i+1, len(l))
		}
		if l != "" && (l[0] == ' ' || l[0] == '\t') {
			if len(lines) == 0 {
				return nil, fmt.Errorf("line %d: continuation of nothing", i+1)
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	var stack []*icalComp
	var root *icalComp
	for i, l := range lines {
		p, err := parseContentLine(l)
		if err != nil {
			return nil, fmt.Errorf("content line %d %q: %w", i+1, l, err)
		}
		switch p.Name {
		case "BEGIN":
			c := &icalComp{Name: p.Raw}
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.Comps = append(top.Comps, c)
			} else if root != nil {
				return nil, fmt.Errorf("a second object after END:%s", root.Name)
			} else {
				root = c
			}
			stack = append(stack, c)
		case "END":
			if len(stack) == 0 || stack[len(stack)-1].Name != p.Raw {
				return nil, fmt.Errorf("END:%s does not close the open component", p.Raw)
			}
			if err := checkComp(stack[len(stack)-1]); err != nil {
				return nil, err
			}
			stack = stack[:len(stack)-1]
		default:
			if len(stack) == 0 {
				return nil, fmt.Errorf("%s outside any component", p.Name)
			}
			top := stack[len(stack)-1]
			top.Props = append(top.Props, p)
		}
	}
	if len(stack) > 0 || root == nil || root.Name != "VCALENDAR" {
		return nil, fmt.Errorf("not one complete VCALENDAR")
	}
	return root, nil
}

// parseContentLine splits name, parameters and value and decodes TEXT.
func parseContentLine(l string) (icalProp, error) {
	p := icalProp{Params: map[string]string{}}
	i := strings.IndexAny(l, ";:")
	if i <= 0 {
		return p, fmt.Errorf("no name")
	}
	p.Name = strings.ToUpper(l[:i])
	if !icalName.MatchString(p.Name) {
		return p, fmt.Errorf("name %q", p.Name)
	}
	rest := l[i:]
	for strings.HasPrefix(rest, ";") {
		rest = rest[1:]
		eq := strings.IndexByte(rest, '=')
		if eq <= 0 {
			return p, fmt.Errorf("parameter without =")
		}
		name, v := strings.ToUpper(rest[:eq]), rest[eq+1:]
		var val string
		if strings.HasPrefix(v, `"`) {
			end := strings.IndexByte(v[1:], '"')
			if end < 0 {
				return p, fmt.Errorf("unterminated quoted parameter")
			}
			val, rest = v[1:1+end], v[2+end:]
		} else {
			end := strings.IndexAny(v, ";:")
			if end < 0 {
				return p, fmt.Errorf("no value")
			}
			val, rest = v[:end], v[end:]
			if strings.ContainsAny(val, `,"`) {
				return p, fmt.Errorf("parameter value %q needs quoting", val)
			}
		}
		p.Params[name] = val
	}
	if !strings.HasPrefix(rest, ":") {
		return p, fmt.Errorf("no ':' before the value")
	}
	p.Raw = rest[1:]
	for _, r := range p.Raw {
		if r < 0x20 && r != '\t' || r == 0x7f {
			return p, fmt.Errorf("control character %U in the value", r)
		}
	}
	if textProps[p.Name] {
		vals, err := unescapeText(p.Raw, p.Name == "CATEGORIES")
		if err != nil {
			return p, err
		}
		p.Values = vals
	} else {
		p.Values = []string{p.Raw}
	}
	return p, nil
}

// unescapeText decodes TEXT; list says whether unescaped commas separate
// values (else an unescaped comma or semicolon is an error).
func unescapeText(s string, list bool) ([]string, error) {
	var vals []string
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			if i+1 == len(s) {
				return nil, fmt.Errorf("a lone backslash at the end")
			}
			i++
			switch s[i] {
			case '\\', ';', ',':
				b.WriteByte(s[i])
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				return nil, fmt.Errorf(`the escape \%c is not TEXT`, s[i])
			}
		case c == ',' && list:
			vals = append(vals, b.String())
			b.Reset()
		case c == ',' || c == ';':
			return nil, fmt.Errorf("an unescaped %q in TEXT", c)
		default:
			b.WriteByte(c)
		}
	}
	return append(vals, b.String()), nil
}

func checkComp(c *icalComp) error {
	switch c.Name {
	case "VCALENDAR":
		if len(c.all("VERSION")) != 1 || c.get("VERSION") != "2.0" || len(c.all("PRODID")) != 1 {
			return fmt.Errorf("VCALENDAR: VERSION:2.0 and PRODID exactly once")
		}
		for _, sub := range c.Comps {
			if sub.Name != "VTODO" {
				return fmt.Errorf("VCALENDAR: unexpected %s", sub.Name)
			}
		}
	case "VTODO":
		for _, name := range onceInTodo {
			n := len(c.all(name))
			if n > 1 || n == 0 && (name == "UID" || name == "DTSTAMP") {
				return fmt.Errorf("VTODO %s: %s %d times", c.get("UID"), name, n)
			}
		}
		if !icalUTC.MatchString(c.get("DTSTAMP")) {
			return fmt.Errorf("VTODO: DTSTAMP %q is not a UTC date-time", c.get("DTSTAMP"))
		}
		if v := c.get("COMPLETED"); v != "" && !icalUTC.MatchString(v) {
			return fmt.Errorf("VTODO: COMPLETED %q is not a UTC date-time", v)
		}
		for _, due := range c.all("DUE") {
			if due.Params["VALUE"] != "DATE" {
				return fmt.Errorf("VTODO: DUE without VALUE=DATE")
			}
			if _, err := time.Parse("20060102", due.Raw); err != nil {
				return fmt.Errorf("VTODO: DUE %q is not a date", due.Raw)
			}
		}
		if v := c.get("PRIORITY"); v != "" {
			if n, err := strconv.Atoi(v); err != nil || n < 0 || n > 9 {
				return fmt.Errorf("VTODO: PRIORITY %q: want 0-9", v)
			}
		}
		switch c.get("STATUS") {
		case "", "NEEDS-ACTION", "COMPLETED", "IN-PROCESS", "CANCELLED":
		default:
			return fmt.Errorf("VTODO: STATUS %q", c.get("STATUS"))
		}
	}
	return nil
}

func TestWriteICS(t *testing.T) {
	l := hostile()
	now := time.Date(2026, 1, 15, 9, 30, 0, 0, time.FixedZone("CET", 3600))
	var buf bytes.Buffer
	res, err := WriteICS(&buf, l, testOwners(t), now, "v1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	cal, err := parseICS(buf.Bytes())
	if err != nil {
		t.Fatalf("not RFC 5545: %v\n%s", err, buf.String())
	}
	if len(cal.Comps) != 5 || res.Items != 5 || strings.Join(res.Unmapped, "|") != "@SUM(1+1)" {
		t.Fatalf("got %d to-dos, %+v", len(cal.Comps), res)
	}
	if cal.get("PRODID") != "-//pir//pir v1.2.3//EN" {
		t.Errorf("PRODID: %q", cal.get("PRODID"))
	}
	// Folding happened, and never inside a UTF-8 character.
	if !strings.Contains(buf.String(), "\r\n ") {
		t.Error("no folded line")
	}
	todo := cal.Comps
	for i, c := range []struct {
		summary, due, priority, status, contact string
		categories                              []string
	}{
		{`=HYPERLINK("http://evil.example","click")`, "20251201", "1", "NEEDS-ACTION", "@SUM(1+1)", []string{"EVIL-1", "pir"}},
		{`-Disable legacy auth; then, \ "quote" second line end`, "20251220", "3", "IN-PROCESS", "SOC <soc-lead@example.org>", []string{"EVIL-1", "pir"}},
		{plain(l.Items[2].Summary), "20260301", "7", "NEEDS-ACTION", "Zoë Łukasz <zoe@example.org>", []string{"thehive:~42", "pir"}},
		{"Action item A-4 of C 9", "", "9", "COMPLETED", "", []string{"C 9", "pir"}},
		{"Retire the NAS, with ‹U+0007›bell‹U+001B›[31m", "", "0", "CANCELLED", "ops@example.org", []string{"C 9", "pir"}},
	} {
		got := todo[i]
		if got.get("SUMMARY") != c.summary || got.get("DUE") != c.due || got.get("PRIORITY") != c.priority ||
			got.get("STATUS") != c.status || got.get("CONTACT") != c.contact ||
			strings.Join(got.all("CATEGORIES")[0].Values, "|") != strings.Join(c.categories, "|") {
			t.Errorf("to-do %d: got %+v", i+1, got.Props)
		}
		if got.get("DTSTAMP") != "20260115T083000Z" || got.get("UID") != ICalUID(l.Items[i]) {
			t.Errorf("to-do %d: DTSTAMP %q UID %q", i+1, got.get("DTSTAMP"), got.get("UID"))
		}
	}
	// Line breaks and markup in the case title come back as text.
	d := todo[0].get("DESCRIPTION")
	if !strings.Contains(d, "(</script><script>alert(1)</script> # heading)") || !strings.Contains(d, "\nOwner: @SUM(1+1)\nPriority: critical\nStatus on 2026-01-15: open, 45 days overdue.") {
		t.Errorf("description: %q", d)
	}
	if todo[3].get("COMPLETED") != "20251220T150405Z" {
		t.Errorf("COMPLETED: %q", todo[3].get("COMPLETED"))
	}

	// UIDs are stable across runs and distinct across items.
	var again bytes.Buffer
	if _, err := WriteICS(&again, l, Owners{}, now.Add(48*time.Hour), "v1.2.4"); err != nil {
		t.Fatal(err)
	}
	cal2, err := parseICS(again.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i, c := range cal2.Comps {
		if c.get("UID") != todo[i].get("UID") || c.get("DTSTAMP") != "20260117T083000Z" {
			t.Errorf("run 2, to-do %d: UID %q DTSTAMP %q", i+1, c.get("UID"), c.get("DTSTAMP"))
		}
		seen[c.get("UID")] = true
	}
	if len(seen) != 5 {
		t.Errorf("%d distinct UIDs for 5 items", len(seen))
	}
}

func TestFoldAndEscape(t *testing.T) {
	for _, s := range []string{
		strings.Repeat("a", 200),
		strings.Repeat("ß", 100),         // 2 octets each
		strings.Repeat("x€", 60),         // 3-octet runes at odd offsets
		"a" + strings.Repeat("😀", 40),    // 4 octets each
		`a\b;c,d` + "\n" + `e` + "\r\nf", // every escape
	} {
		var b bytes.Buffer
		fold(&b, "SUMMARY:"+escapeText(s))
		cal, err := parseICS([]byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTODO\r\nUID:1\r\nDTSTAMP:20260101T000000Z\r\n" +
			b.String() + "END:VTODO\r\nEND:VCALENDAR\r\n"))
		if err != nil {
			t.Fatalf("%q: %v\n%s", s, err, b.String())
		}
		want := strings.ReplaceAll(s, "\r\n", "\n")
		if got := cal.Comps[0].get("SUMMARY"); got != want {
			t.Errorf("round trip: got %q, want %q", got, want)
		}
	}
	if got := escapeText("a\x00b\x1bc\td"); got != "abc d" {
		t.Errorf("controls: got %q", got)
	}
}

// TestParseICSRules: the parser refuses what RFC 5545 forbids.
func TestParseICSRules(t *testing.T) {
	wrap := func(todo string) string {
		return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTODO\r\n" + todo + "END:VTODO\r\nEND:VCALENDAR\r\n"
	}
	ok := "UID:1\r\nDTSTAMP:20260101T000000Z\r\n"
	for _, c := range []struct{ name, file, want string }{
		{"LongLine", wrap(ok + "SUMMARY:" + strings.Repeat("x", 70) + "\r\n"), "more than 75"},
		{"BareLF", wrap(ok + "SUMMARY:a\nb\r\n"), "bare CR or LF"},
		{"BadEscape", wrap(ok + `SUMMARY:a\tb` + "\r\n"), `escape \t`},
		{"UnescapedComma", wrap(ok + "SUMMARY:a,b\r\n"), "unescaped"},
		{"UnescapedSemicolon", wrap(ok + "DESCRIPTION:a;b\r\n"), "unescaped"},
		{"NoUID", wrap("DTSTAMP:20260101T000000Z\r\n"), "UID 0 times"},
		{"TwoDTSTAMP", wrap(ok + "DTSTAMP:20260101T000000Z\r\n"), "DTSTAMP 2 times"},
		{"LocalDTSTAMP", wrap("UID:1\r\nDTSTAMP:20260101T000000\r\n"), "not a UTC"},
		{"Priority", wrap(ok + "PRIORITY:10\r\n"), "0-9"},
		{"Status", wrap(ok + "STATUS:DONE\r\n"), "STATUS"},
		{"DueDate", wrap(ok + "DUE;VALUE=DATE:2026-01-01\r\n"), "not a date"},
		{"Mismatch", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VTODO\r\n", "does not close"},
		{"NoCRLF", "BEGIN:VCALENDAR\r\nEND:VCALENDAR", "CRLF"},
		{"NoVersion", "BEGIN:VCALENDAR\r\nPRODID:x\r\nEND:VCALENDAR\r\n", "VERSION"},
		{"Control", wrap(ok + "SUMMARY:a\x07b\r\n"), "control character"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := parseICS([]byte(c.file)); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want %q", err, c.want)
			}
		})
	}
}
