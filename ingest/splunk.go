package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Splunk imports Splunk Enterprise Security notable events as an analyst
// exports them from Incident Review or a `notable` search: CSV, or the
// search results as JSON (an array of rows, JSON Lines, the REST API's
// {"results": […]} or its export stream of {"result": {…}} lines). Field
// names are those of the `notable` macro (Splunk developer portal, "Using
// notable events in search",
// dev.splunk.com/enterprise/docs/devtools/enterprisesecurity/notableeventsplunkes/usingnotableeventsinsearch).
// The triage and closure times come from an optional export of the
// incident review history (`| inputlookup incident_review_lookup`) named by
// the mapping key `history`; see docs/importers.md.
type Splunk struct{}

// Name implements Format.
func (Splunk) Name() string { return "splunk" }

// splunkDefaults are the default field mapping (docs/importers.md).
// Milestone values list alternatives separated by "|": a field of the
// notable, or a change in the review history: "entered:<Status>" (the first
// time the status became Status), "left:<Status>" (the first time it
// changed away from Status; a notable starts as New) or "closed" (when the
// status last became a closed one, for a notable closed now).
var splunkDefaults = map[string]string{
	"source":               "splunk",
	"id":                   "event_id",
	"title":                "rule_title|rule_name|search_name",
	"severity":             "urgency",
	"compromise":           "",
	"detection":            "_time",
	"triage":               "left:New",
	"containment":          "",
	"eradication":          "",
	"recovery":             "",
	"closure":              "closed",
	"closed_statuses":      "Closed",
	"exclude_dispositions": "disposition:2,disposition:3,disposition:4,Benign Positive - Suspicious But Expected,False Positive - Incorrect Analytic Logic,False Positive - Inaccurate Data",
	"asset_fields":         "dest,dvc,orig_host,user",
	"techniques":           "annotations.mitre_attack,annotations.mitre_attack.mitre_technique_id",
	"history":              "",
}

// splunkStatusLabels are the notable statuses Splunk Enterprise Security
// ships: 0 Unassigned, 1 New (the default), 2 In Progress, 3 Pending,
// 4 Resolved ("resolved and awaits verification"), 5 Closed ("resolved
// and verified"). Labels: Splunk ES documentation, "Configure notable
// events" (docs.splunk.com/Documentation/ES/3.3.1/Install/NotableEventStatuses)
// and "Managing and monitoring notable event statuses"; numbers: the ids of
// reviewstatuses.conf, where 0 is reserved for Unassigned (ES
// SA-ThreatIntelligence reviewstatuses_rest_handler.py), as the splunk.es
// collection maps them (ansible-collections/splunk.es
// plugins/module_utils/splunk_utils.py, STATUS_TO_API). A site may add
// statuses (6, 7, …) with its own labels.
var splunkStatusLabels = map[string]string{"0": "Unassigned", "1": "New", "2": "In Progress", "3": "Pending", "4": "Resolved", "5": "Closed"}

// splunkStatus returns the label of a status number, or the value itself.
func splunkStatus(s string) string {
	s = strings.TrimSpace(s)
	if l, ok := splunkStatusLabels[s]; ok {
		return l
	}
	return s
}

// Parse implements Format.
func (Splunk) Parse(p *ParseContext, r io.Reader, emit func(Record) error) error {
	m := newMapping(p, "splunk")
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(64 << 10)
	if isSplunkHistoryHead(head) {
		return &RecordError{File: p.File, Ref: "1", Reason: "this is a Splunk ES incident review history (incident_review_lookup: rule_id, time, status), not notable events: " +
			"name it in the mapping file (\"splunk.history\" = \"PATH\") and ingest the notable events export"}
	}
	hist, err := loadSplunkHistory(p, m)
	if err != nil {
		return err
	}
	s := splunkDecoder{m: m, hist: hist, closed: m.set("closed_statuses", splunkDefaults["closed_statuses"])}
	decode := func(p *ParseContext, rec map[string]any, ref string) (*Case, *RecordError) {
		// The REST export endpoint streams {"preview": false, "result": {…}}.
		if res, ok := rec["result"].(map[string]any); ok {
			rec = res
		}
		fd := newFieldDecoder(p, ref)
		c, err := s.decode(fd, newFoldRecord(rec))
		return fd.warned(c), err
	}
	if isJSONHead(head) {
		return readJSONRecords(p, br, emit, unwrapKeys("results"), decode)
	}
	return readCSVRows(p, br, emit, func(row csvRow) error {
		c, rerr := decode(p, row.record(), row.ref)
		if rerr != nil {
			rerr.Raw = row.raw
			return emit(Record{Err: rerr})
		}
		return emit(Record{Case: c})
	})
}

