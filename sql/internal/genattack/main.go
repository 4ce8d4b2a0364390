// Command genattack turns MITRE's ATT&CK Enterprise technique and tactic
// lists (CSV, derived from mitre/cti) into sql/attack/enterprise-attack.sql,
// so pir carries the catalogue in its binary and the build never needs the
// source files. Run it with `go generate ./sql/`.
//
// The output is deterministic: the same inputs give the same bytes. It is
// not a migration (those are append-only): migration 0002 created the
// tables, and on a read-write open pir replaces their rows with this file's
// when its release line differs from the database's (sql/attack_load.go),
// so a new ATT&CK release reaches existing databases without a new
// migration.
package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

func main() {
	src := flag.String("src", "../../shared/data/attack", "directory with enterprise-techniques.csv, enterprise-tactics.csv, attack-v19-ids-not-in-v18.1.csv, SOURCE.md and LICENSE-ATTACK.txt")
	out := flag.String("out", "attack/enterprise-attack.sql", "catalogue file to write")
	license := flag.String("license", "schema/LICENSE-ATTACK.txt", "where to copy MITRE's ATT&CK license (reproduced as its terms require)")
	flag.Parse()
	if err := run(*src, *out, *license); err != nil {
		fmt.Fprintf(os.Stderr, "genattack: %v\n", err)
		os.Exit(1)
	}
}

// technique is one row of enterprise-techniques.csv (or of the v19 gap list).
type technique struct {
	ID, Name       string
	Tactics        []string
	Sub            bool
	Revoked        bool
	Deprecated     bool
	RevokedBy      string
	Release        string
	currentID      string
	parentID       string
	fromNewRelease bool
}

type tactic struct {
	Position            int
	ID, Short, Name     string
	deprecatedOrRevoked bool
}

type release struct {
	Version, Date, Source, Notice, License string
}

func run(src, out, licenseOut string) error {
	rel, err := readRelease(filepath.Join(src, "SOURCE.md"), filepath.Join(src, "LICENSE-ATTACK.txt"))
	if err != nil {
		return err
	}
	techs, err := readTechniques(filepath.Join(src, "enterprise-techniques.csv"), rel.Version)
	if err != nil {
		return err
	}
	newer, err := readNewer(filepath.Join(src, "attack-v19-ids-not-in-v18.1.csv"), techs)
	if err != nil {
		return err
	}
	tactics, err := readTactics(filepath.Join(src, "enterprise-tactics.csv"))
	if err != nil {
		return err
	}
	if err := resolve(techs); err != nil {
		return err
	}
	all := append(techs, newer...)
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	var b bytes.Buffer
	write(&b, rel, tactics, all, len(techs), len(newer))
	if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
		return err
	}
	return os.WriteFile(licenseOut, []byte(rel.License), 0o644)
}

var (
	reVersion = regexp.MustCompile(`ATT&CK (v\d+(?:\.\d+)?) Enterprise", (\d{4}-\d{2}-\d{2})`)
	reCommit  = regexp.MustCompile(`github\.com/mitre/cti @ ([0-9a-f]{40})`)
	reNotice  = regexp.MustCompile(`"(© \d{4} The MITRE Corporation\.[^"]*)"`)
	reID      = regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)
)

func readRelease(sourceMD, licenseTxt string) (release, error) {
	s, err := os.ReadFile(sourceMD)
	if err != nil {
		return release{}, err
	}
	l, err := os.ReadFile(licenseTxt)
	if err != nil {
		return release{}, err
	}
	m := reVersion.FindSubmatch(s)
	c := reCommit.FindSubmatch(s)
	n := reNotice.FindSubmatch(l)
	if m == nil || c == nil || n == nil {
		return release{}, errors.New("SOURCE.md or LICENSE-ATTACK.txt: version, mitre/cti commit or copyright notice not found")
	}
	return release{
		Version: string(m[1]),
		Date:    string(m[2]),
		Source:  "https://github.com/mitre/cti @ " + string(c[1]) + " (enterprise-attack)",
		Notice:  string(n[1]),
		License: string(l),
	}, nil
}

