package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/ingest"
	"github.com/pirhq/pir/mail"
	"github.com/pirhq/pir/tracker"
)

// Config is pir.toml: everything `pir run` needs, and the metric definitions
// and report settings that `pir metrics` and `pir report` read with --config.
// Only cmd reads it; packages receive plain values. examples/pir.toml is a
// complete, documented example.
type Config struct {
	// DB is the DuckDB file, relative to the config file's directory.
	DB string `toml:"db"`
	// TimeZone is the IANA zone for quarters and naive timestamps.
	TimeZone string `toml:"time_zone"`
	// Cohort is "detection" (default) or "closure".
	Cohort   string `toml:"cohort"`
	Quarters int    `toml:"quarters"` // trailing quarters in reports (default 8)

	Organisation string `toml:"organisation"`
	// Marking is the classification marking on every page (default TLP:AMBER).
	Marking string `toml:"marking"`
	// OutDir receives dashboard-<Q>.html and report-<Q>.pdf.
	OutDir string `toml:"out_dir"`
	// Rules is an optional folder of Sigma rules for the coverage section.
	Rules string `toml:"rules"`
	// RulesDir is the same as Rules, another name for it;
	// give one of them.
	RulesDir string `toml:"rules_dir"`
	// Learning tunes the root-cause and blameless-language checks.
	Learning LearningConfig `toml:"learning"`

	// ReferenceDB is an optional pir database loaded with VERIS data (the
	// VCDB): pir run adds a benchmark section; Industry (a NAICS prefix)
	// and OrgSize (small, large or a VERIS employee_count) narrow it.
	ReferenceDB string `toml:"reference_db"`
	Industry    string `toml:"industry"`
	OrgSize     string `toml:"org_size"`

	// Report settings of issue 15 (config_report.go, docs/metrics.md).
	RecurrenceWindow string         `toml:"recurrence_window"`
	AllowEmpty       bool           `toml:"allow_empty"`
	Targets          []TargetConfig `toml:"target"`
	// LeadershipTitles is "show" (default) or "hide": case titles in the
	// PDF, dashboard and email, or category and severity in their place.
	LeadershipTitles string `toml:"leadership_titles"`

	Sources []SourceConfig `toml:"source"`
	Metrics []MetricConfig `toml:"metric"`
	// Reports are one report per client of a managed security provider
	// (run_tenants.go); AllTenants keeps the report on every case too.
	Reports    []TenantReport `toml:"report"`
	AllTenants bool           `toml:"all_tenants_report"`
	// SliceMinCases and SliceMaxValues fold small slice values into
	// "other" (SQL settings slice_min_cases, slice_max_values).
	SliceMinCases  *int        `toml:"slice_min_cases"`
	SliceMaxValues *int        `toml:"slice_max_values"`
	Email          EmailConfig `toml:"email"`

	// Owners maps action-item owners as case exports write them to tracker
	// accounts: "email" or "Display Name <email>" (pir actions --format
	// jira-csv, ado-csv, ics).
	Owners map[string]string `toml:"owners"`
	owners tracker.Owners

	// dir is the directory of the config file; relative paths resolve there.
	dir string
}

// SourceConfig is one input: paths or globs, their format and an optional
// mapping file (importer field names).
type SourceConfig struct {
	Paths   []string `toml:"paths"`
	Format  string   `toml:"format"` // auto (default), pir, thehive, servicenow, sentinel, iris, veris, elastic, splunk
	Mapping string   `toml:"mapping"`
	// AllowEmpty accepts a file without records (pir ingest --allow-empty).
	AllowEmpty bool `toml:"allow_empty"`
}

// MetricConfig defines (or redefines, by name) a metric: end − start.
type MetricConfig struct {
	Name  string `toml:"name"`
	Label string `toml:"label"`
	Start string `toml:"start"`
	End   string `toml:"end"`
}

// EmailConfig says where the quarterly report goes. The password is never
// in the config: PasswordEnv names an environment variable, PasswordFile a
// file (which must not be group- or world-readable).
type EmailConfig struct {
	From         string   `toml:"from"`
	To           []string `toml:"to"`
	Cc           []string `toml:"cc"`
	Subject      string   `toml:"subject"` // template; {{.Quarter}}, {{.Organisation}}
	Host         string   `toml:"host"`
	Port         int      `toml:"port"`
	TLS          string   `toml:"tls"` // mandatory (default), implicit, opportunistic, none
	Username     string   `toml:"username"`
	PasswordEnv  string   `toml:"password_env"`
	PasswordFile string   `toml:"password_file"`
	AttachHTML   bool     `toml:"attach_html"`
	Timeout      string   `toml:"timeout"` // Go duration, default 30s

	// Auth forces an AUTH mechanism: "plain" or "login"; empty picks PLAIN,
	// else LOGIN, whichever the server offers.
	Auth string `toml:"auth"`
	// Insecure allows tls = "none" to a host that is not loopback and
	// AUTH over an unencrypted connection. Never on the internet.
	Insecure bool `toml:"insecure"`
	// CAFile is a PEM bundle that verifies the server certificate instead
	// of the system roots (a private relay's CA).
	CAFile string `toml:"ca_file"`
	// ConnectTimeout bounds connecting (Go duration, default 15s).
	ConnectTimeout string `toml:"connect_timeout"`
	// Retries of a transient failure (default 3); Backoff is the first
	// wait, doubled each time (default 2s).
	Retries *int   `toml:"retries"`
	Backoff string `toml:"backoff"`
}

