package ingest

import (
	"reflect"
	"testing"
	"time"
)

// dims is a hand-written expectation for a case's optional canonical
// fields; every one is checked (empty means absent).
type dims struct {
	Assets, Platforms          []string
	Team, BusinessUnit, Tenant string
	DetectionSource, RootCause string
	Review                     *Review
	WentWell, NeedsImprovement []string
}

func checkDims(t *testing.T, got *Case, w dims) {
	t.Helper()
	eq := func(field string, g, w any) {
		t.Helper()
		if !reflect.DeepEqual(g, w) {
			t.Errorf("case %s: %s: got %#v, want %#v", got.ID, field, g, w)
		}
	}
	eq("assets", nilIfEmpty(got.Assets), nilIfEmpty(w.Assets))
	eq("platforms", nilIfEmpty(got.Platforms), nilIfEmpty(w.Platforms))
	eq("team", got.Team, w.Team)
	eq("business_unit", got.BusinessUnit, w.BusinessUnit)
	eq("tenant", got.Tenant, w.Tenant)
	eq("detection_source", got.DetectionSource, w.DetectionSource)
	eq("root_cause.summary", got.RootCause.Summary, w.RootCause)
	eq("lessons.went_well", nilIfEmpty(got.Lessons.WentWell), nilIfEmpty(w.WentWell))
	eq("lessons.needs_improvement", nilIfEmpty(got.Lessons.NeedsImprovement), nilIfEmpty(w.NeedsImprovement))
	switch {
	case got.Review == nil && w.Review == nil:
	case got.Review == nil || w.Review == nil:
		t.Errorf("case %s: review: got %+v, want %+v", got.ID, got.Review, w.Review)
	default:
		g, wr := *got.Review, *w.Review
		if g.Status != wr.Status || !sameTime(g.HeldAt, wr.HeldAt) || !sameTime(g.PublishedAt, wr.PublishedAt) || g.Facilitator != wr.Facilitator {
			t.Errorf("case %s: review: got %+v (held %v), want %+v (held %v)", got.ID, g, fmtTime(g.HeldAt), wr, fmtTime(wr.HeldAt))
		}
	}
}

func sameTime(a, b *time.Time) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && a.Equal(*b))
}

func TestMapDimensionsLiteralAndErrors(t *testing.T) {
	p := &ParseContext{File: "x.json", Location: time.UTC}
	rec := map[string]any{"os": "Office 365", "src": "ransom note", "rv": "done", "bad": "amiga", "lw": "Backups held, restore was quick"}
	look := func(alt string) (any, string, bool, *RecordError) {
		v, ok := rec[alt]
		return v, alt, ok, nil
	}
	t.Run("OK", func(t *testing.T) {
		c := &Case{ID: "1"}
		m := mapping{format: "x", m: map[string]string{"tenant": "=ACME SOC", "platforms": "nope|os", "detection_source": "src",
			"review_status": "rv", "lessons_went_well": "lw", "team": "= "}}
		if err := mapDimensions(newFieldDecoder(p, "1"), c, m, nil, look); err != nil {
			t.Fatal(err)
		}
		checkDims(t, c, dims{Tenant: "ACME SOC", Platforms: []string{"m365"}, DetectionSource: "attacker",
			Review: &Review{Status: "held"}, WentWell: []string{"Backups held, restore was quick"}})
	})
	t.Run("ErrUnknownPlatform", func(t *testing.T) {
		m := mapping{format: "x", m: map[string]string{"x.platforms": "bad"}}
		err := mapDimensions(newFieldDecoder(p, "1"), &Case{ID: "1"}, m, nil, look)
		if err == nil || err.Field != "bad" || err.Ref != "1" {
			t.Fatalf("got %v", err)
		}
	})
}
