package ingest

// EXPERIMENT (issue 14.3), measured in bench/decoder.md and removed after:
// a typed-struct decoder for canonical JSON (github.com/go-json-experiment/json,
// the encoding/json/v2 of Go's GOEXPERIMENT=jsonv2, into structs with
// UnmarshalJSONFrom for the flexible fields) against the hand-written fast
// path (canonical_fast.go). Like the fast path it declines (ok false)
// whatever it does not decode exactly as the generic path, which then
// writes the error; decodeTypedRaw is decodeCanonicalRaw with it.

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// scalar is one JSON scalar as the generic path sees it: kind 0 when the
// member is absent, 'n' null, '"' a string (unescaped), '0' a number (its
// text), 't' or 'f' a boolean. An object or array is an error.
type scalar struct {
	kind byte
	s    string
}

var errDecline = errors.New("declined")

// UnmarshalJSONFrom implements jsonv2.UnmarshalerFrom.
func (v *scalar) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	tok, err := d.ReadToken()
	if err != nil {
		return err
	}
	switch k := tok.Kind(); k {
	case 'n', 't', 'f':
		v.kind = byte(k)
	case '"':
		v.kind, v.s = '"', tok.String()
	case '0':
		v.kind, v.s = '0', tok.String()
	default:
		return errDecline
	}
	return nil
}

// value is the scalar as the generic map holds it.
func (v scalar) value() any {
	switch v.kind {
	case '"':
		return v.s
	case '0':
		return json.Number(v.s)
	case 't':
		return true
	case 'f':
		return false
	}
	return nil
}

// strictList is a list of strings where null elements and other types are
// errors (fieldDecoder.strList); null is nil.
type strictList []string

// UnmarshalJSONFrom implements jsonv2.UnmarshalerFrom.
func (l *strictList) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	tok, err := d.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case 'n':
		*l = nil
		return nil
	case '[':
	default:
		return errDecline
	}
	out := make([]string, 0, 4)
	for d.PeekKind() != ']' {
		tok, err := d.ReadToken()
		if err != nil {
			return err
		}
		if tok.Kind() != '"' {
			return errDecline
		}
		if s := CleanText(tok.String()); s != "" {
			out = append(out, s)
		}
	}
	if _, err := d.ReadToken(); err != nil {
		return err
	}
	*l = out
	return nil
}

// lessonValue is a lesson: a string, or {text, theme}.
type lessonValue struct {
	text, theme string
	object      bool
}

// UnmarshalJSONFrom implements jsonv2.UnmarshalerFrom.
func (v *lessonValue) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	switch d.PeekKind() {
	case '"':
		tok, err := d.ReadToken()
		if err != nil {
			return err
		}
		v.text = CleanText(tok.String())
		return nil
	case '{':
		var o struct {
			Text    string         `json:"text"`
			Theme   string         `json:"theme"`
			Unknown jsontext.Value `json:",unknown"`
		}
		if err := jsonv2.UnmarshalDecode(d, &o, typedOptions); err != nil {
			return err
		}
		if len(o.Unknown) > 0 {
			return errDecline
		}
		v.text, v.theme, v.object = CleanText(o.Text), CleanText(o.Theme), true
		return nil
	}
	return errDecline
}

type typedRecord struct {
	ID              string             `json:"id"`
	Source          string             `json:"source"`
	Title           string             `json:"title"`
	Severity        scalar             `json:"severity"`
	Category        string             `json:"category"`
	Status          string             `json:"status"`
	Tags            strictList         `json:"tags"`
	Excluded        bool               `json:"exclude_from_metrics"`
	Timeline        *typedTimeline     `json:"timeline"`
	Techniques      strictList         `json:"techniques"`
	RootCause       *typedRootCause    `json:"root_cause"`
	ActionItems     []*typedActionItem `json:"action_items"`
	Lessons         *typedLessons      `json:"lessons"`
	DetectionRules  []*typedRule       `json:"detection_rules"`
	Assets          strictList         `json:"assets"`
	Platforms       strictList         `json:"platforms"`
	Team            string             `json:"team"`
	BusinessUnit    string             `json:"business_unit"`
	Tenant          string             `json:"tenant"`
	DetectionSource string             `json:"detection_source"`
	Impact          *typedImpact       `json:"impact"`
	Review          *typedReview       `json:"review"`
	PlaybookUpdates []*typedPlaybook   `json:"playbook_updates"`
	Unknown         jsontext.Value     `json:",unknown"`
}