// readCSV returns the rows of a CSV file as maps keyed by the header.
func readCSV(path string, want ...string) ([]map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	idx := map[string]int{}
	for i, h := range head {
		idx[h] = i
	}
	for _, w := range want {
		if _, ok := idx[w]; !ok {
			return nil, fmt.Errorf("%s: missing column %q", path, w)
		}
	}
	var rows []map[string]string
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		row := map[string]string{}
		for _, w := range want {
			row[w] = strings.TrimSpace(rec[idx[w]])
		}
		rows = append(rows, row)
	}
}

func parseBool(path, id, field, v string) (bool, error) {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s: %s: %s: %w", path, id, field, err)
	}
	return b, nil
}

func readTechniques(path, version string) ([]*technique, error) {
	rows, err := readCSV(path, "technique_id", "name", "tactics", "is_subtechnique", "deprecated", "revoked", "revoked_by")
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var ts []*technique
	for _, r := range rows {
		t := &technique{ID: r["technique_id"], Name: r["name"], RevokedBy: r["revoked_by"], Release: version}
		if !reID.MatchString(t.ID) || seen[t.ID] {
			return nil, fmt.Errorf("%s: bad or duplicate technique ID %q", path, t.ID)
		}
		seen[t.ID] = true
		if r["tactics"] != "" {
			t.Tactics = strings.Split(r["tactics"], ";")
		}
		if t.Sub, err = parseBool(path, t.ID, "is_subtechnique", r["is_subtechnique"]); err != nil {
			return nil, err
		}
		if t.Deprecated, err = parseBool(path, t.ID, "deprecated", r["deprecated"]); err != nil {
			return nil, err
		}
		if t.Revoked, err = parseBool(path, t.ID, "revoked", r["revoked"]); err != nil {
			return nil, err
		}
		if t.Sub {
			t.parentID, _, _ = strings.Cut(t.ID, ".")
		}
		ts = append(ts, t)
	}
	return ts, nil
}

// readNewer reads the IDs that later ATT&CK releases added (not an official
// MITRE file: names come from the VERIS 1.4.1 → ATT&CK 19.1 mapping), so a
// case that uses them is named rather than reported as a typo.
func readNewer(path string, have []*technique) ([]*technique, error) {
	rows, err := readCSV(path, "technique_id", "name", "is_subtechnique")
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, t := range have {
		known[t.ID] = true
	}
	var ts []*technique
	for _, r := range rows {
		t := &technique{ID: r["technique_id"], Name: r["name"], Release: "v19", fromNewRelease: true}
		if !reID.MatchString(t.ID) || known[t.ID] {
			return nil, fmt.Errorf("%s: bad or already known technique ID %q", path, t.ID)
		}
		known[t.ID] = true
		if t.Sub, err = parseBool(path, t.ID, "is_subtechnique", r["is_subtechnique"]); err != nil {
			return nil, err
		}
		if t.Sub {
			t.parentID, _, _ = strings.Cut(t.ID, ".")
		}
		t.currentID = t.ID
		ts = append(ts, t)
	}
	return ts, nil
}

func readTactics(path string) ([]tactic, error) {
	rows, err := readCSV(path, "matrix_order", "tactic_id", "shortname", "name", "deprecated_or_revoked")
	if err != nil {
		return nil, err
	}
	var ts []tactic
	for _, r := range rows {
		pos, err := strconv.Atoi(r["matrix_order"])
		if err != nil {
			return nil, fmt.Errorf("%s: %s: matrix_order: %w", path, r["tactic_id"], err)
		}
		dr, err := parseBool(path, r["tactic_id"], "deprecated_or_revoked", r["deprecated_or_revoked"])
		if err != nil {
			return nil, err
		}
		ts = append(ts, tactic{Position: pos, ID: r["tactic_id"], Short: r["shortname"], Name: r["name"], deprecatedOrRevoked: dr})
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Position < ts[j].Position })
	return ts, nil
}

