package ingest

// The optional canonical fields (assets, platforms, team, business unit,
// tenant, detection source, review, root-cause summary, lessons) as the
// importers of case managers fill them: each from a product field where the
// product has one (the importer's defaults), or from any field a mapping
// file names (an organisation's custom fields). docs/importers.md lists the
// defaults per product.

import (
	"fmt"
	"strings"
	"time"
)

// dimensionKeys are the mapping keys of the optional canonical fields, in
// the order they are read (the first bad one is reported).
var dimensionKeys = []string{
	"assets", "platforms", "team", "business_unit", "tenant", "detection_source",
	"review_status", "review_held_at", "root_cause_summary", "lessons_went_well", "lessons_needs_improvement",
}

// dimLookup resolves one alternative of a mapping value in the importer's
// terms (a field path, "customFields.x", a product list such as TheHive's
// observables): the value, the field it came from (for errors), and
// whether it is present.
type dimLookup func(alt string) (v any, field string, ok bool, err *RecordError)

// mapDimensions fills c's optional canonical fields. The value of each key
// of dimensionKeys is the mapping's (ParseContext.Mapping) or defaults';
// it lists alternatives separated by "|", and the first one present and
// not empty is used. An alternative "=text" is the literal text (a tenant
// for a whole export: TheHive exports one organisation at a time). A value
// that a vocabulary does not know (a platform, a detection source, a review
// status) is an error naming the field it came from.
func mapDimensions(d fieldDecoder, c *Case, m mapping, defaults map[string]string, look dimLookup) *RecordError {
	var review Review
	for _, key := range dimensionKeys {
		v, field, err := firstDim(m.get(key, defaults[key]), look)
		if err != nil {
			return err
		}
		if v == nil {
			continue
		}
		switch key {
		case "assets":
			names, err := d.texts(field, v)
			if err != nil {
				return err
			}
			c.Assets = AddAssets(c.Assets, names)
		case "platforms":
			names, err := d.texts(field, v)
			if err != nil {
				return err
			}
			for _, s := range names {
				p, e := NormalizePlatform(s)
				if e != nil {
					return d.fail(field, "%v", e)
				}
				c.Platforms = AddTechnique(c.Platforms, p)
			}
		case "team", "business_unit", "tenant", "root_cause_summary":
			s, err := d.text(field, v)
			if err != nil {
				return err
			}
			switch key {
			case "team":
				c.Team = s
			case "business_unit":
				c.BusinessUnit = s
			case "tenant":
				c.Tenant = s
			default:
				c.RootCause.Summary = s
			}
		case "detection_source", "review_status":
			s, err := d.text(field, v)
			if err != nil {
				return err
			}
			norm := NormalizeDetectionSource
			if key == "review_status" {
				norm = NormalizeReviewStatus
			}
			n, e := norm(s)
			if e != nil {
				return d.fail(field, "%v", e)
			}
			if key == "detection_source" {
				c.DetectionSource = n
			} else {
				review.Status = n
			}
		case "review_held_at":
			t, err := d.instant(field, v)
			if err != nil {
				return err
			}
			review.HeldAt = t
		case "lessons_went_well", "lessons_needs_improvement":
			texts, err := lessonTexts(d, field, v)
			if err != nil {
				return err
			}
			if key == "lessons_went_well" {
				c.Lessons.WentWell = append(c.Lessons.WentWell, texts...)
			} else {
				c.Lessons.NeedsImprovement = append(c.Lessons.NeedsImprovement, texts...)
			}
		}
	}
	if review != (Review{}) {
		if review.Status == "" {
			review.Status = defaultReviewStatus(review.HeldAt, review.PublishedAt)
		}
		c.Review = &review
	}
	return nil
}

// firstDim returns the first alternative of spec that is present and not
// empty, and the field it came from.
func firstDim(spec string, look dimLookup) (any, string, *RecordError) {
	for _, alt := range splitList(spec, "|") {
		if lit, ok := strings.CutPrefix(alt, "="); ok {
			if lit = strings.TrimSpace(lit); lit != "" {
				return lit, "mapping", nil
			}
			continue
		}
		v, field, ok, err := look(alt)
		if err != nil {
			return nil, field, err
		}
		if ok && !isEmptyValue(v) {
			if s, isStr := v.(string); isStr && strings.TrimSpace(s) == "" {
				continue
			}
			return v, field, nil
		}
	}
	return nil, "", nil
}

// lessonTexts reads lessons from a product field: one text, or a list of
// texts (a lesson may contain commas, so a text is never split).
func lessonTexts(d fieldDecoder, field string, v any) ([]string, *RecordError) {
	if list, ok := v.([]any); ok {
		var out []string
		for i, e := range list {
			s, err := d.text(fmt.Sprintf("%s[%d]", field, i), e)
			if err != nil {
				return nil, err
			}
			if s != "" {
				out = append(out, s)
			}
		}
		return out, nil
	}
	s, err := d.text(field, v)
	if err != nil || s == "" {
		return nil, err
	}
	return []string{s}, nil
}

// closedOnlyByStatus applies the rule that the product's state decides
// whether a case is closed: an open case has no closure milestone, even
// when the export still carries the date of an earlier closure (TheHive's
// endDate after a reopen, IRIS's close_date after a move back to In
// progress). That date is kept in extra as "closure_before_reopen" ({field,
// at}), so that nothing is lost, and the case does not count in the close
// metric.
func closedOnlyByStatus(c *Case, extra map[string]any) {
	if c.Status != "open" || c.Timeline.Closure == nil {
		return
	}
	extra["closure_before_reopen"] = map[string]any{
		"field": c.MilestoneSources["closure"],
		"at":    c.Timeline.Closure.UTC().Format(time.RFC3339Nano),
	}
	c.Timeline.Closure = nil
	delete(c.MilestoneSources, "closure")
}