// isSplunkHistoryHead reports whether a head holds incident review history
// rows rather than notable events (the splunk "history" rows of
// detectTable).
func isSplunkHistoryHead(head []byte) bool {
	r, _, ok := sniff(head).match(Formats{"splunk": Splunk{}}, "splunk", detectTable)
	return ok && r.kind == "history"
}

type splunkDecoder struct {
	m      mapping
	hist   map[string][]splunkReview
	closed map[string]bool // closed statuses, as normWord of their labels
}

func (s splunkDecoder) get(key string) string { return s.m.get(key, splunkDefaults[key]) }

// isClosed reports whether a status (number or label) is a closed one.
func (s splunkDecoder) isClosed(status string) bool {
	return s.closed[normWord(splunkStatus(status))] || s.closed[normWord(status)]
}

// values reads a field as a list: a JSON list, or a CSV cell in which
// Splunk writes a multivalue field one value per line.
func splunkValues(d fieldDecoder, field string, v any) ([]string, *RecordError) {
	if l, ok := v.([]any); ok {
		return d.texts(field, l)
	}
	t, err := d.text(field, v)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, line := range strings.Split(t, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out, nil
}

func (s splunkDecoder) decode(d fieldDecoder, rec *foldRecord) (*Case, *RecordError) {
	col := func(spec string) (any, string, *RecordError) {
		for _, alt := range splitList(spec, "|") {
			v, _, err := rec.get(d, alt)
			if err != nil {
				return nil, alt, err
			}
			if str, ok := v.(string); ok && strings.TrimSpace(str) == "" {
				continue
			}
			if v != nil {
				return v, alt, nil
			}
		}
		return nil, "", nil
	}
	text := func(name string) (string, *RecordError) {
		v, _, err := rec.get(d, name)
		if err != nil {
			return "", err
		}
		return d.text(name, v)
	}

	c := &Case{Source: s.get("source"), MilestoneSources: map[string]string{}}
	if c.Source == "" {
		c.Source = "splunk"
	}
	idv, idf, err := col(s.get("id"))
	if err != nil {
		return nil, err
	}
	id, err := d.text(idf, idv)
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, d.fail(s.get("id"), "required (the notable's event_id, which the `notable` macro assigns)")
	}
	if err := d.checkID(idf, id); err != nil {
		return nil, err
	}
	c.ID = id
	tv, tf, err := col(s.get("title"))
	if err != nil {
		return nil, err
	}
	if c.Title, err = d.text(tf, tv); err != nil {
		return nil, err
	}
	// urgency: informational, low, medium, high, critical — the notable's
	// severity combined with the priority of the asset or identity (Splunk
	// ES "How urgency is assigned to notable events"). Its values are pir's
	// severities; "unknown" is none.
	uv, uf, err := col(s.get("severity"))
	if err != nil {
		return nil, err
	}
	urgency, err := d.text(uf, uv)
	if err != nil {
		return nil, err
	}
	if normWord(urgency) != "unknown" {
		if c.Severity, err = normSeverity(d, uf, urgency); err != nil {
			return nil, err
		}
	}

	// Status: the notable macro reports status_end, true when the status is
	// the end status of the workflow (reviewstatuses.conf `end`, one per
	// site, Closed by default). Without it, the mapping key
	// closed_statuses (default Closed, which is status 5) decides;
	// Resolved (4) awaits verification and is open.
	status, err := text("status")
	if err != nil {
		return nil, err
	}
	label, err := text("status_label")
	if err != nil {
		return nil, err
	}
	if label == "" {
		label = splunkStatus(status)
	}
	end, err := text("status_end")
	if err != nil {
		return nil, err
	}
	switch {
	case end != "":
		b, e := strconv.ParseBool(strings.ToLower(end))
		if e != nil {
			return nil, d.fail("status_end", "want true or false, got %q", truncate(end, 40))
		}
		c.Status = map[bool]string{true: "closed", false: "open"}[b]
	case label != "" && (s.isClosed(label) || s.isClosed(status)):
		c.Status = "closed"
	case label != "":
		c.Status = "open"
	}

	// Dispositions (Splunk ES 7.1 and later): disposition:1 True Positive -
	// Suspicious Activity, 2 Benign Positive - Suspicious But Expected,
	// 3 False Positive - Incorrect Analytic Logic, 4 False Positive -
	// Inaccurate Data, 5 Other, 6 Undetermined (Splunk ES "Manage notable
	// event dispositions"; codes as ansible-collections/splunk.es
	// plugins/module_utils/splunk_utils.py DISPOSITION_TO_API maps them).
	// Benign and false positives are left out of the metrics, as Sentinel's
	// BenignPositive and FalsePositive classifications are.
	disp, err := text("disposition")
	if err != nil {
		return nil, err
	}
	dispLabel, err := text("disposition_label")
	if err != nil {
		return nil, err
	}
	excl := s.m.set("exclude_dispositions", splunkDefaults["exclude_dispositions"])
	c.Excluded = (disp != "" && excl[normWord(disp)]) || (dispLabel != "" && excl[normWord(dispLabel)])

	for _, ms := range Milestones {
		spec := s.get(ms)
		for _, alt := range splitList(spec, "|") {
			if at, from, ok := s.fromHistory(c, id, alt); ok {
				if at != nil {
					setMilestone(c, ms, at, from)
					break
				}
				continue
			}
			v, _, err := rec.get(d, alt)
			if err != nil {
				return nil, err
			}
			t, err := splunkTime(d, alt, v)
			if err != nil {
				return nil, err
			}
			if t != nil {
				setMilestone(c, ms, t, alt)
				break
			}
		}
	}
	deriveStatus(c)

	for _, f := range splitList(s.get("techniques"), ",") {
		v, _, err := rec.get(d, f)
		if err != nil {
			return nil, err
		}
		vals, err := splunkValues(d, f, v)
		if err != nil {
			return nil, err
		}
		for _, x := range vals {
			c.Techniques = appendUnique(c.Techniques, techniquesIn(x)...)
		}
	}
	// Assets: the notable's asset and identity fields ES extracts by default
	// (the notable action's asset extraction: src, dest, dvc, orig_host;
	// identity extraction: src_user, user). src and src_user are where the
	// activity came from, often the attacker, and stay in extra.
	for _, f := range splitList(s.get("asset_fields"), ",") {
		v, _, err := rec.get(d, f)
		if err != nil {
			return nil, err
		}
		vals, err := splunkValues(d, f, v)
		if err != nil {
			return nil, err
		}
		c.Assets = AddAssets(c.Assets, vals)
	}

	extra := map[string]any{"status": status, "status_label": label, "disposition": disp, "disposition_label": dispLabel}
	for _, k := range []string{"owner", "owner_realname", "security_domain", "severity", "rule_name", "search_name", "rule_id", "src", "src_user"} {
		v, _, err := rec.get(d, k)
		if err != nil {
			return nil, err
		}
		vals, err := splunkValues(d, k, v)
		if err != nil {
			return nil, err
		}
		switch len(vals) {
		case 0:
		case 1:
			extra[k] = vals[0]
		default:
			extra[k] = vals
		}
	}
	// The optional canonical fields a mapping file names (a field of the
	// notable, or a literal "=text"); a multivalue cell is a list.
	err = mapDimensions(d, c, s.m, nil, func(alt string) (any, string, bool, *RecordError) {
		v, ok, err := rec.get(d, alt)
		if str, isStr := v.(string); isStr && strings.Contains(str, "\n") {
			var l []any
			for _, x := range strings.Split(str, "\n") {
				l = append(l, x)
			}
			v = l
		}
		return v, alt, ok, err
	})
	if err != nil {
		return nil, err
	}
	c.Extra = extraJSON(extra)
	return c, nil
}