// resolve follows revoked-by chains (MITRE revokes a technique in favour of
// one that is itself revoked later, e.g. T1073 → T1574.002 → T1574.001) to
// the technique a revoked ID counts as today.
func resolve(ts []*technique) error {
	by := map[string]*technique{}
	for _, t := range ts {
		by[t.ID] = t
	}
	for _, t := range ts {
		cur := t
		for hops := 0; cur.Revoked && cur.RevokedBy != ""; hops++ {
			next, ok := by[cur.RevokedBy]
			if !ok || hops > 10 {
				return fmt.Errorf("technique %s: revoked_by %s is not in the list (or loops)", t.ID, cur.RevokedBy)
			}
			cur = next
		}
		t.currentID = cur.ID
	}
	return nil
}

// lit quotes a SQL string literal; "" becomes NULL.
func lit(s string) string {
	if s == "" {
		return "NULL"
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func list(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = lit(s)
	}
	return "[" + strings.Join(q, ", ") + "]::VARCHAR[]"
}

func write(b *bytes.Buffer, rel release, tactics []tactic, ts []*technique, nRelease, nNewer int) {
	fmt.Fprintf(b, `-- The MITRE ATT&CK Enterprise catalogue (%s, %s), generated by
-- sql/internal/genattack from enterprise-techniques.csv and
-- enterprise-tactics.csv. DO NOT EDIT: run `+"`go generate ./sql/`"+`.
-- %d techniques and sub-techniques of %s (revoked and deprecated ones
-- included, so old case data still resolves) plus %d IDs that ATT&CK v19
-- added and v18.1 lacks (release = 'v19': name only, tactics unknown).
--
-- %s
-- MITRE's license for ATT&CK is reproduced in sql/schema/LICENSE-ATTACK.txt.
--
-- Not a migration: 0002 created these tables. On a read-write open pir runs
-- this file in one transaction when the release line below differs from the
-- database's attack_release (sql/attack_load.go).
%s%s %s

DELETE FROM attack_techniques;
DELETE FROM attack_tactics;
DELETE FROM attack_release;

`, rel.Version, rel.Date, nRelease, rel.Version, nNewer, rel.Notice, releasePrefix, rel.Version, rel.Source)
	fmt.Fprintf(b, "INSERT INTO attack_release (version, domain, release_date, source, notice) VALUES\n    (%s, 'enterprise-attack', DATE %s, %s, %s);\n\n",
		lit(rel.Version), lit(rel.Date), lit(rel.Source), lit(rel.Notice))

	b.WriteString("INSERT INTO attack_tactics (position, shortname, tactic_id, name) VALUES\n")
	var rows []string
	for _, t := range tactics {
		if t.deprecatedOrRevoked {
			continue
		}
		rows = append(rows, fmt.Sprintf("    (%d, %s, %s, %s)", t.Position, lit(t.Short), lit(t.ID), lit(t.Name)))
	}
	b.WriteString(strings.Join(rows, ",\n") + ";\n\n")

	b.WriteString("INSERT INTO attack_techniques (technique_id, name, tactics, is_subtechnique, parent_id, revoked, deprecated, revoked_by, current_id, release) VALUES\n")
	rows = rows[:0]
	for _, t := range ts {
		rows = append(rows, fmt.Sprintf("    (%s, %s, %s, %t, %s, %t, %t, %s, %s, %s)",
			lit(t.ID), lit(t.Name), list(t.Tactics), t.Sub, lit(t.parentID), t.Revoked, t.Deprecated,
			lit(t.RevokedBy), lit(t.currentID), lit(t.Release)))
	}
	b.WriteString(strings.Join(rows, ",\n") + ";\n")
}

// releasePrefix starts the line that names the catalogue's release and
// source; package sql reads it to decide whether a database needs the
// catalogue loaded.
const releasePrefix = "-- release: "