type typedTimeline struct {
	Compromise  scalar         `json:"compromise"`
	Detection   scalar         `json:"detection"`
	Triage      scalar         `json:"triage"`
	Containment scalar         `json:"containment"`
	Eradication scalar         `json:"eradication"`
	Recovery    scalar         `json:"recovery"`
	Closure     scalar         `json:"closure"`
	Unknown     jsontext.Value `json:",unknown"`
}

type typedRootCause struct {
	Category string         `json:"category"`
	Summary  string         `json:"summary"`
	Whys     strictList     `json:"whys"`
	Unknown  jsontext.Value `json:",unknown"`
}

type typedActionItem struct {
	ID        scalar         `json:"id"`
	Summary   string         `json:"summary"`
	Owner     string         `json:"owner"`
	Priority  string         `json:"priority"`
	Due       scalar         `json:"due"`
	Status    scalar         `json:"status"`
	Completed scalar         `json:"completed"`
	Unknown   jsontext.Value `json:",unknown"`
}

type typedLessons struct {
	WentWell         *[]*lessonValue `json:"went_well"`
	NeedsImprovement *[]*lessonValue `json:"needs_improvement"`
	Unknown          jsontext.Value  `json:",unknown"`
}

type typedRule struct {
	ID         string         `json:"id"`
	Title      string         `json:"title"`
	Techniques strictList     `json:"techniques"`
	Status     string         `json:"status"`
	SigmaID    string         `json:"sigma_id"`
	Unknown    jsontext.Value `json:",unknown"`
}

type typedImpact struct {
	Records           scalar         `json:"records"`
	Cost              scalar         `json:"cost"`
	Currency          string         `json:"currency"`
	DowntimeHours     scalar         `json:"downtime_hours"`
	RegulatorNotified *bool          `json:"regulator_notified"`
	CustomersNotified *bool          `json:"customers_notified"`
	Unknown           jsontext.Value `json:",unknown"`
}

type typedReview struct {
	Status      string         `json:"status"`
	HeldAt      scalar         `json:"held_at"`
	PublishedAt scalar         `json:"published_at"`
	Facilitator string         `json:"facilitator"`
	Unknown     jsontext.Value `json:",unknown"`
}

type typedPlaybook struct {
	Playbook  string         `json:"playbook"`
	Change    string         `json:"change"`
	Owner     string         `json:"owner"`
	Due       scalar         `json:"due"`
	Status    scalar         `json:"status"`
	Completed scalar         `json:"completed"`
	Unknown   jsontext.Value `json:",unknown"`
}

// typedOptions: v2's defaults: names match exactly (as map keys do), a
// duplicate name and invalid UTF-8 are errors (declined). An unknown member
// of a nested object lands in its Unknown field, and is declined.
var typedOptions = jsonv2.JoinOptions()

// typedCanonical decodes one canonical JSON record through typedRecord, or
// reports ok false.
func typedCanonical(p *ParseContext, raw []byte, lim Limits) (*Case, bool) {
	if len(raw) > lim.MaxRecordBytes || maxDepth(raw) > lim.MaxDepth {
		return nil, false
	}
	var r typedRecord
	if err := jsonv2.Unmarshal(raw, &r, typedOptions); err != nil {
		return nil, false
	}
	return r.toCase(p.Location)
}

