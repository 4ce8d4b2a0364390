// Package tracker writes the action items of post-incident reviews for the
// tools teams track them in: Jira's CSV importer, Azure Boards' CSV import
// and calendars (iCalendar to-dos, RFC 5545). Each writer takes an
// analytics.ActionList and writes to an io.Writer; owners are mapped to
// tracker accounts with the [owners] table of pir.toml (Owners).
package tracker

import (
	"fmt"
	"net/mail"
	"sort"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// Account is the tracker user an owner maps to.
type Account struct {
	Name  string // display name; empty when the [owners] value had none
	Email string
}

// Owners maps owner names, as case exports write them ("SOC", "IAM Team",
// "Zoë Łukasz"), to tracker accounts. Names match case-insensitively with
// runs of spaces collapsed.
type Owners struct {
	m map[string]Account
}

// ParseOwners reads the [owners] table of pir.toml: owner name → "email" or
// "Display Name <email>".
func ParseOwners(raw map[string]string) (Owners, error) {
	o := Owners{m: map[string]Account{}}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	first := map[string]string{}
	for _, k := range keys {
		key := ownerKey(k)
		if key == "" {
			return Owners{}, fmt.Errorf("owners: an empty owner name")
		}
		if prev, ok := first[key]; ok {
			return Owners{}, fmt.Errorf("owners: %q and %q name the same owner (names match case-insensitively)", prev, k)
		}
		first[key] = k
		a, err := mail.ParseAddress(raw[k])
		if err != nil {
			return Owners{}, fmt.Errorf("owners.%q = %q: want an email address such as soc-lead@example.org or \"SOC Lead <soc-lead@example.org>\": %v", k, raw[k], err)
		}
		o.m[key] = Account{Name: a.Name, Email: a.Address}
	}
	return o, nil
}

// Lookup returns owner's account: its [owners] entry, else the owner itself
// when it is a plain email address. ok is false for an owner with neither
// (and for no owner).
func (o Owners) Lookup(owner string) (Account, bool) {
	if a, ok := o.m[ownerKey(owner)]; ok {
		return a, true
	}
	s := strings.TrimSpace(owner)
	if a, err := mail.ParseAddress(s); err == nil && a.Address == s {
		return Account{Email: s}, true
	}
	return Account{}, false
}

// Len is the number of entries.
func (o Owners) Len() int { return len(o.m) }

func ownerKey(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// Result is what a writer reports besides the file.
type Result struct {
	// Items is the number of items written.
	Items int
	// Unmapped are the distinct owners with no account (sorted), left
	// unassigned: the CLI warns about them.
	Unmapped []string
}

func (r *Result) unmapped(owner string) {
	for _, u := range r.Unmapped {
		if u == owner {
			return
		}
	}
	r.Unmapped = append(r.Unmapped, owner)
	sort.Strings(r.Unmapped)
}

// assign resolves an item's owner for a tracker: the account, or none (an
// unmapped owner is recorded in r).
func assign(owners Owners, owner string, r *Result) (Account, bool) {
	owner = plain(owner)
	if owner == "" {
		return Account{}, false
	}
	a, ok := owners.Lookup(owner)
	if !ok {
		r.unmapped(owner)
	}
	return a, ok
}

// plain makes free text from a case export one clean line: control
// characters, bidi overrides and zero-width characters (they could hide or
// reorder text in a ticket title, or make two titles look the same) shown
// as their code points ("‹U+202E›", display.Visible), whitespace collapsed.
func plain(s string) string {
	return strings.Join(strings.Fields(display.Visible(s)), " ")
}

// multiline is plain per line, keeping line breaks (for descriptions).
func multiline(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = plain(l)
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// utf16Len is a string's length as Java and .NET count it (UTF-16 code
// units): Jira's and Azure Boards' 255-character limits are in these.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// Cut shortens s to at most max UTF-16 code units, at the last word
// boundary that fits, marking the cut with "…"; a single word longer than
// half of max is cut inside. s is returned unchanged when it fits.
func Cut(s string, max int) (string, bool) {
	if utf16Len(s) <= max {
		return s, false
	}
	limit := max - 1 // room for the ellipsis
	n, end, lastSpace := 0, 0, -1
	for i, r := range s {
		w := utf16.RuneLen(r)
		if n+w > limit {
			break
		}
		if unicode.IsSpace(r) {
			lastSpace = i
		}
		n += w
		end = i + len(string(r))
	}
	next, _ := utf8.DecodeRuneInString(s[end:])
	if !unicode.IsSpace(next) && lastSpace > 0 && utf16Len(s[:lastSpace]) >= limit/2 {
		end = lastSpace // drop the word the limit falls in
	}
	return strings.TrimRightFunc(s[:end], unicode.IsSpace) + "…", true
}

// caseLine describes where an item comes from, for descriptions.
func caseLine(a analytics.ActionItem) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Action item %s from the post-incident review of %s", plain(a.ID), plain(a.Ref))
	if t := plain(a.CaseTitle); t != "" {
		fmt.Fprintf(&b, " (%s)", t)
	}
	var facts []string
	if a.Severity != "" {
		facts = append(facts, "severity "+plain(a.Severity))
	}
	if a.Quarter != "" {
		facts = append(facts, "detected in "+a.Quarter)
	}
	if len(facts) > 0 {
		fmt.Fprintf(&b, ", %s", strings.Join(facts, ", "))
	}
	b.WriteString(".")
	return b.String()
}

// statusLine is the item's state on the list's as-of date.
func statusLine(l *analytics.ActionList, a analytics.ActionItem) string {
	s := fmt.Sprintf("Status on %s: %s", l.AsOfDate, plain(a.Status))
	if a.Done && a.Completed != nil {
		s += ", completed " + a.Completed.Format("2006-01-02")
	}
	if a.Overdue {
		s += ", " + display.Plural(a.DaysOverdue, "day", "days") + " overdue"
	}
	return s + "."
}

// title is an item's summary as one line, never empty.
func title(a analytics.ActionItem) string {
	if s := plain(a.Summary); s != "" {
		return s
	}
	return fmt.Sprintf("Action item %s of %s", plain(a.ID), plain(a.Ref))
}
