package ingest

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The fast path of the canonical JSON decoder. parseObject + canonicalDecoder
// decode each record into a map[string]any and then walk it: most of an
// ingest's CPU went into that map. fastCanonical reads the bytes of one
// record once, straight into a Case, and gives up (ok false) on anything it
// does not handle exactly like the generic path: any error, a duplicate
// key, a \u escape of a UTF-16 surrogate. The caller then runs the generic
// path, which produces the error message (or, for a record the fast path
// merely declined, the same Case): the generic path stays the definition
// of the format, and TestFastCanonicalAgrees and FuzzFastCanonical check
// that the two agree.

// fastCanonical decodes one canonical JSON record (a whole line, trimmed),
// or reports ok false.
func fastCanonical(p *ParseContext, raw []byte, lim Limits) (c *Case, ok bool) {
	if len(raw) > lim.MaxRecordBytes {
		return nil, false
	}
	// Strings of the Case are substrings of one copy of the record.
	d := fastDecoder{b: raw, s: string(raw), max: lim.MaxDepth, loc: p.Location}
	return d.record()
}

// fastDecoder is a JSON scanner over one record. It accepts exactly the
// JSON that encoding/json accepts, minus what it declines (see above).
type fastDecoder struct {
	b     []byte
	s     string // b as a string
	i     int
	depth int
	max   int // Limits.MaxDepth
	loc   *time.Location
	buf   []byte // unescaped string, valid until the next string is read
	start int    // the last string read is s[start:end] unless esc
	end   int
	esc   bool
	plain bool // the last string read is ASCII with no control characters
	times *[8]time.Time
	nt    int
}

// Bits of the fields seen, to decline duplicate keys (encoding/json keeps
// the last; the generic path then sorts keys, so order-dependent handling
// is left to it).
const (
	fID = 1 << iota
	fSource
	fTitle
	fSeverity
	fCategory
	fStatus
	fTags
	fExcluded
	fTimeline
	fTechniques
	fRootCause
	fActionItems
	fLessons
	fDetectionRules
	fAssets
	fPlatforms
	fTeam
	fBusinessUnit
	fTenant
	fDetectionSource
	fImpact
	fReview
	fPlaybookUpdates
)

// milestoneSource is "timeline."+name for each milestone, without building
// the string per record.
var milestoneSource = [...]string{"timeline.compromise", "timeline.detection", "timeline.triage", "timeline.containment", "timeline.eradication", "timeline.recovery", "timeline.closure"}

// extraField is an unknown top-level field, kept for Case.Extra.
type extraField struct {
	key    string
	raw    []byte // the value's bytes
	simple bool   // json.Marshal of the decoded key and value gives back these bytes
}

