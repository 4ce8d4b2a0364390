package mail

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestSubjectLongOrganisation: the subject is capped at maxSubjectRunes,
// and a 500-character organisation name used to push the quarter and the
// TLP marking past the cap, where they were cut off. The organisation is
// shortened instead; the quarter and the marking always stay whole.
func TestSubjectLongOrganisation(t *testing.T) {
	long := string([]rune(strings.Repeat("Ünïcode Holdings & Subsidiaries\r\n", 16))[:500])
	for _, tc := range []struct{ name, tmpl string }{
		{"Default", ""},
		{"MarkingFirst", "[{{.Marking}}] {{.Organisation}} / {{.Organisation}}: IR {{.Quarter}} ({{.Cases}} cases)"},
		{"NoMarking", "{{.Organisation}} report {{.Quarter}}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := testSummary()
			s.Organisation = long
			got, err := Subject(tc.tmpl, s)
			if err != nil {
				t.Fatal(err)
			}
			if n := utf8.RuneCountInString(got); n > maxSubjectRunes {
				t.Errorf("%d runes, want at most %d: %q", n, maxSubjectRunes, got)
			}
			wants := []string{"2024-Q1", "…"}
			if strings.Contains(tc.tmpl, "Marking") || tc.tmpl == "" {
				wants = append(wants, "TLP:AMBER")
			}
			if tc.tmpl == "" {
				wants = append(wants, "Incident response report 2024-Q1 [TLP:AMBER]")
			}
			for _, want := range wants {
				if !strings.Contains(got, want) {
					t.Errorf("got %q, want it to hold %q", got, want)
				}
			}
			if !strings.HasPrefix(strings.TrimPrefix(got, "[TLP:AMBER] "), "Ünïcode Holdings & Subsidiaries Ünïcode") {
				t.Errorf("got %q, want the organisation's start", got)
			}
			if utf8.RuneCountInString(got) < maxSubjectRunes-10 {
				t.Errorf("got %d runes: the organisation was cut more than needed: %q", utf8.RuneCountInString(got), got)
			}
		})
	}
	t.Run("ShortUnchanged", func(t *testing.T) {
		s := testSummary()
		s.Organisation = "ACME"
		if got, _ := Subject("", s); got != "ACME: Incident response report 2024-Q1 [TLP:AMBER]" {
			t.Errorf("got %q", got)
		}
	})
}
