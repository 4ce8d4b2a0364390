package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	pirsql "github.com/pirhq/pir/sql"
)

// LearningConfig is the [learning] table of pir.toml: how the learning-loop
// views judge root-cause chains and review wording (docs/metrics.md). A
// list given replaces the default list of its table for the session.
type LearningConfig struct {
	// MinWhys is the 5-Whys depth below which a root cause is shallow
	// (default 3).
	MinWhys int `toml:"min_whys"`
	// BlameWords are blame on their own ("careless", "human error").
	BlameWords []string `toml:"blame_words"`
	// BlameAfterPerson are blame when a person is their subject ("failed
	// to": "the admin failed to", not "the firewall failed to").
	BlameAfterPerson []string `toml:"blame_after_person"`
	// PersonWords are roles that name a person after a determiner ("user":
	// "the user", "an analyst").
	PersonWords []string `toml:"person_words"`
	// PersonThings make a role a thing when they follow it ("account":
	// "the user account").
	PersonThings []string `toml:"person_things"`
	// ReviewWithin is how soon after closure a review should be held:
	// "14d" (default) or a Go duration ("336h").
	ReviewWithin string `toml:"review_within"`
	// ReviewMinSeverity is the least severe closed case that should get a
	// review (default medium).
	ReviewMinSeverity string `toml:"review_min_severity"`
}

// validate checks the [learning] table.
func (l *LearningConfig) validate() error {
	if _, err := l.reviewWithinDays(); err != nil {
		return err
	}
	switch l.ReviewMinSeverity {
	case "", "critical", "high", "medium", "low", "informational":
	default:
		return fmt.Errorf("learning.review_min_severity %q: want critical, high, medium, low or informational", l.ReviewMinSeverity)
	}
	if l.MinWhys < 0 || l.MinWhys > 20 {
		return fmt.Errorf("learning.min_whys %d: want 1 to 20", l.MinWhys)
	}
	for _, list := range []struct {
		key   string
		terms []string
	}{{"blame_words", l.BlameWords}, {"blame_after_person", l.BlameAfterPerson}, {"person_words", l.PersonWords}, {"person_things", l.PersonThings}} {
		for i, t := range list.terms {
			if strings.TrimSpace(t) == "" {
				return fmt.Errorf("learning.%s[%d]: empty term", list.key, i)
			}
		}
	}
	return nil
}

// minWhys is the rca_min_whys setting, "" when the config does not set it.
func (l *LearningConfig) minWhys() string {
	if l.MinWhys == 0 {
		return ""
	}
	return fmt.Sprint(l.MinWhys)
}

// reviewWithinDays is review_within in days, "" when not set.
func (l *LearningConfig) reviewWithinDays() (string, error) {
	v := strings.TrimSpace(l.ReviewWithin)
	if v == "" {
		return "", nil
	}
	if d, ok := strings.CutSuffix(v, "d"); ok {
		if n, err := strconv.ParseFloat(d, 64); err == nil && n > 0 {
			return strconv.FormatFloat(n, 'f', -1, 64), nil
		}
	} else if dur, err := time.ParseDuration(v); err == nil && dur > 0 {
		return strconv.FormatFloat(dur.Hours()/24, 'f', -1, 64), nil
	}
	return "", fmt.Errorf("learning.review_within %q: want days such as 14d or a Go duration such as 336h", l.ReviewWithin)
}

// tables are the word lists the config replaces, as session tables.
func (l *LearningConfig) tables() []pirsql.TableRows {
	var out []pirsql.TableRows
	for _, list := range []struct {
		table string
		terms []string
	}{{"blame_words", l.BlameWords}, {"blame_after_person", l.BlameAfterPerson}, {"person_words", l.PersonWords}, {"person_things", l.PersonThings}} {
		if list.terms == nil {
			continue
		}
		rows := make([][]any, len(list.terms))
		for i, t := range list.terms {
			rows[i] = []any{t}
		}
		out = append(out, pirsql.TableRows{Table: list.table, Columns: []string{"term"}, Rows: rows})
	}
	return out
}
