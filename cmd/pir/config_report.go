package main

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	pirsql "github.com/pirhq/pir/sql"
)

// TargetConfig is one severity target ([[target]]): cases of Severity
// should reach Metric within Within ("4h", "2d", "1w").
type TargetConfig struct {
	Severity string `toml:"severity"`
	Metric   string `toml:"metric"`
	Within   string `toml:"within"`
}

// severities are the severities a target can name (severity_rank in SQL).
var severities = []string{"critical", "high", "medium", "low", "informational"}

// validateReport checks the report settings of the config.
func (c *Config) validateReport() error {
	if c.RecurrenceWindow != "" {
		if _, err := windowHours(c.RecurrenceWindow); err != nil {
			return fmt.Errorf("recurrence_window %q: %w", c.RecurrenceWindow, err)
		}
	}
	switch c.LeadershipTitles {
	case "", "show", "hide":
	default:
		return fmt.Errorf("leadership_titles %q: want show or hide", c.LeadershipTitles)
	}
	seen := map[[2]string]bool{}
	for i, t := range c.Targets {
		if t.Severity == "" || t.Metric == "" || t.Within == "" {
			return fmt.Errorf("target %d: severity, metric and within are required", i+1)
		}
		if !slices.Contains(severities, t.Severity) {
			return fmt.Errorf("target %d: severity %q: want one of %s", i+1, t.Severity, strings.Join(severities, ", "))
		}
		if _, err := windowHours(t.Within); err != nil {
			return fmt.Errorf("target %d: within %q: %w", i+1, t.Within, err)
		}
		k := [2]string{t.Severity, t.Metric}
		if seen[k] {
			return fmt.Errorf("target %d: a second target for %s %s", i+1, t.Severity, t.Metric)
		}
		seen[k] = true
	}
	return nil
}

// windowPattern is the form duration_hours (SQL) reads.
var windowPattern = regexp.MustCompile(`^\s*([0-9]+(?:\.[0-9]+)?)\s*([hdw])\s*$`)

// windowHours reads a duration as the config writes it: a positive number
// and a unit h (hours), d (days) or w (weeks), e.g. "4h", "365d", "1.5d";
// the SQL macro duration_hours reads the same form.
func windowHours(s string) (float64, error) {
	m := windowPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("want a number and a unit h, d or w, e.g. 4h or 365d")
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("want a positive number and a unit h, d or w, e.g. 4h or 365d")
	}
	return v * map[string]float64{"h": 1, "d": 24, "w": 168}[m[2]], nil
}

// targetRows are the config's [[target]] tables as the rows of
// severity_targets for the session; false without targets (the stored,
// empty table applies).
func (c *Config) targetRows() (pirsql.TableRows, bool) {
	if len(c.Targets) == 0 {
		return pirsql.TableRows{}, false
	}
	t := pirsql.TableRows{Table: "severity_targets", Columns: []string{"severity", "metric", "within", "target_hours"}}
	for _, x := range c.Targets {
		h, _ := windowHours(x.Within) // validated by loadConfig
		t.Rows = append(t.Rows, []any{x.Severity, x.Metric, strings.TrimSpace(x.Within), h})
	}
	return t, true
}
