// Package coverage reads a folder of Sigma detection rules and says which
// MITRE ATT&CK techniques they detect, so pir can compare them with the
// techniques seen in incidents. It is pure Go: no database, no rule
// evaluation (only the rules' metadata and tags are read).
//
// Matching follows ATT&CK's parent/sub-technique semantics: a sub-technique
// (T1558.003) is one specific way of doing its parent (T1558). A rule
// tagged with an ID covers exactly that ID. A rule tagged only with the
// parent does NOT cover the sub-techniques (a parent-level analytic is no
// evidence that every variant is detected: "Valid Accounts" on a Windows
// logon event says nothing about cloud accounts, T1078.004), and a rule for
// one sub-technique does not cover the parent or its siblings. Such near
// misses are reported as related rules (Match.Parent, Match.Sub), so an
// analyst can judge them, but they never count as covered.
package coverage

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// MaxRuleSize is the largest rule file read; bigger files are reported as
// invalid (real Sigma rules are a few kilobytes).
const MaxRuleSize = 1 << 20

// Statuses are the rule statuses the Sigma specification defines. Rules
// with Inactive statuses are reported but never count as coverage.
var (
	ActiveStatuses   = []string{"stable", "test", "experimental"}
	InactiveStatuses = []string{"deprecated", "unsupported"}
)

// Rule is one Sigma rule's metadata.
type Rule struct {
	// Path is the file, relative to the rules folder, with forward slashes.
	Path string `json:"path"`
	// Doc is the rule's YAML document in the file (0 for the first).
	Doc    int    `json:"doc,omitempty"`
	ID     string `json:"id,omitempty"`
	Title  string `json:"title"`
	Status string `json:"status,omitempty"`
	// Author is kept because the Detection Rule License requires crediting
	// it wherever SigmaHQ rules are shared or their matches reported.
	Author string `json:"author,omitempty"`
	Date   string `json:"date,omitempty"`
	Level  string `json:"level,omitempty"`
	// Techniques are the ATT&CK IDs from the rule's attack.tNNNN[.NNN] tags,
	// upper case, each once, in tag order.
	Techniques []string `json:"techniques"`
	// Platform is the platform its logsource detects on (PlatformOf):
	// "windows", "aws", …, "any", or "" when not mapped.
	Platform string `json:"platform,omitempty"`
}

// Problem is a rule file that could not be used, with the reason.
type Problem struct {
	Path  string `json:"path"`
	Error string `json:"error"`
}

// RuleSet is what Load found in a folder.
type RuleSet struct {
	// Files counts the .yml and .yaml files read.
	Files int `json:"files"`
	// Rules are the usable rules (status stable, test, experimental or
	// none), by path.
	Rules []Rule `json:"rules"`
	// Inactive are the rules with status deprecated or unsupported: listed,
	// never counted.
	Inactive []Rule `json:"inactive"`
	// Invalid are the files that are not valid Sigma rules; skipped.
	Invalid []Problem `json:"invalid"`
}

// ErrNoRulesDir is returned by Load when the folder cannot be read.
var ErrNoRulesDir = errors.New("rules folder not found")