func (d *fastDecoder) record() (*Case, bool) {
	c := &Case{MilestoneSources: make(map[string]string, 8)}
	if !d.open('{') {
		return nil, false
	}
	var seen uint32
	var extra []extraField
	once := func(bit uint32) bool {
		if seen&bit != 0 {
			return false
		}
		seen |= bit
		return true
	}
	for first := true; ; first = false {
		key, done, ok := d.member(first)
		if !ok {
			return nil, false
		}
		if done {
			break
		}
		switch string(key) {
		case "id":
			ok = once(fID) && d.optStr(&c.ID)
		case "source":
			ok = once(fSource) && d.optStr(&c.Source)
		case "title":
			ok = once(fTitle) && d.optStr(&c.Title)
		case "severity":
			ok = once(fSeverity) && d.severity(c)
		case "category":
			var s string
			ok = once(fCategory) && d.optStr(&s)
			c.Category = NormalizeCategory(s)
		case "status":
			var s string
			if ok = once(fStatus) && d.optStr(&s); ok {
				switch st := strings.ToLower(s); st {
				case "open", "closed", "":
					c.Status = st
				default:
					ok = false
				}
			}
		case "tags":
			ok = once(fTags) && d.strList(&c.Tags)
		case "exclude_from_metrics":
			ok = once(fExcluded) && d.boolean(&c.Excluded)
		case "timeline":
			ok = once(fTimeline) && d.timeline(c)
		case "techniques":
			var ids []string
			if ok = once(fTechniques) && d.strList(&ids); ok {
				c.Techniques, ok = addTechniques(c.Techniques, ids)
			}
		case "root_cause":
			ok = once(fRootCause) && d.rootCause(c)
		case "action_items":
			ok = once(fActionItems) && d.actionItems(c)
		case "lessons":
			ok = once(fLessons) && d.lessons(c)
		case "detection_rules":
			ok = once(fDetectionRules) && d.detectionRules(c)
		case "assets":
			var names []string
			if ok = once(fAssets) && d.strList(&names); ok {
				c.Assets = AddAssets(nil, names)
			}
		case "platforms":
			ok = once(fPlatforms) && d.platforms(c)
		case "team":
			ok = once(fTeam) && d.optStr(&c.Team)
		case "business_unit":
			ok = once(fBusinessUnit) && d.optStr(&c.BusinessUnit)
		case "tenant":
			ok = once(fTenant) && d.optStr(&c.Tenant)
		case "detection_source":
			ok = once(fDetectionSource) && d.vocab(&c.DetectionSource, NormalizeDetectionSource)
		case "impact":
			ok = once(fImpact) && d.impact(c)
		case "review":
			ok = once(fReview) && d.review(c)
		case "playbook_updates":
			ok = once(fPlaybookUpdates) && d.playbookUpdates(c)
		default:
			// A repeated unknown key is found after sorting (marshalExtra):
			// a scan per key was quadratic in the number of keys.
			k := string(key)
			d.ws()
			start := d.i
			var simple bool
			if simple, ok = d.skip(); ok {
				extra = append(extra, extraField{key: k, raw: d.b[start:d.i], simple: simple && plain(k)})
			}
		}
		if !ok {
			return nil, false
		}
	}
	if d.ws(); d.i != len(d.b) {
		return nil, false
	}
	if c.ID == "" || c.Timeline.Detection == nil || visibleID(c.ID) != nil {
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
	if len(extra) > 0 {
		b, ok := marshalExtra(extra)
		if !ok {
			return nil, false
		}
		c.Extra = b
	}
	return c, true
}

// marshalExtra is json.Marshal of the unknown fields as a map, as the
// generic path writes Case.Extra: keys sorted, values re-encoded. Plain
// values are copied; any other value is decoded and encoded again with
// encoding/json, exactly as the generic path does.
func marshalExtra(extra []extraField) ([]byte, bool) {
	slices.SortFunc(extra, func(a, b extraField) int { return strings.Compare(a.key, b.key) })
	simple := true
	n := 2
	for i, e := range extra {
		if i > 0 && extra[i-1].key == e.key {
			return nil, false // a duplicate key: left to the generic path
		}
		simple = simple && e.simple
		n += len(e.key) + len(e.raw) + 4
	}
	if simple {
		b := make([]byte, 0, n)
		b = append(b, '{')
		for i, e := range extra {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '"')
			b = append(b, e.key...)
			b = append(b, '"', ':')
			b = append(b, e.raw...)
		}
		return append(b, '}'), true
	}
	m := make(map[string]any, len(extra))
	for _, e := range extra {
		dec := json.NewDecoder(bytes.NewReader(e.raw))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, false
		}
		m[e.key] = v
	}
	b, err := json.Marshal(m)
	return b, err == nil
}

// plain reports whether encoding/json writes the string s as itself in
// quotes: nothing to escape, including what it escapes for HTML.
func plain[T string | []byte](s T) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9):
			return false // U+2028, U+2029
		}
	}
	return true
}

// addTechniques normalises ids into list as the generic path does.
func addTechniques(list, ids []string) ([]string, bool) {
	if list == nil && len(ids) > 0 {
		list = make([]string, 0, len(ids))
	}
	for i, s := range ids {
		id, err := NormalizeTechnique(s)
		if err != nil {
			return nil, false
		}
		ids[i] = id
	}
	return appendUnique(list, ids...), true
}

