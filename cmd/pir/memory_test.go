package main

import "testing"

// TestMemoryDefaults: the commands that write or build a report from the
// whole database run under defaultWriteMemory unless --memory-limit says
// otherwise; an analyst's query keeps DuckDB's default.
func TestMemoryDefaults(t *testing.T) {
	for _, c := range []struct {
		command, flag string
		readOnly      bool
		want          string
	}{
		{"ingest", "", false, defaultWriteMemory},
		{"run", "", false, defaultWriteMemory},
		{"export", "", true, defaultWriteMemory},
		{"report", "", true, defaultWriteMemory},
		{"metrics", "", true, defaultWriteMemory},
		{"query", "", true, ""},
		{"actions", "", true, ""},
		{"report", "4GB", true, "4GB"},
		{"query", "512MB", true, "512MB"},
	} {
		s := &settings{command: c.command, memoryLimit: c.flag}
		if got := s.memory(c.readOnly); got != c.want {
			t.Errorf("%s (--memory-limit %q): got %q, want %q", c.command, c.flag, got, c.want)
		}
	}
}
