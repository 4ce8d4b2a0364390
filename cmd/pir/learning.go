package main

import (
	"fmt"
	"strings"

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
}

// validate checks the [learning] table.
func (l *LearningConfig) validate() error {
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
