// Package ingest parses case exports (one file per format), validates them
// into the canonical case model, and loads them into the pir database in one
// transaction per invocation.
package ingest

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"math"
	"slices"
	"time"
)

// Milestones are the lifecycle milestones of an incident, in order.
var Milestones = []string{"compromise", "detection", "triage", "containment", "eradication", "recovery", "closure"}

// Severities are the accepted severities, most severe first.
var Severities = []string{"critical", "high", "medium", "low", "informational"}

// ActionStatuses are the accepted action-item statuses.
var ActionStatuses = []string{"open", "in-progress", "done", "wont-do"}

// Case is one incident in the canonical model ("pir case v1"). Every importer
// produces Cases; the loader stores them.
type Case struct {
	ID       string   `json:"id"`
	Source   string   `json:"source"`
	Title    string   `json:"title,omitempty"`
	Severity string   `json:"severity,omitempty"`
	Category string   `json:"category,omitempty"`
	Status   string   `json:"status"`
	Tags     []string `json:"tags,omitempty"`
	Excluded bool     `json:"exclude_from_metrics,omitempty"`
	Timeline Timeline `json:"timeline"`
	// Techniques are upper-case ATT&CK IDs, unique, in first-seen order.
	Techniques     []string        `json:"techniques,omitempty"`
	RootCause      RootCause       `json:"root_cause"`
	ActionItems    []ActionItem    `json:"action_items,omitempty"`
	Lessons        Lessons         `json:"lessons"`
	DetectionRules []DetectionRule `json:"detection_rules,omitempty"`

	// The case's dimensions (issues 15, 17, 20): all optional. A case that
	// sets none of them hashes exactly as before they existed.

	// Assets are affected host, account or service names, trimmed and
	// unique ignoring case (the first spelling is kept).
	Assets []string `json:"assets,omitempty"`
	// Platforms are values of Platforms, unique, in first-seen order.
	Platforms []string `json:"platforms,omitempty"`
	// Team is the owning team, BusinessUnit the affected business unit,
	// Tenant the client or organisation (empty: none).
	Team         string `json:"team,omitempty"`
	BusinessUnit string `json:"business_unit,omitempty"`
	Tenant       string `json:"tenant,omitempty"`
	// DetectionSource is one of DetectionSources, or empty.
	DetectionSource string           `json:"detection_source,omitempty"`
	Impact          *Impact          `json:"impact,omitempty"`
	Review          *Review          `json:"review,omitempty"`
	PlaybookUpdates []PlaybookUpdate `json:"playbook_updates,omitempty"`
	// Extra keeps unknown fields verbatim (a JSON object), or is empty.
	Extra json.RawMessage `json:"extra,omitempty"`
	// MilestoneSources says which source field (or state transition) each
	// present milestone came from, e.g. "detection": "_createdAt".
	MilestoneSources map[string]string `json:"-"`
	// Buckets are coarse durations that cannot be placed on the timeline
	// (VERIS "discovery: Months"); the loader stores them in
	// store.veris_timeline.
	Buckets []TimelineBucket `json:"-"`

	// hash caches ContentHash when a parser computed it on a worker.
	hash string
	// warnings are what the parser resolved in this case (a naive time
	// in a DST gap); not part of the content.
	warnings []Warning
}

// TimelineBucket is one VERIS timeline phase ("discovery", "containment",
// …) as given: a unit (Seconds … Years, or Never, NA, Unknown) and, when
// known, the value in that unit and its length in hours.
type TimelineBucket struct {
	Phase string   `json:"phase"`
	Unit  string   `json:"unit"`
	Value *float64 `json:"value,omitempty"`
	Hours *float64 `json:"hours,omitempty"`
}