// fromHistory resolves a history milestone spec for the notable id; ok is
// false when spec is not one (it names a field).
func (s splunkDecoder) fromHistory(c *Case, id, spec string) (at *time.Time, from string, ok bool) {
	verb, arg, _ := strings.Cut(spec, ":")
	switch verb {
	case "entered", "left":
		if arg == "" {
			return nil, "", false
		}
	case "closed":
		if arg != "" {
			return nil, "", false
		}
	default:
		return nil, "", false
	}
	want := normWord(splunkStatus(arg))
	prev := "New" // a notable starts in the default status, New
	var last *splunkReview
	lastFrom := ""
	for i := range s.hist[id] {
		r := &s.hist[id][i]
		cur := splunkStatus(r.status)
		switch verb {
		case "entered":
			if normWord(cur) == want && normWord(prev) != want {
				return &r.at, "incident_review:" + prev + "→" + cur, true
			}
		case "left":
			if normWord(prev) == want && normWord(cur) != want {
				return &r.at, "incident_review:" + prev + "→" + cur, true
			}
		case "closed":
			if s.isClosed(r.status) && !s.isClosed(prev) {
				last, lastFrom = r, "incident_review:"+prev+"→"+cur
			}
		}
		prev = cur
	}
	if verb == "closed" && last != nil && c.Status == "closed" && s.isClosed(prev) {
		return &last.at, lastFrom, true
	}
	return nil, "", true
}