// loadConfig reads a TOML config; unknown keys are an error (a typo must not
// silently fall back to a default), and a "password" key is refused.
func loadConfig(path string) (*Config, error) {
	var cfg Config
	f, err := ingest.OpenRegular(path) // a named pipe would block for ever
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	md, err := toml.NewDecoder(f).Decode(&cfg)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
			if strings.EqualFold(k[len(k)-1], "password") {
				return nil, fmt.Errorf("config %s: %s: passwords are not read from the config; use password_env or password_file", path, k)
			}
		}
		return nil, fmt.Errorf("config %s: unknown keys: %s", path, strings.Join(keys, ", "))
	}
	cfg.dir = filepath.Dir(path)
	if cfg.Cohort == "" {
		cfg.Cohort = "detection"
	}
	if cfg.Cohort != "detection" && cfg.Cohort != "closure" {
		return nil, fmt.Errorf("config %s: cohort %q: want detection or closure", path, cfg.Cohort)
	}
	if cfg.Marking == "" {
		cfg.Marking = "TLP:AMBER"
	}
	if cfg.Quarters == 0 {
		cfg.Quarters = 8
	}
	for i, m := range cfg.Metrics {
		if m.Name == "" || m.Start == "" || m.End == "" {
			return nil, fmt.Errorf("config %s: metric %d: name, start and end are required", path, i+1)
		}
		for _, end := range [][2]string{{"start", m.Start}, {"end", m.End}} {
			if !slices.Contains(analytics.Milestones, end[1]) {
				return nil, fmt.Errorf("config %s: metric %q: %s %q: want one of %s", path, m.Name, end[0], end[1], strings.Join(analytics.Milestones, ", "))
			}
		}
	}
	if err := cfg.validateReport(); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	if err := cfg.validateSlices(); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	if cfg.owners, err = tracker.ParseOwners(cfg.Owners); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	if cfg.Rules != "" && cfg.RulesDir != "" {
		return nil, fmt.Errorf("config %s: rules and rules_dir: give one (they are the same setting)", path)
	}
	if cfg.Rules == "" {
		cfg.Rules = cfg.RulesDir
	}
	if err := cfg.Learning.validate(); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	if err := cfg.Email.validate(); err != nil {
		return nil, fmt.Errorf("config %s: email.%w", path, err)
	}
	if cfg.Email.PasswordFile != "" {
		if err := checkSecretFile(cfg.resolve(cfg.Email.PasswordFile)); err != nil {
			return nil, fmt.Errorf("config %s: email.password_file: %w", path, err)
		}
	}
	return &cfg, nil
}

// resolve makes p relative to the config file's directory.
func (c *Config) resolve(p string) string {
	if p == "" || filepath.IsAbs(p) || c.dir == "" {
		return p
	}
	return filepath.Join(c.dir, p)
}

// checkSecretFile refuses a secret file that others can read.
func checkSecretFile(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if st.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("%s is readable by group or others (mode %04o): chmod 600 it", path, st.Mode().Perm())
	}
	return nil
}

// validate checks the [email] table's formats; whether email is needed at
// all is up to the command.
func (e *EmailConfig) validate() error {
	for _, d := range []struct{ key, val string }{
		{"timeout", e.Timeout}, {"connect_timeout", e.ConnectTimeout}, {"backoff", e.Backoff},
	} {
		if d.val == "" {
			continue
		}
		if v, err := time.ParseDuration(d.val); err != nil || v <= 0 {
			return fmt.Errorf("%s %q: want a positive Go duration such as 30s", d.key, d.val)
		}
	}
	if e.Retries != nil && (*e.Retries < 0 || *e.Retries > 10) {
		return fmt.Errorf("retries %d: want 0 to 10", *e.Retries)
	}
	if e.Port < 0 || e.Port > 65535 {
		return fmt.Errorf("port %d: out of range", e.Port)
	}
	if _, err := mail.ParseTLSMode(e.TLS); err != nil {
		return fmt.Errorf("tls: %w", err)
	}
	switch strings.ToLower(e.Auth) {
	case "", "plain", "login":
	default:
		return fmt.Errorf("auth %q: want plain or login", e.Auth)
	}
	return nil
}

// location is the configured time zone (UTC when unset).
func (c *Config) location() (*time.Location, error) {
	tz := c.TimeZone
	if tz == "" {
		tz = "UTC"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("config: time_zone %q: %w", tz, err)
	}
	return loc, nil
}