// Timeline holds the milestones as instants; nil means absent.
type Timeline struct {
	Compromise  *time.Time `json:"compromise,omitempty"`
	Detection   *time.Time `json:"detection,omitempty"`
	Triage      *time.Time `json:"triage,omitempty"`
	Containment *time.Time `json:"containment,omitempty"`
	Eradication *time.Time `json:"eradication,omitempty"`
	Recovery    *time.Time `json:"recovery,omitempty"`
	Closure     *time.Time `json:"closure,omitempty"`
}

// Ptr returns a pointer to the field of the named milestone, nil for an
// unknown name.
func (t *Timeline) Ptr(name string) **time.Time {
	switch name {
	case "compromise":
		return &t.Compromise
	case "detection":
		return &t.Detection
	case "triage":
		return &t.Triage
	case "containment":
		return &t.Containment
	case "eradication":
		return &t.Eradication
	case "recovery":
		return &t.Recovery
	case "closure":
		return &t.Closure
	}
	return nil
}

// Get returns the named milestone or nil.
func (t Timeline) Get(name string) *time.Time {
	if p := t.Ptr(name); p != nil {
		return *p
	}
	return nil
}

// RootCause is the outcome of the 5 Whys.
type RootCause struct {
	Category string   `json:"category,omitempty"`
	Summary  string   `json:"summary,omitempty"`
	Whys     []string `json:"whys,omitempty"`
}

// ActionItem is a follow-up agreed in the review.
type ActionItem struct {
	ID        string     `json:"id"`
	Summary   string     `json:"summary,omitempty"`
	Owner     string     `json:"owner,omitempty"`
	Priority  string     `json:"priority,omitempty"`
	Due       *Date      `json:"due,omitempty"`
	Status    string     `json:"status"`
	Completed *time.Time `json:"completed,omitempty"`
}

// Lessons are the review's "what worked" and "what failed". A lesson may
// carry a theme (input {text, theme}); the Themes lists are then as long as
// the texts, "" where a lesson has none, and nil when no lesson of the list
// has a theme.
type Lessons struct {
	WentWell               []string `json:"went_well,omitempty"`
	NeedsImprovement       []string `json:"needs_improvement,omitempty"`
	WentWellThemes         []string `json:"-"`
	NeedsImprovementThemes []string `json:"-"`
}

// MarshalJSON writes the canonical form: each lesson a string, or
// {"text", "theme"} when it has a theme.
func (l Lessons) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	add := func(key string, texts, themes []string) error {
		if len(texts) == 0 {
			return nil
		}
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, key...)
		b = append(b, '"', ':', '[')
		for i, t := range texts {
			if i > 0 {
				b = append(b, ',')
			}
			var v any = t
			if i < len(themes) && themes[i] != "" {
				v = Lesson{Text: t, Theme: themes[i]}
			}
			e, err := json.Marshal(v)
			if err != nil {
				return err
			}
			b = append(b, e...)
		}
		b = append(b, ']')
		return nil
	}
	if err := add("went_well", l.WentWell, l.WentWellThemes); err != nil {
		return nil, err
	}
	if err := add("needs_improvement", l.NeedsImprovement, l.NeedsImprovementThemes); err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

// Lesson is the object form of one lesson.
type Lesson struct {
	Text  string `json:"text"`
	Theme string `json:"theme,omitempty"`
}

// DetectionRule is a rule written because of the incident (e.g. Sigma).
type DetectionRule struct {
	ID         string   `json:"id"`
	Title      string   `json:"title,omitempty"`
	Techniques []string `json:"techniques,omitempty"`
	// Status is one of RuleStatuses, or empty (unknown).
	Status string `json:"status,omitempty"`
	// SigmaID is the Sigma rule's id, a lower-case UUID, or empty.
	SigmaID string `json:"sigma_id,omitempty"`
}

// Impact is what the incident cost; nil fields are unknown.
type Impact struct {
	Records *int64   `json:"records,omitempty"`
	Cost    *float64 `json:"cost,omitempty"`
	// Currency is an ISO 4217 code (upper case); required with Cost.
	Currency          string   `json:"currency,omitempty"`
	DowntimeHours     *float64 `json:"downtime_hours,omitempty"`
	RegulatorNotified *bool    `json:"regulator_notified,omitempty"`
	CustomersNotified *bool    `json:"customers_notified,omitempty"`
}