// ws skips JSON white space.
func (d *fastDecoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// next skips white space and returns the next byte, 0 at the end.
func (d *fastDecoder) next() byte {
	d.ws()
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

// open consumes an opening '{' or '[', one level deeper.
func (d *fastDecoder) open(c byte) bool {
	if d.next() != c {
		return false
	}
	d.depth++
	d.i++
	return d.depth <= d.max
}

// member moves to the next member of the object being read: the key, with
// the position at the value, or done after the closing brace.
func (d *fastDecoder) member(first bool) (key []byte, done, ok bool) {
	c := d.next()
	if c == '}' {
		d.i++
		d.depth--
		return nil, true, true
	}
	if !first {
		if c != ',' {
			return nil, false, false
		}
		d.i++
		c = d.next()
	}
	if c != '"' {
		return nil, false, false
	}
	if key, ok = d.strBytes(); !ok || d.next() != ':' {
		return nil, false, false
	}
	d.i++
	return key, false, true
}

// element moves to the next element of the array being read, or done
// after the closing bracket.
func (d *fastDecoder) element(first bool) (done, ok bool) {
	c := d.next()
	if c == ']' {
		d.i++
		d.depth--
		return true, true
	}
	if !first {
		if c != ',' {
			return false, false
		}
		d.i++
	}
	return false, true
}

// literal consumes the word w (true, false, null).
func (d *fastDecoder) literal(w string) bool {
	if !bytes.HasPrefix(d.b[d.i:], []byte(w)) {
		return false
	}
	d.i += len(w)
	return true
}

// null consumes null if it is next.
func (d *fastDecoder) null() bool {
	return d.next() == 'n' && d.literal("null")
}

// strSpecial are the bytes that end the plain run of a string: the quote,
// escapes, control characters and non-ASCII.
var strSpecial = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	for c := 0x7f; c < 0x100; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// strBytes reads a string at '"': its unescaped bytes, a slice of the
// record or of d.buf (valid until the next call).
func (d *fastDecoder) strBytes() ([]byte, bool) {
	start := d.i + 1
	j := start
	d.plain = true
	for {
		for j < len(d.b) && !strSpecial[d.b[j]] {
			j++
		}
		if j == len(d.b) {
			return nil, false
		}
		switch c := d.b[j]; {
		case c == '"':
			d.i = j + 1
			d.start, d.end, d.esc = start, j, false
			return d.b[start:j], true
		case c == '\\':
			d.esc, d.plain = true, false
			return d.strEscaped(start, j)
		case c < 0x20:
			return nil, false
		default:
			d.plain = false
			r, n := utf8.DecodeRune(d.b[j:])
			if r == utf8.RuneError && n == 1 {
				return nil, false
			}
			j += n
		}
	}
}

// str reads a string at '"' (see strBytes) as a Go string: a substring of
// the record when it has no escapes.
func (d *fastDecoder) str() (string, bool) {
	b, ok := d.strBytes()
	if !ok {
		return "", false
	}
	if d.esc {
		return string(b), true
	}
	return d.s[d.start:d.end], true
}

// text reads a string as fieldDecoder.str does: CleanText of it.
func (d *fastDecoder) text() (string, bool) {
	s, ok := d.str()
	if d.plain {
		return strings.TrimSpace(s), ok // all CleanText would do
	}
	return CleanText(s), ok
}

// strEscaped goes on with a string that has an escape at j.
func (d *fastDecoder) strEscaped(start, j int) ([]byte, bool) {
	out := append(d.buf[:0], d.b[start:j]...)
	for j < len(d.b) {
		c := d.b[j]
		switch {
		case c == '"':
			d.i = j + 1
			d.buf = out
			return out, true
		case c == '\\':
			if j+1 >= len(d.b) {
				return nil, false
			}
			switch e := d.b[j+1]; e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				if j+6 > len(d.b) {
					return nil, false
				}
				r, err := strconv.ParseUint(string(d.b[j+2:j+6]), 16, 32)
				if err != nil || (r >= 0xD800 && r < 0xE000) {
					return nil, false // a surrogate: left to encoding/json
				}
				out = utf8.AppendRune(out, rune(r))
				j += 4
			default:
				return nil, false
			}
			j += 2
		case c < 0x20:
			return nil, false
		case c < utf8.RuneSelf:
			out = append(out, c)
			j++
		default:
			r, n := utf8.DecodeRune(d.b[j:])
			if r == utf8.RuneError && n == 1 {
				return nil, false
			}
			out = append(out, d.b[j:j+n]...)
			j += n
		}
	}
	return nil, false
}

// number reads a JSON number and returns its text (json.Number).
func (d *fastDecoder) number() ([]byte, bool) {
	b, j := d.b, d.i
	digits := func() bool {
		k := j
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		return j > k
	}
	if j < len(b) && b[j] == '-' {
		j++
	}
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case !digits():
		return nil, false
	}
	if j < len(b) && b[j] == '.' {
		j++
		if !digits() {
			return nil, false
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		if !digits() {
			return nil, false
		}
	}
	s := b[d.i:j]
	d.i = j
	return s, true
}

// numberStr is number as a substring of the record.
func (d *fastDecoder) numberStr() (string, bool) {
	start := d.i
	_, ok := d.number()
	return d.s[start:d.i], ok
}

// isNumberStart reports whether c starts a JSON number.
func isNumberStart(c byte) bool { return c == '-' || (c >= '0' && c <= '9') }

// skip consumes any value. simple reports whether encoding/json writes
// the decoded value back as the same bytes: a string with no escapes and
// nothing json.Marshal escapes, a number, true, false or null.
func (d *fastDecoder) skip() (simple, ok bool) {
	switch c := d.next(); {
	case c == '"':
		start := d.i
		s, ok := d.strBytes()
		if !ok {
			return false, false
		}
		return len(s) == d.i-start-2 && plain(s), true
	case c == '{':
		if !d.open('{') {
			return false, false
		}
		for first := true; ; first = false {
			_, done, ok := d.member(first)
			if !ok {
				return false, false
			}
			if done {
				return false, true
			}
			if _, ok := d.skip(); !ok {
				return false, false
			}
		}
	case c == '[':
		if !d.open('[') {
			return false, false
		}
		for first := true; ; first = false {
			done, ok := d.element(first)
			if !ok {
				return false, false
			}
			if done {
				return false, true
			}
			if _, ok := d.skip(); !ok {
				return false, false
			}
		}
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return true, d.literal("false")
	case c == 'n':
		return true, d.literal("null")
	case isNumberStart(c):
		_, ok := d.number()
		return true, ok
	}
	return false, false
}

// optStr reads a string (cleaned) or null ("") into *dst: fieldDecoder.str.
func (d *fastDecoder) optStr(dst *string) bool {
	switch d.next() {
	case '"':
		s, ok := d.text()
		*dst = s
		return ok
	case 'n':
		*dst = ""
		return d.literal("null")
	}
	return false
}

// strList reads a list of strings (cleaned, empty ones dropped) or null
// into *dst: fieldDecoder.strList.
func (d *fastDecoder) strList(dst *[]string) bool {
	if d.null() {
		*dst = nil
		return true
	}
	if !d.open('[') {
		return false
	}
	out := make([]string, 0, 4)
	for first := true; ; first = false {
		done, ok := d.element(first)
		if !ok {
			return false
		}
		if done {
			break
		}
		if d.next() != '"' {
			return false
		}
		s, ok := d.text()
		if !ok {
			return false
		}
		if s != "" {
			out = append(out, s)
		}
	}
	*dst = out
	return true
}

// boolean reads true, false or null (false).
func (d *fastDecoder) boolean(dst *bool) bool {
	switch d.next() {
	case 't':
		*dst = true
		return d.literal("true")
	case 'f':
		*dst = false
		return d.literal("false")
	case 'n':
		*dst = false
		return d.literal("null")
	}
	return false
}

func (d *fastDecoder) severity(c *Case) bool {
	var s string
	if isNumberStart(d.next()) {
		var ok bool
		if s, ok = d.numberStr(); !ok {
			return false
		}
	} else if !d.optStr(&s) {
		return false
	}
	sv, err := NormalizeSeverity(s)
	c.Severity = sv
	return err == nil
}

// instant reads a timestamp value (canonicalDecoder.timeline and completed):
// set false for null or a blank string when blankOK.
func (d *fastDecoder) instant(blankOK bool) (t *time.Time, ok bool) {
	var ts time.Time
	var err error
	switch c := d.next(); {
	case c == 'n':
		return nil, d.literal("null")
	case c == '"':
		s, ok := d.str()
		if !ok {
			return nil, false
		}
		if blankOK && strings.TrimSpace(s) == "" {
			return nil, true
		}
		var note string
		if ts, note, err = parseTimestampString(s, d.loc); note != "" {
			return nil, false // a DST gap or repeat: the generic path warns
		}
	case isNumberStart(c):
		n, ok := d.numberStr()
		if !ok {
			return nil, false
		}
		ts, err = parseEpochMillis(n)
	default:
		return nil, false
	}
	if err != nil {
		return nil, false
	}
	// The instants of a record share one allocation.
	if d.times == nil || d.nt == len(d.times) {
		d.times, d.nt = new([8]time.Time), 0
	}
	p := &d.times[d.nt]
	d.nt++
	*p = ts
	return p, true
}

func (d *fastDecoder) timeline(c *Case) bool {
	return d.optObject(func(key []byte) (uint32, bool) {
		i := milestoneIndex(key)
		if i < 0 {
			return 0, false
		}
		t, ok := d.instant(true)
		if ok && t != nil {
			*c.Timeline.Ptr(Milestones[i]) = t
			c.MilestoneSources[Milestones[i]] = milestoneSource[i]
		}
		return 1 << i, ok
	})
}

// milestoneIndex is the index of a milestone name in Milestones, or -1.
func milestoneIndex(key []byte) int {
	switch string(key) {
	case "compromise":
		return 0
	case "detection":
		return 1
	case "triage":
		return 2
	case "containment":
		return 3
	case "eradication":
		return 4
	case "recovery":
		return 5
	case "closure":
		return 6
	}
	return -1
}

func (d *fastDecoder) rootCause(c *Case) bool {
	return d.optObject(func(key []byte) (uint32, bool) {
		switch string(key) {
		case "category":
			var s string
			ok := d.optStr(&s)
			c.RootCause.Category = NormalizeCategory(s)
			return 1, ok
		case "summary":
			return 2, d.optStr(&c.RootCause.Summary)
		case "whys":
			return 4, d.strList(&c.RootCause.Whys)
		}
		return 0, false
	})
}

func (d *fastDecoder) lessons(c *Case) bool {
	l := &c.Lessons
	return d.optObject(func(key []byte) (uint32, bool) {
		switch string(key) {
		case "went_well":
			return 1, d.lessonList(&l.WentWell, &l.WentWellThemes)
		case "needs_improvement":
			return 2, d.lessonList(&l.NeedsImprovement, &l.NeedsImprovementThemes)
		}
		return 0, false
	})
}

// lessonList reads null or a list of lessons, each a string or {text,
// theme}, as canonicalDecoder.lessonList does.
func (d *fastDecoder) lessonList(texts, themes *[]string) bool {
	if d.null() {
		*texts, *themes = nil, nil
		return true
	}
	if !d.open('[') {
		return false
	}
	out := make([]string, 0, 4)
	var th []string
	themed := false
	for first := true; ; first = false {
		done, ok := d.element(first)
		if !ok {
			return false
		}
		if done {
			break
		}
		var text, theme string
		switch d.next() {
		case '"':
			if text, ok = d.text(); !ok {
				return false
			}
			if text == "" {
				continue
			}
		case '{':
			ok = d.object(func(key []byte) (uint32, bool) {
				switch string(key) {
				case "text":
					return 1, d.optStr(&text)
				case "theme":
					return 2, d.optStr(&theme)
				}
				return 0, false
			})
			if !ok || text == "" {
				return false
			}
		default:
			return false
		}
		out = append(out, text)
		th = append(th, theme)
		themed = themed || theme != ""
	}
	*texts = out
	*themes = nil
	if themed {
		*themes = th
	}
	return true
}

// vocab reads a string or null and normalises it with norm; an error
// declines the record.
func (d *fastDecoder) vocab(dst *string, norm func(string) (string, error)) bool {
	var s string
	if !d.optStr(&s) {
		return false
	}
	v, err := norm(s)
	*dst = v
	return err == nil
}

func (d *fastDecoder) platforms(c *Case) bool {
	var names []string
	if !d.strList(&names) {
		return false
	}
	for _, s := range names {
		p, err := NormalizePlatform(s)
		if err != nil {
			return false
		}
		c.Platforms = AddTechnique(c.Platforms, p)
	}
	return true
}

// optBool reads true, false or null (nil).
func (d *fastDecoder) optBool(dst **bool) bool {
	switch d.next() {
	case 't', 'f':
		var b bool
		if !d.boolean(&b) {
			return false
		}
		*dst = &b
		return true
	}
	*dst = nil
	return d.null()
}

// optNumber reads a number's text, or null ("", true).
func (d *fastDecoder) optNumber() (string, bool) {
	if isNumberStart(d.next()) {
		return d.numberStr()
	}
	return "", d.null()
}

func (d *fastDecoder) impact(c *Case) bool {
	var im Impact
	ok := d.optObject(func(key []byte) (uint32, bool) {
		switch string(key) {
		case "records":
			n, ok := d.optNumber()
			if ok && n != "" {
				v, err := parseCount(n)
				im.Records, ok = &v, err == nil
			}
			return 1, ok
		case "cost":
			return 2, d.amount(&im.Cost)
		case "currency":
			return 4, d.vocab(&im.Currency, NormalizeCurrency)
		case "downtime_hours":
			return 8, d.amount(&im.DowntimeHours)
		case "regulator_notified":
			return 16, d.optBool(&im.RegulatorNotified)
		case "customers_notified":
			return 32, d.optBool(&im.CustomersNotified)
		}
		return 0, false
	})
	if !ok || (im.Cost != nil && im.Currency == "") {
		return false
	}
	if im != (Impact{}) {
		c.Impact = &im
	}
	return true
}

// amount reads a number ≥ 0 (parseAmount) or null.
func (d *fastDecoder) amount(dst **float64) bool {
	n, ok := d.optNumber()
	if !ok || n == "" {
		return ok
	}
	v, err := parseAmount(n)
	*dst = &v
	return err == nil
}

func (d *fastDecoder) review(c *Case) bool {
	var rv Review
	ok := d.optObject(func(key []byte) (uint32, bool) {
		switch string(key) {
		case "status":
			return 1, d.vocab(&rv.Status, NormalizeReviewStatus)
		case "held_at":
			var ok bool
			rv.HeldAt, ok = d.instant(true)
			return 2, ok
		case "published_at":
			var ok bool
			rv.PublishedAt, ok = d.instant(true)
			return 4, ok
		case "facilitator":
			return 8, d.optStr(&rv.Facilitator)
		}
		return 0, false
	})
	if !ok {
		return false
	}
	if rv != (Review{}) {
		if rv.Status == "" {
			rv.Status = defaultReviewStatus(rv.HeldAt, rv.PublishedAt)
		}
		c.Review = &rv
	}
	return true
}

func (d *fastDecoder) playbookUpdates(c *Case) bool {
	if d.null() {
		return true
	}
	if !d.open('[') {
		return false
	}
	for first := true; ; first = false {
		done, ok := d.element(first)
		if !ok {
			return false
		}
		if done {
			return true
		}
		var u PlaybookUpdate
		ok = d.object(func(key []byte) (uint32, bool) {
			switch string(key) {
			case "playbook":
				return 1, d.optStr(&u.Playbook)
			case "change":
				return 2, d.optStr(&u.Change)
			case "owner":
				return 4, d.optStr(&u.Owner)
			case "due":
				return 8, d.date(&u.Due)
			case "status":
				var s string
				if !d.optStr(&s) {
					return 16, false
				}
				var err error
				u.Status, err = NormalizeActionStatus(s)
				return 16, err == nil
			case "completed":
				var ok bool
				u.Completed, ok = d.instant(false)
				return 32, ok
			}
			return 0, false
		})
		if !ok || u.Playbook == "" {
			return false
		}
		if u.Status == "" {
			u.Status = "open"
			if u.Completed != nil {
				u.Status = "done"
			}
		}
		c.PlaybookUpdates = append(c.PlaybookUpdates, u)
	}
}

// optObject reads null (nothing) or an object whose members field decodes:
// field returns a distinct bit per known key and whether its value was
// decoded. An unknown key (ok false), a bad value or a repeated key
// declines the record (the slow path then reports it).
func (d *fastDecoder) optObject(field func(key []byte) (bit uint32, ok bool)) bool {
	if d.null() {
		return true
	}
	return d.object(field)
}

// object is optObject without null.
func (d *fastDecoder) object(field func(key []byte) (bit uint32, ok bool)) bool {
	if !d.open('{') {
		return false
	}
	var seen uint32
	for first := true; ; first = false {
		key, done, ok := d.member(first)
		if !ok {
			return false
		}
		if done {
			return true
		}
		bit, ok := field(key)
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
	}
}

func (d *fastDecoder) actionItems(c *Case) bool {
	if d.null() {
		return true
	}
	if !d.open('[') {
		return false
	}
	var seen map[string]struct{} // the ids so far, once there are many
	for i := 0; ; i++ {
		done, ok := d.element(i == 0)
		if !ok {
			return false
		}
		if done {
			return true
		}
		ai, ok := d.actionItem()
		if !ok {
			return false
		}
		if ai.ID == "" {
			ai.ID = strconv.Itoa(i + 1)
		} else if visibleID(ai.ID) != nil {
			return false
		}
		if seen == nil && len(c.ActionItems) >= smallSet {
			seen = make(map[string]struct{}, 2*len(c.ActionItems))
			for _, prev := range c.ActionItems {
				seen[prev.ID] = struct{}{}
			}
		}
		if seen != nil {
			if _, dup := seen[ai.ID]; dup {
				return false
			}
			seen[ai.ID] = struct{}{}
		} else {
			for _, prev := range c.ActionItems {
				if prev.ID == ai.ID {
					return false
				}
			}
		}
		if ai.Status == "" {
			ai.Status = "open"
			if ai.Completed != nil {
				ai.Status = "done"
			}
		}
		c.ActionItems = append(c.ActionItems, ai)
	}
}

func (d *fastDecoder) actionItem() (ActionItem, bool) {
	var ai ActionItem
	ok := d.object(func(key []byte) (uint32, bool) {
		switch string(key) {
		case "id":
			if isNumberStart(d.next()) {
				n, ok := d.numberStr()
				if !ok {
					return 1, false
				}
				var err error
				ai.ID, err = canonicalNumber(n)
				return 1, err == nil
			}
			return 1, d.optStr(&ai.ID)
		case "summary":
			return 2, d.optStr(&ai.Summary)
		case "owner":
			return 4, d.optStr(&ai.Owner)
		case "priority":
			var s string
			ok := d.optStr(&s)
			ai.Priority = NormalizeCategory(s)
			return 8, ok
		case "status":
			var s string
			if !d.optStr(&s) {
				return 16, false
			}
			var err error
			ai.Status, err = NormalizeActionStatus(s)
			return 16, err == nil
		case "due":
			return 32, d.date(&ai.Due)
		case "completed":
			var ok bool
			ai.Completed, ok = d.instant(false)
			return 64, ok
		}
		return 0, false
	})
	return ai, ok
}

// date reads a due date (ParseDate) or null.
func (d *fastDecoder) date(dst **Date) bool {
	var t time.Time
	var err error
	switch c := d.next(); {
	case c == 'n':
		return d.literal("null")
	case c == '"':
		s, ok := d.str()
		if !ok {
			return false
		}
		t, err = parseDateString(s, d.loc)
	case isNumberStart(c):
		n, ok := d.numberStr()
		if !ok {
			return false
		}
		t, err = ParseDate(json.Number(n), d.loc)
	default:
		return false
	}
	if err != nil {
		return false
	}
	*dst = &Date{t}
	return true
}

func (d *fastDecoder) detectionRules(c *Case) bool {
	if d.null() {
		return true
	}
	if !d.open('[') {
		return false
	}
	for first := true; ; first = false {
		done, ok := d.element(first)
		if !ok {
			return false
		}
		if done {
			return true
		}
		r, ok := d.detectionRule()
		if !ok || r.ID == "" {
			return false
		}
		c.DetectionRules = append(c.DetectionRules, r)
	}
}

func (d *fastDecoder) detectionRule() (DetectionRule, bool) {
	var r DetectionRule
	ok := d.object(func(key []byte) (uint32, bool) {
		switch string(key) {
		case "id":
			return 1, d.optStr(&r.ID)
		case "title":
			return 2, d.optStr(&r.Title)
		case "techniques":
			var ids []string
			if !d.strList(&ids) {
				return 4, false
			}
			var ok bool
			r.Techniques, ok = addTechniques(r.Techniques, ids)
			return 4, ok
		case "status":
			return 8, d.vocab(&r.Status, NormalizeRuleStatus)
		case "sigma_id":
			return 16, d.vocab(&r.SigmaID, NormalizeSigmaID)
		}
		return 0, false
	})
	return r, ok
}