// Load reads every .yml and .yaml file under dir (recursively, skipping
// hidden folders). A file that is not a valid Sigma rule is recorded in
// Invalid and skipped; only an unreadable dir is an error.
func Load(dir string) (*RuleSet, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("sigma rules %s: %w", dir, ErrNoRulesDir)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("sigma rules %s: not a folder", dir)
	}
	set := &RuleSet{Rules: []Rule{}, Inactive: []Rule{}, Invalid: []Problem{}}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		if err != nil {
			set.Invalid = append(set.Invalid, Problem{Path: rel, Error: err.Error()})
			if d != nil && d.IsDir() && path != dir {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if path != dir && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		ext := strings.ToLower(filepath.Ext(path))
		if ext != ".yml" && ext != ".yaml" {
			return nil
		}
		set.Files++
		rules, err := readRule(path, rel)
		if err != nil {
			set.Invalid = append(set.Invalid, Problem{Path: rel, Error: err.Error()})
			return nil
		}
		for _, r := range rules {
			if isInactive(r.Status) {
				set.Inactive = append(set.Inactive, r)
			} else {
				set.Rules = append(set.Rules, r)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sigma rules %s: %w", dir, err)
	}
	byPath := func(rs []Rule) func(i, j int) bool {
		return func(i, j int) bool {
			if rs[i].Path != rs[j].Path {
				return rs[i].Path < rs[j].Path
			}
			return rs[i].Doc < rs[j].Doc
		}
	}
	sort.SliceStable(set.Rules, byPath(set.Rules))
	sort.SliceStable(set.Inactive, byPath(set.Inactive))
	sort.SliceStable(set.Invalid, func(i, j int) bool { return set.Invalid[i].Path < set.Invalid[j].Path })
	return set, nil
}

func readRule(path, rel string) ([]Rule, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxRuleSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxRuleSize {
		return nil, fmt.Errorf("larger than %d bytes", MaxRuleSize)
	}
	return Parse(rel, data)
}

func isInactive(status string) bool {
	for _, s := range InactiveStatuses {
		if status == s {
			return true
		}
	}
	return false
}

// rawRule is the part of a Sigma rule pir reads. Logsource, detection and
// correlation are only checked for presence.
type rawRule struct {
	Title       string         `yaml:"title"`
	ID          string         `yaml:"id"`
	Status      string         `yaml:"status"`
	Author      string         `yaml:"author"`
	Date        string         `yaml:"date"`
	Level       string         `yaml:"level"`
	Tags        []string       `yaml:"tags"`
	Logsource   map[string]any `yaml:"logsource"`
	Detection   map[string]any `yaml:"detection"`
	Correlation map[string]any `yaml:"correlation"`
}

// Parse reads the Sigma rules in one file (usually one; a multi-document
// file holds several). path is recorded in each rule. An error says why
// the file is not a valid rule file; then no rule is returned.
func Parse(path string, data []byte) ([]Rule, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("empty file")
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var rules []Rule
	for doc := 0; ; doc++ {
		var node yaml.Node
		err := dec.Decode(&node)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("yaml: %s", strings.TrimPrefix(err.Error(), "yaml: "))
		}
		where := ""
		if doc > 0 {
			where = fmt.Sprintf("document %d: ", doc+1)
		}
		if len(node.Content) == 0 || node.Content[0].Kind != yaml.MappingNode {
			return nil, fmt.Errorf("%snot a Sigma rule (want a YAML mapping with title, logsource and detection)", where)
		}
		var raw rawRule
		if err := node.Decode(&raw); err != nil {
			return nil, fmt.Errorf("%s%s", where, strings.TrimPrefix(err.Error(), "yaml: "))
		}
		r, err := raw.rule(path, doc)
		if err != nil {
			return nil, fmt.Errorf("%s%w", where, err)
		}
		rules = append(rules, r)
	}
	if len(rules) == 0 {
		return nil, errors.New("no rule in the file")
	}
	return rules, nil
}

func (raw rawRule) rule(path string, doc int) (Rule, error) {
	title := strings.TrimSpace(raw.Title)
	switch {
	case title == "":
		return Rule{}, errors.New("no title")
	case raw.Correlation == nil && raw.Detection == nil:
		return Rule{}, errors.New("no detection section")
	case raw.Correlation == nil && raw.Logsource == nil:
		return Rule{}, errors.New("no logsource section")
	}
	status := strings.ToLower(strings.TrimSpace(raw.Status))
	if status != "" && !isInactive(status) && !contains(ActiveStatuses, status) {
		return Rule{}, fmt.Errorf("status %q: want one of %s", raw.Status, strings.Join(append(append([]string{}, ActiveStatuses...), InactiveStatuses...), ", "))
	}
	r := Rule{
		Path: path, Doc: doc, ID: strings.TrimSpace(raw.ID), Title: title, Status: status,
		Author: strings.TrimSpace(raw.Author), Date: strings.TrimSpace(raw.Date), Level: strings.TrimSpace(raw.Level),
		Techniques: []string{},
		Platform:   PlatformOf(logsourceField(raw.Logsource, "product"), logsourceField(raw.Logsource, "service"), logsourceField(raw.Logsource, "category")),
	}
	seen := map[string]bool{}
	for _, tag := range raw.Tags {
		if id, ok := TechniqueFromTag(tag); ok && !seen[id] {
			seen[id] = true
			r.Techniques = append(r.Techniques, id)
		}
	}
	return r, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var techniqueTag = regexp.MustCompile(`^attack\.t(\d{4})(\.\d{3})?$`)

// TechniqueFromTag turns a Sigma tag such as "attack.t1558.003" (any case)
// into the ATT&CK ID "T1558.003". Tactic ("attack.credential-access"),
// group ("attack.g0016") and software ("attack.s0002") tags give false.
func TechniqueFromTag(tag string) (string, bool) {
	m := techniqueTag.FindStringSubmatch(strings.ToLower(strings.TrimSpace(tag)))
	if m == nil {
		return "", false
	}
	return "T" + m[1] + m[2], true
}

// Parent is the parent technique of a sub-technique ("T1558.003" gives
// "T1558") and "" for a technique.
func Parent(id string) string {
	p, _, ok := strings.Cut(id, ".")
	if !ok {
		return ""
	}
	return p
}

// logsourceField is a string field of a rule's logsource ("" when absent or
// not a string).
func logsourceField(ls map[string]any, key string) string {
	v, _ := ls[key].(string)
	return v
}