// splunkTime reads a Splunk time: epoch seconds (Splunk stores _time, and
// the incident review's time, in UNIX time, in seconds with an optional
// fraction: "Use default fields", Splunk Enterprise Knowledge Manager
// Manual), an ISO 8601 time with a numeric offset written with or without
// a colon ("2024-05-02T08:00:00.000+0000", as Splunk Web exports _time), or
// any timestamp the canonical format reads.
func splunkTime(d fieldDecoder, field string, v any) (*time.Time, *RecordError) {
	var s string
	switch x := v.(type) {
	case nil:
		return nil, nil
	case json.Number:
		s = x.String()
	case string:
		s = strings.TrimSpace(x)
	default:
		return d.instant(field, v)
	}
	if s == "" {
		return nil, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && decimalText(s) && !strings.ContainsAny(s, "eE+-") {
		if f < float64(minPlausible.Unix()) || f >= float64(maxPlausible.Unix()) {
			return nil, d.fail(field, "implausible timestamp %q (Splunk times are epoch seconds; outside 1970–2199)", truncate(s, 64))
		}
		sec, frac := math.Modf(f)
		t := time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3).UTC()
		return &t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999-0700", "2006-01-02 15:04:05.999999999-0700", "2006-01-02 15:04:05.999999999 -0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			if _, err := plausible(t, s); err != nil {
				return nil, d.fail(field, "%v", err)
			}
			return &t, nil
		}
	}
	return d.instant(field, s)
}

// splunkReview is one incident review action: the status a notable was
// given, and when.
type splunkReview struct {
	at     time.Time
	status string
}

// loadSplunkHistory reads the incident review exports named by the
// mapping key `history` (comma-separated; a relative path is taken from
// the notable export's directory) into the actions per notable (rule_id is
// the notable's event_id), in time order.
func loadSplunkHistory(p *ParseContext, m mapping) (map[string][]splunkReview, error) {
	paths := m.list("history", "")
	if len(paths) == 0 {
		return nil, nil
	}
	hist := map[string][]splunkReview{}
	for _, path := range paths {
		if !filepath.IsAbs(path) && p.File != "-" && p.File != "" {
			path = filepath.Join(filepath.Dir(p.File), path)
		}
		if err := readSplunkHistory(p, path, hist); err != nil {
			return nil, err
		}
	}
	for id, rs := range hist {
		sort.SliceStable(rs, func(i, j int) bool { return rs[i].at.Before(rs[j].at) })
		hist[id] = rs
	}
	return hist, nil
}

func readSplunkHistory(p *ParseContext, path string, hist map[string][]splunkReview) error {
	f, err := OpenRegular(path)
	if err != nil {
		return fmt.Errorf("splunk history (mapping key history): %w", err)
	}
	defer f.Close()
	hp := &ParseContext{File: path, Location: p.Location, Limits: p.Limits, Now: p.Now}
	var first error
	fail := func(rec Record) error {
		if rec.Err != nil {
			first = rec.Err
			return rec.Err
		}
		return nil
	}
	br := bufio.NewReaderSize(f, 64<<10)
	head, _ := br.Peek(64 << 10)
	if bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
		head = head[3:]
	}
	br, head = crOnlyLines(br, head)
	if len(bytes.TrimSpace(head)) > 0 && !isSplunkHistoryHead(head) {
		return &RecordError{File: path, Ref: "1", Reason: "not a Splunk ES incident review history (want the columns rule_id, time, status of | inputlookup incident_review_lookup)"}
	}
	add := func(d fieldDecoder, rec *foldRecord) *RecordError {
		text := func(k string) (string, *RecordError) {
			v, _, err := rec.get(d, k)
			if err != nil {
				return "", err
			}
			return d.text(k, v)
		}
		id, err := text("rule_id")
		if err != nil {
			return err
		}
		status, err := text("status")
		if err != nil {
			return err
		}
		tv, _, err := rec.get(d, "time")
		if err != nil {
			return err
		}
		at, err := splunkTime(d, "time", tv)
		if err != nil {
			return err
		}
		switch {
		case id == "":
			return d.fail("rule_id", "required")
		case at == nil:
			return d.fail("time", "required")
		case status == "":
			return nil // a comment or an owner change: no status
		}
		hist[id] = append(hist[id], splunkReview{at: *at, status: status})
		return nil
	}
	decode := func(p *ParseContext, rec map[string]any, ref string) (*Case, *RecordError) {
		if res, ok := rec["result"].(map[string]any); ok {
			rec = res
		}
		return nil, add(newFieldDecoder(p, ref), newFoldRecord(rec))
	}
	if isJSONHead(head) {
		err = readJSONRecords(hp, br, fail, unwrapKeys("results"), decode)
	} else {
		err = readCSVRows(hp, br, fail, func(row csvRow) error {
			if rerr := add(newFieldDecoder(hp, row.ref), newFoldRecord(row.record())); rerr != nil {
				return fail(Record{Err: rerr})
			}
			return nil
		})
	}
	if first != nil {
		return first
	}
	return err
}