// Review is the post-incident review meeting itself.
type Review struct {
	// Status is one of ReviewStatuses.
	Status      string     `json:"status"`
	HeldAt      *time.Time `json:"held_at,omitempty"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
	Facilitator string     `json:"facilitator,omitempty"`
}

// PlaybookUpdate is a change to a response playbook agreed in the review,
// followed up like an action item.
type PlaybookUpdate struct {
	Playbook string `json:"playbook"`
	Change   string `json:"change,omitempty"`
	Owner    string `json:"owner,omitempty"`
	Due      *Date  `json:"due,omitempty"`
	// Status is one of ActionStatuses.
	Status    string     `json:"status"`
	Completed *time.Time `json:"completed,omitempty"`
}

// Date is a calendar date (no time of day), serialised as YYYY-MM-DD.
type Date struct{ time.Time }

// MarshalJSON writes YYYY-MM-DD.
func (d Date) MarshalJSON() ([]byte, error) {
	return json.Marshal(d.Format("2006-01-02"))
}

// String returns YYYY-MM-DD.
func (d Date) String() string { return d.Format("2006-01-02") }

// ContentHash is a stable digest of everything stored for the case. The
// loader compares it to decide inserted / updated / unchanged. Fields are
// written length-prefixed in a fixed order (no reflection: this runs once
// per record on the ingest hot path); instants are hashed as Unix
// nanoseconds, so the same moment written with another offset is unchanged.
func (c *Case) ContentHash() string {
	sum, _ := c.contentHashBuf(make([]byte, 0, 4096))
	return sum
}

// contentHashBuf is ContentHash with buf for the byte stream; it returns
// the buffer for reuse. One buffer, then one SHA-256 pass: a Write per
// field cost more than the digest (and a copy per string, sha256 has no
// WriteString).
func (c *Case) contentHashBuf(buf []byte) (string, []byte) {
	h := &hasher{b: buf[:0]}
	h.str("v1", c.ID, c.Source, c.Title, c.Severity, c.Category, c.Status)
	h.list(c.Tags)
	h.bool(c.Excluded)
	for _, m := range Milestones {
		h.time(c.Timeline.Get(m))
	}
	h.list(c.Techniques)
	h.str(c.RootCause.Category, c.RootCause.Summary)
	h.list(c.RootCause.Whys)
	h.int(len(c.ActionItems))
	for _, a := range c.ActionItems {
		h.str(a.ID, a.Summary, a.Owner, a.Priority, a.Status)
		if a.Due != nil {
			h.date(a.Due.Time)
		} else {
			h.str("")
		}
		h.time(a.Completed)
	}
	h.list(c.Lessons.WentWell)
	h.list(c.Lessons.NeedsImprovement)
	h.int(len(c.DetectionRules))
	for _, r := range c.DetectionRules {
		h.str(r.ID, r.Title)
		h.list(r.Techniques)
	}
	h.str(string(c.Extra))
	var keyBuf [8]string
	keys := keyBuf[:0]
	for k := range c.MilestoneSources {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	h.int(len(keys))
	for _, k := range keys {
		h.str(k, c.MilestoneSources[k])
	}
	h.int(len(c.Buckets))
	for _, b := range c.Buckets {
		h.str(b.Phase, b.Unit)
		h.float(b.Value)
		h.float(b.Hours)
	}
	if c.hasDimensions() {
		c.hashDimensions(h)
	}
	sum := sha256.Sum256(h.b)
	return hex.EncodeToString(sum[:]), h.b
}

// hasDimensions reports whether the case sets any field added after the
// first version of the hash (the dimensions, rule status and Sigma id,
// lesson themes). Only such a case hashes them, so every case stored
// before they existed keeps its digest (and is "unchanged" on re-ingest).
func (c *Case) hasDimensions() bool {
	if len(c.Assets) > 0 || len(c.Platforms) > 0 || c.Team != "" || c.BusinessUnit != "" || c.Tenant != "" ||
		c.DetectionSource != "" || c.Impact != nil || c.Review != nil || len(c.PlaybookUpdates) > 0 ||
		c.Lessons.WentWellThemes != nil || c.Lessons.NeedsImprovementThemes != nil {
		return true
	}
	for _, r := range c.DetectionRules {
		if r.Status != "" || r.SigmaID != "" {
			return true
		}
	}
	return false
}

// hashDimensions appends the dimensions after the first version's fields,
// behind a marker: the first version's stream is self-delimiting (every
// value length-prefixed, every list counted), so no case with dimensions
// has the stream of one without.
func (c *Case) hashDimensions(h *hasher) {
	h.str("dimensions")
	h.list(c.Assets)
	h.list(c.Platforms)
	h.str(c.Team, c.BusinessUnit, c.Tenant, c.DetectionSource)
	if im := c.Impact; im != nil {
		h.int(1)
		if im.Records != nil {
			h.int(1)
			h.int(int(*im.Records))
		} else {
			h.int(-1)
		}
		h.float(im.Cost)
		h.str(im.Currency)
		h.float(im.DowntimeHours)
		h.optBool(im.RegulatorNotified)
		h.optBool(im.CustomersNotified)
	} else {
		h.int(-1)
	}
	if rv := c.Review; rv != nil {
		h.int(1)
		h.str(rv.Status)
		h.time(rv.HeldAt)
		h.time(rv.PublishedAt)
		h.str(rv.Facilitator)
	} else {
		h.int(-1)
	}
	h.int(len(c.PlaybookUpdates))
	for _, u := range c.PlaybookUpdates {
		h.str(u.Playbook, u.Change, u.Owner, u.Status)
		if u.Due != nil {
			h.date(u.Due.Time)
		} else {
			h.str("")
		}
		h.time(u.Completed)
	}
	h.int(len(c.DetectionRules))
	for _, r := range c.DetectionRules {
		h.str(r.Status, r.SigmaID)
	}
	h.list(c.Lessons.WentWellThemes)
	h.list(c.Lessons.NeedsImprovementThemes)
}

// contentHash returns the hash a parser cached, or computes it.
func (c *Case) contentHash() string {
	if c.hash != "" {
		return c.hash
	}
	return c.ContentHash()
}

// hasher writes length-prefixed values so that no two different cases
// produce the same byte stream.
type hasher struct {
	b []byte
}

func (h *hasher) int(n int) {
	h.b = binary.LittleEndian.AppendUint64(h.b, uint64(n))
}

func (h *hasher) str(ss ...string) {
	for _, s := range ss {
		h.int(len(s))
		h.b = append(h.b, s...)
	}
}

// date writes Date.String() (YYYY-MM-DD) as str does, without the string.
func (h *hasher) date(t time.Time) {
	n := len(h.b)
	h.int(0)
	h.b = t.AppendFormat(h.b, "2006-01-02")
	binary.LittleEndian.PutUint64(h.b[n:], uint64(len(h.b)-n-8))
}

func (h *hasher) list(l []string) {
	h.int(len(l))
	h.str(l...)
}

func (h *hasher) bool(b bool) {
	if b {
		h.int(1)
	} else {
		h.int(0)
	}
}

func (h *hasher) optBool(b *bool) {
	switch {
	case b == nil:
		h.int(-1)
	case *b:
		h.int(1)
	default:
		h.int(0)
	}
}

func (h *hasher) time(t *time.Time) {
	if t == nil {
		h.int(-1)
		return
	}
	h.int(1)
	h.int(int(t.UnixNano()))
}

func (h *hasher) float(f *float64) {
	if f == nil {
		h.int(-1)
		return
	}
	h.int(1)
	h.int(int(math.Float64bits(*f)))
}