func (r *typedRecord) toCase(loc *time.Location) (*Case, bool) {
	c := &Case{ID: CleanText(r.ID), Source: CleanText(r.Source), Title: CleanText(r.Title), Category: NormalizeCategory(CleanText(r.Category)),
		Tags: r.Tags, Excluded: r.Excluded, Assets: nil, Team: CleanText(r.Team), BusinessUnit: CleanText(r.BusinessUnit), Tenant: CleanText(r.Tenant),
		MilestoneSources: make(map[string]string, 8)}
	var err error
	switch r.Severity.kind {
	case 0, 'n':
	case '"', '0':
		s := r.Severity.s
		if r.Severity.kind == '"' {
			s = CleanText(s)
		}
		if c.Severity, err = NormalizeSeverity(s); err != nil {
			return nil, false
		}
	default:
		return nil, false
	}
	switch st := strings.ToLower(CleanText(r.Status)); st {
	case "open", "closed", "":
		c.Status = st
	default:
		return nil, false
	}
	if t := r.Timeline; t != nil {
		if len(t.Unknown) > 0 {
			return nil, false
		}
		for i, v := range [...]scalar{t.Compromise, t.Detection, t.Triage, t.Containment, t.Eradication, t.Recovery, t.Closure} {
			if v.kind == 0 || v.kind == 'n' || (v.kind == '"' && strings.TrimSpace(v.s) == "") {
				continue
			}
			ts, note, err := parseInstant(v.value(), loc)
			if err != nil || note != "" {
				return nil, false
			}
			*c.Timeline.Ptr(Milestones[i]) = &ts
			c.MilestoneSources[Milestones[i]] = milestoneSource[i]
		}
	}
	if r.Techniques != nil {
		var ok bool
		if c.Techniques, ok = addTechniques(nil, r.Techniques); !ok {
			return nil, false
		}
	}
	if rc := r.RootCause; rc != nil {
		if len(rc.Unknown) > 0 {
			return nil, false
		}
		c.RootCause = RootCause{Category: NormalizeCategory(CleanText(rc.Category)), Summary: CleanText(rc.Summary), Whys: rc.Whys}
	}
	seen := map[string]bool{}
	for i, a := range r.ActionItems {
		if a == nil || len(a.Unknown) > 0 {
			return nil, false
		}
		ai := ActionItem{Summary: CleanText(a.Summary), Owner: CleanText(a.Owner), Priority: NormalizeCategory(CleanText(a.Priority))}
		switch a.ID.kind {
		case '"':
			ai.ID = CleanText(a.ID.s)
		case '0':
			if ai.ID, err = canonicalNumber(a.ID.s); err != nil {
				return nil, false
			}
		case 0, 'n':
		default:
			return nil, false
		}
		switch a.Status.kind {
		case 0:
		case 'n', '"':
			if ai.Status, err = NormalizeActionStatus(CleanText(a.Status.s)); err != nil {
				return nil, false
			}
		default:
			return nil, false
		}
		if a.Due.kind != 0 && a.Due.kind != 'n' {
			t, err := ParseDate(a.Due.value(), loc)
			if err != nil {
				return nil, false
			}
			ai.Due = &Date{t}
		}
		if a.Completed.kind != 0 && a.Completed.kind != 'n' {
			t, note, err := parseInstant(a.Completed.value(), loc)
			if err != nil || note != "" {
				return nil, false
			}
			ai.Completed = &t
		}
		if ai.ID == "" {
			ai.ID = strconv.Itoa(i + 1)
		}
		if visibleID(ai.ID) != nil || seen[ai.ID] {
			return nil, false
		}
		seen[ai.ID] = true
		if ai.Status == "" {
			ai.Status = "open"
			if ai.Completed != nil {
				ai.Status = "done"
			}
		}
		c.ActionItems = append(c.ActionItems, ai)
	}
	if l := r.Lessons; l != nil {
		if len(l.Unknown) > 0 {
			return nil, false
		}
		var ok bool
		if c.Lessons.WentWell, c.Lessons.WentWellThemes, ok = typedLessonList(l.WentWell); !ok {
			return nil, false
		}
		if c.Lessons.NeedsImprovement, c.Lessons.NeedsImprovementThemes, ok = typedLessonList(l.NeedsImprovement); !ok {
			return nil, false
		}
	}
	for _, d := range r.DetectionRules {
		if d == nil || len(d.Unknown) > 0 || CleanText(d.ID) == "" {
			return nil, false
		}
		rule := DetectionRule{ID: CleanText(d.ID), Title: CleanText(d.Title)}
		if d.Techniques != nil {
			var ok bool
			if rule.Techniques, ok = addTechniques(nil, d.Techniques); !ok {
				return nil, false
			}
		}
		if rule.Status, err = NormalizeRuleStatus(CleanText(d.Status)); err != nil {
			return nil, false
		}
		if rule.SigmaID, err = NormalizeSigmaID(CleanText(d.SigmaID)); err != nil {
			return nil, false
		}
		c.DetectionRules = append(c.DetectionRules, rule)
	}
	if r.Assets != nil {
		c.Assets = AddAssets(nil, r.Assets)
	}
	for _, s := range r.Platforms {
		pl, err := NormalizePlatform(s)
		if err != nil {
			return nil, false
		}
		c.Platforms = AddTechnique(c.Platforms, pl)
	}
	if c.DetectionSource, err = NormalizeDetectionSource(CleanText(r.DetectionSource)); err != nil {
		return nil, false
	}
	if im := r.Impact; im != nil {
		if len(im.Unknown) > 0 {
			return nil, false
		}
		out := Impact{RegulatorNotified: im.RegulatorNotified, CustomersNotified: im.CustomersNotified}
		if out.Currency, err = NormalizeCurrency(CleanText(im.Currency)); err != nil {
			return nil, false
		}
		switch im.Records.kind {
		case 0, 'n':
		case '0':
			n, err := parseCount(im.Records.s)
			if err != nil {
				return nil, false
			}
			out.Records = &n
		default:
			return nil, false
		}
		for _, f := range []struct {
			v   scalar
			dst **float64
		}{{im.Cost, &out.Cost}, {im.DowntimeHours, &out.DowntimeHours}} {
			switch f.v.kind {
			case 0, 'n':
			case '0':
				x, err := parseAmount(f.v.s)
				if err != nil {
					return nil, false
				}
				*f.dst = &x
			default:
				return nil, false
			}
		}
		if out.Cost != nil && out.Currency == "" {
			return nil, false
		}
		if out != (Impact{}) {
			c.Impact = &out
		}
	}
	if rv := r.Review; rv != nil {
		if len(rv.Unknown) > 0 {
			return nil, false
		}
		out := Review{Facilitator: CleanText(rv.Facilitator)}
		if out.Status, err = NormalizeReviewStatus(CleanText(rv.Status)); err != nil {
			return nil, false
		}
		for _, f := range []struct {
			v   scalar
			dst **time.Time
		}{{rv.HeldAt, &out.HeldAt}, {rv.PublishedAt, &out.PublishedAt}} {
			if f.v.kind == 0 || f.v.kind == 'n' || (f.v.kind == '"' && strings.TrimSpace(f.v.s) == "") {
				continue
			}
			t, err := ParseTimestamp(f.v.value(), loc)
			if err != nil {
				return nil, false
			}
			*f.dst = &t
		}
		if out != (Review{}) {
			if out.Status == "" {
				out.Status = defaultReviewStatus(out.HeldAt, out.PublishedAt)
			}
			c.Review = &out
		}
	}
	for _, u := range r.PlaybookUpdates {
		if u == nil || len(u.Unknown) > 0 {
			return nil, false
		}
		pu := PlaybookUpdate{Playbook: CleanText(u.Playbook), Change: CleanText(u.Change), Owner: CleanText(u.Owner)}
		switch u.Status.kind {
		case 0:
		case 'n', '"':
			if pu.Status, err = NormalizeActionStatus(CleanText(u.Status.s)); err != nil {
				return nil, false
			}
		default:
			return nil, false
		}
		if u.Due.kind != 0 && u.Due.kind != 'n' {
			t, err := ParseDate(u.Due.value(), loc)
			if err != nil {
				return nil, false
			}
			pu.Due = &Date{t}
		}
		if u.Completed.kind != 0 && u.Completed.kind != 'n' {
			t, err := ParseTimestamp(u.Completed.value(), loc)
			if err != nil {
				return nil, false
			}
			pu.Completed = &t
		}
		if pu.Playbook == "" {
			return nil, false
		}
		if pu.Status == "" {
			pu.Status = "open"
			if pu.Completed != nil {
				pu.Status = "done"
			}
		}
		c.PlaybookUpdates = append(c.PlaybookUpdates, pu)
	}
	if c.ID == "" || visibleID(c.ID) != nil || c.Timeline.Detection == nil {
		return nil, false
	}
	if c.Source == "" {
		c.Source = "pir"
	}
	if c.Status == "" {
		c.Status = "open"
		if c.Timeline.Closure != nil {
			c.Status = "closed"
		}
	}
	if len(r.Unknown) > 0 {
		dec := json.NewDecoder(bytes.NewReader(r.Unknown))
		dec.UseNumber()
		var extra map[string]any
		if err := dec.Decode(&extra); err != nil {
			return nil, false
		}
		if len(extra) > 0 {
			b, err := json.Marshal(extra)
			if err != nil {
				return nil, false
			}
			c.Extra = b
		}
	}
	return c, true
}

func typedLessonList(l *[]*lessonValue) (texts, themes []string, ok bool) {
	if l == nil || *l == nil {
		return nil, nil, true
	}
	texts = make([]string, 0, len(*l))
	themed := false
	for _, v := range *l {
		if v == nil {
			return nil, nil, false
		}
		if v.object && v.text == "" {
			return nil, nil, false
		}
		if v.text == "" {
			continue
		}
		texts = append(texts, v.text)
		themes = append(themes, v.theme)
		themed = themed || v.theme != ""
	}
	if !themed {
		themes = nil
	}
	return texts, themes, true
}

// decodeTypedRaw is decodeCanonicalRaw with typedCanonical for the fast path.
func decodeTypedRaw(p *ParseContext, raw []byte, ref string, lim Limits) Record {
	if c, ok := typedCanonical(p, raw, lim); ok {
		return Record{Case: c}
	}
	return decodeRaw(p, raw, ref, lim, decodeCanonical)
}
