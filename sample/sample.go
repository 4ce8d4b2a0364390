// Package sample generates realistic synthetic incident cases in the
// canonical "pir case v1" format (JSON Lines), for demos, tests and
// benchmarks.
//
// Every case is drawn from its own random stream, seeded from the options'
// Seed and the case's index, so the output is the same bytes for the same
// options however many goroutines produce it.
package sample

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pirhq/pir/ingest"
)

// Options say what to generate.
type Options struct {
	// Cases is the number of cases (≥ 0).
	Cases int
	// Quarters is the span of detection times in calendar quarters from
	// Start (≥ 1): Start to Start + 3×Quarters months.
	Quarters int
	// Seed makes the output reproducible: the same options give the same
	// bytes.
	Seed int64
	// Start is the beginning of the span; its time zone does not matter.
	Start time.Time
	// Tenants, when given, spreads the cases over these clients (a
	// managed security provider's data); the first gets the most cases.
	// Each case is otherwise the same as without tenants.
	Tenants []string
}

// MaxCases bounds Options.Cases (the IDs have room for 99,999,999).
const MaxCases = 99_999_999

// Validate reports the first invalid option.
func (o Options) Validate() error {
	switch {
	case o.Cases < 0 || o.Cases > MaxCases:
		return fmt.Errorf("cases %d: want 0 to %d", o.Cases, MaxCases)
	case o.Quarters < 1 || o.Quarters > 400:
		return fmt.Errorf("quarters %d: want 1 to 400", o.Quarters)
	case o.Start.IsZero():
		return errors.New("start: missing")
	case len(o.Tenants) > 100:
		return fmt.Errorf("tenants: %d, want at most 100", len(o.Tenants))
	}
	seen := map[string]bool{}
	for _, t := range o.Tenants {
		switch {
		case strings.TrimSpace(t) != t || t == "":
			return fmt.Errorf("tenant %q: want a name without surrounding space", t)
		case seen[t]:
			return fmt.Errorf("tenant %q: given twice", t)
		}
		seen[t] = true
	}
	return nil
}

// ExampleOptions are the options of the committed demo data,
// examples/cases.jsonl: 400 cases over the 8 quarters 2024-Q1..2025-Q4.
func ExampleOptions() Options {
	return Options{Cases: 400, Quarters: 8, Seed: 1, Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
}

// batchSize is how many cases one worker renders at a time.
const batchSize = 256

// Generate writes o.Cases cases as JSON Lines to w, in ID order (which is
// also detection order).
func Generate(w io.Writer, o Options) error {
	if err := o.Validate(); err != nil {
		return fmt.Errorf("sample: %w", err)
	}
	workers := runtime.GOMAXPROCS(0)
	if workers > 8 {
		workers = 8
	}
	nb := (o.Cases + batchSize - 1) / batchSize
	bw := bufio.NewWriterSize(w, 1<<20)
	if workers == 1 || nb <= 1 {
		g := newGenerator(o)
		var buf []byte
		for i := 0; i < o.Cases; i++ {
			buf = g.appendCase(buf[:0], i)
			if _, err := bw.Write(buf); err != nil {
				return fmt.Errorf("sample: write: %w", err)
			}
		}
		return flush(bw)
	}

	type batch struct {
		first int
		buf   []byte
		done  chan struct{}
	}
	pool := sync.Pool{New: func() any { return make([]byte, 0, batchSize*2048) }}
	work := make(chan *batch)
	ordered := make(chan *batch, workers*2)
	quit := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := newGenerator(o)
			for b := range work {
				buf := pool.Get().([]byte)[:0]
				end := min(b.first+batchSize, o.Cases)
				for i := b.first; i < end; i++ {
					buf = g.appendCase(buf, i)
				}
				b.buf = buf
				close(b.done)
			}
		}()
	}
	go func() {
		defer close(work)
		defer close(ordered)
		for k := range nb {
			b := &batch{first: k * batchSize, done: make(chan struct{})}
			select {
			case ordered <- b:
			case <-quit:
				return
			}
			select {
			case work <- b:
			case <-quit:
				close(b.done) // never rendered; the writer has stopped
				return
			}
		}
	}()
	var werr error
	for b := range ordered {
		<-b.done
		if werr == nil {
			if _, err := bw.Write(b.buf); err != nil {
				werr = fmt.Errorf("sample: write: %w", err)
				close(quit)
			}
		}
		if b.buf != nil {
			pool.Put(b.buf[:0])
		}
	}
	wg.Wait()
	if werr != nil {
		return werr
	}
	return flush(bw)
}

func flush(bw *bufio.Writer) error {
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("sample: write: %w", err)
	}
	return nil
}

// generator draws cases; one per goroutine. Its random stream is re-seeded
// for every case.
type generator struct {
	o          Options
	pcg        *rand.PCG
	r          *rand.Rand
	start, end time.Time
	span       float64 // seconds from start to end
	seed       uint64
	idWidth    int
	zones      []zone
	scenTotal  float64
	campaigns  map[string]campaign
	// scratch
	c     ingest.Case
	sl    slots // what the title template was filled with
	nScen int   // techniques from the scenario (before data-quality noise)
	seen  map[string]bool
	tb    []byte
}

type zone struct {
	loc *time.Location
	w   float64
}

func newGenerator(o Options) *generator {
	start := o.Start.UTC()
	end := start.AddDate(0, 3*o.Quarters, 0)
	g := &generator{
		o:     o,
		pcg:   rand.NewPCG(0, 0),
		start: start,
		end:   end,
		span:  end.Sub(start).Seconds(),
		seed:  splitmix64(uint64(o.Seed)),
		zones: []zone{
			{time.UTC, 55},
			{time.FixedZone("+02:00", 2*3600), 28},
			{time.FixedZone("+01:00", 3600), 9},
			{time.FixedZone("-05:00", -5*3600), 6},
			{time.FixedZone("+05:30", 5*3600+1800), 2},
		},
		seen: map[string]bool{},
	}
	g.r = rand.New(g.pcg)
	g.campaigns = campaigns(g.seed, start, g.span)
	g.idWidth = max(5, len(fmt.Sprint(o.Cases)))
	for _, s := range scenarios {
		g.scenTotal += s.weight
	}
	return g
}

// splitmix64 is a bijective mixer, so nearby seeds and indexes give
// unrelated streams.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// growth makes case volume rise by this fraction from the first to the last
// day of the span (more telemetry, more cases).
const growth = 0.35

// detectionX maps case i to its position in [0,1) of the span: stratified,
// so IDs follow detection order, with a linearly rising density.
func (g *generator) detectionX(i int) float64 {
	f := (float64(i) + g.r.Float64()) / float64(g.o.Cases)
	// inverse CDF of density ∝ 1 + growth·x on [0,1]
	return (-1 + math.Sqrt(1+2*growth*f*(1+growth/2))) / growth
}

// lognormal draws a duration with the gap's median, scaled.
func (g *generator) lognormal(gp gap, scale float64) time.Duration {
	h := gp.median * scale * math.Exp(gp.sigma*g.r.NormFloat64())
	h = min(h, 3*365*24) // cap the tail at three years
	return time.Duration(h * float64(time.Hour)).Round(time.Second)
}

func (g *generator) chance(p float64) bool { return g.r.Float64() < p }

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func (g *generator) pickWeighted(ws []weighted) string {
	var t float64
	for _, w := range ws {
		t += w.w
	}
	x := g.r.Float64() * t
	for _, w := range ws {
		if x < w.w {
			return w.v
		}
		x -= w.w
	}
	return ws[len(ws)-1].v
}

// hardShare is the share of a scenario's incidents that take weeks to
// contain: supply-chain and insider cases most, phishing almost never.
var hardShare = map[string]float64{
	"third-party": 0.15, "insider-threat": 0.12, "web-app-exploitation": 0.08, "ransomware": 0.06,
	"account-takeover": 0.04, "malware": 0.03, "business-email-compromise": 0.03, "cloud-misconfiguration": 0.04,
	"phishing": 0.01,
}

// severityScale speeds up triage and containment of severe cases.
var severityScale = [5]float64{0.5, 0.75, 1, 1.6, 2.2}

// build fills g.c with case i.
func (g *generator) build(i int) {
	g.pcg.Seed(g.seed, splitmix64(uint64(i)))
	r := g.r
	c := &g.c
	*c = ingest.Case{Source: "pir"}
	g.sl = slots{}

	x := g.detectionX(i) // progress through the span, 0..1
	detUTC := g.start.Add(time.Duration(x * g.span * float64(time.Second))).Truncate(time.Second)
	zw := r.Float64() * 100
	loc := g.zones[len(g.zones)-1].loc
	for _, z := range g.zones {
		if zw < z.w {
			loc = z.loc
			break
		}
		zw -= z.w
	}
	det := detUTC.In(loc)

	// scenario
	sx := r.Float64() * g.scenTotal
	si := len(scenarios) - 1
	for k := range scenarios {
		if sx < scenarios[k].weight {
			si = k
			break
		}
		sx -= scenarios[k].weight
	}
	s := &scenarios[si]
	c.Category = s.category

	var sw float64
	for _, w := range s.severity {
		sw += w
	}
	sevIdx := 4
	vx := r.Float64() * sw
	for k, w := range s.severity {
		if vx < w {
			sevIdx = k
			break
		}
		vx -= w
	}
	c.Severity = severityNames[sevIdx]
	if g.chance(0.02) { // some case managers capitalise; the format is case-insensitive
		c.Severity = string(c.Severity[0]-'a'+'A') + c.Severity[1:]
	}

	c.ID = g.caseID(i)
	kind := r.Float64()
	exercise := kind < 0.025
	falsePositive := !exercise && kind < 0.045
	title := pick(r, s.titles)
	c.Title = g.expand(title.text)
	switch {
	case exercise:
		c.Title = fmt.Sprintf(pick(r, exerciseTitles), s.label)
		c.Excluded = true
		c.Tags = append(c.Tags, "exercise")
	case falsePositive:
		c.Title = "False positive: " + c.Title
		c.Excluded = true
		c.Tags = append(c.Tags, "false-positive")
	}

	// Milestones. Improvement over the span: triage and containment get
	// faster (the SOC's investments pay off), dwell shrinks a little.
	sevScale := severityScale[sevIdx]
	trend := 1 - 0.55*x
	dwellTrend := 1 - 0.4*x
	later := 1 - 0.2*x
	tl := &c.Timeline
	if !falsePositive && g.chance(s.pCompromise) {
		t := det.Add(-g.lognormal(s.gaps[0], dwellTrend))
		tl.Compromise = &t
	}
	tl.Detection = &det
	cur := det
	set := func(p **time.Time, d time.Duration) {
		t := cur.Add(d)
		if t.After(g.end) {
			return
		}
		*p = &t
		cur = t
	}
	if falsePositive {
		if g.chance(0.9) {
			set(&tl.Triage, g.lognormal(s.gaps[1], sevScale*trend))
		}
		set(&tl.Closure, g.lognormal(gap{24, 1.0}, 1))
	} else {
		stale := g.chance(0.025) // never closed: the review stalled
		// A few incidents are hard: a persistent actor, a spreading
		// infection; containment takes weeks, not hours. In the newest
		// weeks they are still open, which is why open cases matter.
		hard := g.chance(hardShare[s.category])
		slow := 1.0
		if hard {
			slow = 3
		}
		if g.chance(0.92) {
			set(&tl.Triage, g.lognormal(s.gaps[1], sevScale*trend))
		}
		if hard {
			set(&tl.Containment, g.lognormal(gap{25 * 24, 0.6}, 1))
		} else {
			set(&tl.Containment, g.lognormal(s.gaps[2], sevScale*trend))
		}
		if tl.Containment != nil && !g.chance(s.pNoEradication) {
			set(&tl.Eradication, g.lognormal(s.gaps[3], later*slow))
		}
		if tl.Containment != nil && !stale {
			set(&tl.Recovery, g.lognormal(s.gaps[4], later*slow))
		}
		if tl.Recovery != nil {
			set(&tl.Closure, g.lognormal(s.gaps[5], later))
		}
	}
	if !exercise && !falsePositive && g.chance(0.012) {
		g.disorder(tl)
	}
	c.Status = "open"
	if tl.Closure != nil {
		c.Status = "closed"
	}

	g.techniquesFor(s, exercise || falsePositive)
	g.tagsFor(s, sevIdx, det)
	g.platformsFor(s, title)
	g.assetsFor(s, g.sl)
	c.DetectionSource = g.detectionSourceFor(s, title, exercise || falsePositive)
	if g.chance(0.92) {
		c.Team = g.pickWeighted(s.teams)
	}
	if g.chance(0.88) {
		c.BusinessUnit = g.businessUnitFor(s)
	}

	if !falsePositive {
		rc := g.rootCauseFor(s, det)
		k := rootCauses[rc]
		c.RootCause = ingest.RootCause{Category: rc, Summary: pick(r, k.summaries), Whys: g.whysFor(k)}
		if !exercise || g.chance(0.5) {
			g.actionsFor(k, sevIdx, det, x)
			g.settle(det, rc, exercise)
		}
		g.lessonsFor(s, tl.Closure != nil, x)
		if len(s.ruleTitles) > 0 && g.nScen > 0 && g.chance(0.25+0.25*x) {
			g.rulesFor(s, det)
		}
	}
	g.reviewFor(sevIdx, tl, falsePositive, exercise, x)
	g.playbooksFor(s, sevIdx)
	g.impactFor(s, sevIdx, exercise || falsePositive)
	c.Tenant = g.tenantFor(i)
}

// caseID is IR-00042; the index is unique, so the key is.
func (g *generator) caseID(i int) string {
	b := g.tb[:0]
	b = append(b, "IR-"...)
	n := fmt.Appendf(nil, "%0*d", g.idWidth, i+1)
	b = append(b, n...)
	g.tb = b
	return string(b)
}

// disorder makes one of the mistakes seen in hand-kept timelines.
func (g *generator) disorder(tl *ingest.Timeline) {
	det := *tl.Detection
	switch g.r.IntN(3) {
	case 0: // triage typed in the wrong time zone: before detection
		t := det.Add(-time.Duration(1+g.r.IntN(5)) * time.Hour)
		tl.Triage = &t
	case 1: // containment before triage: entered from memory
		if tl.Triage != nil && tl.Containment != nil {
			t := tl.Triage.Add(-time.Duration(10+g.r.IntN(120)) * time.Minute)
			tl.Containment = &t
		} else {
			t := det.Add(-30 * time.Minute)
			tl.Triage = &t
		}
	default: // closure year typo: a year before detection
		if tl.Closure != nil {
			t := tl.Closure.AddDate(-1, 0, 0)
			tl.Closure = &t
		} else {
			t := det.AddDate(0, 0, -2)
			tl.Containment = &t
		}
	}
}

func (g *generator) techniquesFor(s *scenario, notReal bool) {
	c := &g.c
	clear(g.seen)
	g.nScen = 0
	add := func(id string) {
		if !g.seen[id] {
			g.seen[id] = true
			c.Techniques = append(c.Techniques, id)
		}
	}
	p := 1.0
	if notReal {
		p = 0.3
	}
	if !g.chance(p) {
		return
	}
	for _, t := range s.techniques {
		if g.chance(t.p) {
			add(t.id)
		}
	}
	if len(c.Techniques) == 0 && s.techniques[0].p > 0.2 {
		add(s.techniques[0].id)
	}
	g.nScen = len(c.Techniques)
	switch x := g.r.Float64(); {
	case x < 0.012:
		add(pick(g.r, revokedIDs))
	case x < 0.020:
		add(pick(g.r, unknownIDs))
	case x < 0.035 && len(c.Techniques) > 0:
		// lower-case input is valid (stored upper-case)
		k := g.r.IntN(len(c.Techniques))
		id := []byte(c.Techniques[k])
		id[0] = 't'
		c.Techniques[k] = string(id)
	}
}

func (g *generator) tagsFor(s *scenario, sev int, det time.Time) {
	c := &g.c
	n := 1 + g.r.IntN(3)
	off := g.r.IntN(len(s.tags))
	for k := range n {
		c.Tags = append(c.Tags, s.tags[(off+k)%len(s.tags)])
	}
	if sev == 0 && g.chance(0.6) {
		c.Tags = append(c.Tags, "major-incident")
	}
	if h := det.Hour(); (h < 7 || h >= 19) && g.chance(0.5) {
		c.Tags = append(c.Tags, "after-hours")
	}
	if sev <= 1 && g.chance(0.2) {
		c.Tags = append(c.Tags, "gdpr-notifiable")
	}
	// A tag may repeat (e.g. two tags picked that already were added);
	// keep the first of each.
	out := c.Tags[:0]
	for k, t := range c.Tags {
		dup := false
		for _, u := range c.Tags[:k] {
			if u == t {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, t)
		}
	}
	c.Tags = out
}

var priorities = []weighted{{"critical", 5}, {"high", 35}, {"medium", 45}, {"low", 15}}

// dueDays is the time allowed per priority.
var dueDays = map[string]int{"critical": 7, "high": 30, "medium": 60, "low": 90}

func (g *generator) actionsFor(k rootCause, sev int, det time.Time, x float64) {
	r := g.r
	c := &g.c
	n := 1 + r.IntN(3) + (4-sev)/2
	if sev >= 3 {
		n = r.IntN(3)
	}
	pool := len(k.actions) + len(generalActions)
	n = min(n, pool)
	used := uint64(0)
	for j := range n {
		var a [2]string
		for {
			q := r.IntN(pool)
			if used&(1<<q) != 0 {
				continue
			}
			used |= 1 << q
			if q < len(k.actions) {
				a = k.actions[q]
			} else {
				a = generalActions[q-len(k.actions)]
			}
			break
		}
		owner := a[1]
		switch y := r.Float64(); {
		case y < 0.2:
			owner = pick(r, people)
		case y < 0.3:
			owner = pick(r, roleOwners)
		}
		prio := g.pickWeighted(priorities)
		dueT := det.AddDate(0, 0, dueDays[prio]+r.IntN(15))
		due := &ingest.Date{Time: time.Date(dueT.Year(), dueT.Month(), dueT.Day(), 0, 0, 0, 0, time.UTC)}
		it := ingest.ActionItem{ID: fmt.Sprintf("AI-%d", j+1), Summary: a[0], Owner: owner, Priority: prio, Due: due}
		// Follow-through improves over the span. A couple of overloaded
		// owners leave their urgent items open; everyone else rarely
		// abandons a high-priority item.
		abandon := 0.12
		switch {
		case slowOwners[owner] && (prio == "critical" || prio == "high"):
			abandon = 0.55
		case prio == "critical" || prio == "high":
			abandon = 0.02
		}
		switch {
		case g.chance(0.04):
			it.Status = "wont-do"
		case g.chance(abandon): // abandoned: never done
			it.Status = "open"
		default:
			var done time.Time
			if g.chance(0.5 + 0.35*x) {
				window := dueT.Sub(det)
				done = det.Add(time.Duration(r.Float64()*float64(window)) + time.Hour)
			} else {
				done = dueT.Add(g.lognormal(gap{20 * 24, 1.0}, 1))
			}
			done = done.Truncate(time.Minute)
			if done.After(g.end) {
				it.Status = "open"
				if g.chance(0.4) {
					it.Status = "in-progress"
				}
			} else {
				it.Status = "done"
				it.Completed = &done
			}
		}
		c.ActionItems = append(c.ActionItems, it)
	}
}

func (g *generator) lessonsFor(s *scenario, closed bool, x float64) {
	if !closed && g.chance(0.7) {
		return // the review has not happened yet
	}
	r := g.r
	l := &g.c.Lessons
	l.WentWell = append(l.WentWell, pick(r, s.wentWell))
	if g.chance(0.5) {
		l.WentWell = append(l.WentWell, pick(r, generalWentWell))
	}
	var themes []string
	themed := false
	add := func(text string) {
		text, th := g.lesson(text, x)
		if text == "" || slices.Contains(l.NeedsImprovement, text) {
			return
		}
		l.NeedsImprovement = append(l.NeedsImprovement, text)
		themes = append(themes, th)
		themed = themed || th != ""
	}
	add(pick(r, s.needsWork))
	if g.chance(0.6) {
		add(pick(r, generalNeedsWork))
	}
	if g.chance(0.03) {
		add(pick(r, blameLessons))
	}
	if themed {
		l.NeedsImprovementThemes = themes
	}
}

// rulesFor records the detection rules the review asked for: a SigmaHQ
// rule already in the repository (by its real id and title) when one fits
// a technique and platform of the case, a Sigma rule written in house (an
// id no public repository has), or a rule in the SIEM's own language (no
// Sigma id, matched by title).
func (g *generator) rulesFor(s *scenario, det time.Time) {
	r := g.r
	c := &g.c
	n := 1 + r.IntN(2)
	for range n {
		t := c.Techniques[r.IntN(g.nScen)]
		if t[0] == 't' {
			t = "T" + t[1:]
		}
		var rule ingest.DetectionRule
		if sr, ok := g.sigmaRuleFor(t); ok && g.chance(0.7) {
			rule = ingest.DetectionRule{ID: sr.id, Title: sr.title, Techniques: slices.Clone(sr.techniques), SigmaID: sr.id}
		} else if g.chance(0.5) {
			id := g.uuid()
			rule = ingest.DetectionRule{ID: id, Title: pick(r, s.ruleTitles), Techniques: []string{t}, SigmaID: id}
		} else {
			rule = ingest.DetectionRule{ID: fmt.Sprintf("DET-%04d", 1+r.IntN(9999)), Title: pick(r, s.ruleTitles), Techniques: []string{t}}
		}
		if slices.ContainsFunc(c.DetectionRules, func(x ingest.DetectionRule) bool { return x.ID == rule.ID }) {
			continue
		}
		rule.Status = g.ruleStatusFor(det)
		c.DetectionRules = append(c.DetectionRules, rule)
	}
}

// sigmaRuleFor is a bundled SigmaHQ rule for technique t whose log source
// fits one of the case's platforms.
func (g *generator) sigmaRuleFor(t string) (sigmaRule, bool) {
	for _, sr := range sigmaRules[t] {
		if sr.platform == "" || g.hasPlatform(sr.platform) {
			return sr, true
		}
	}
	return sigmaRule{}, false
}

// uuid is a random version-4 UUID, the form Sigma rule IDs take.
func (g *generator) uuid() string {
	var b [16]byte
	hi, lo := g.r.Uint64(), g.r.Uint64()
	for k := range 8 {
		b[k] = byte(hi >> (8 * k))
		b[8+k] = byte(lo >> (8 * k))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const hx = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for k, v := range b {
		if k == 4 || k == 6 || k == 8 || k == 10 {
			out = append(out, '-')
		}
		out = append(out, hx[v>>4], hx[v&0xf])
	}
	return string(out)
}

// expand fills {slot}s in a title template.
func (g *generator) expand(t string) string {
	r := g.r
	b := g.tb[:0]
	for k := 0; k < len(t); k++ {
		if t[k] != '{' {
			b = append(b, t[k])
			continue
		}
		e := k + 1
		for e < len(t) && t[e] != '}' {
			e++
		}
		switch t[k+1 : e] {
		case "person":
			g.sl.person = pick(r, people)
			b = append(b, g.sl.person...)
		case "dept":
			b = append(b, pick(r, departments)...)
		case "site":
			g.sl.site = pick(r, sites)
			b = append(b, g.sl.site...)
		case "app":
			g.sl.app = pick(r, apps)
			b = append(b, g.sl.app...)
		case "vendor":
			g.sl.vendor = pick(r, vendors)
			b = append(b, g.sl.vendor...)
		case "country":
			b = append(b, pick(r, countries)...)
		case "bucket":
			g.sl.bucket = pick(r, buckets)
			b = append(b, g.sl.bucket...)
		case "host":
			g.sl.host = g.hostName(pick(r, hostPrefix))
			b = append(b, g.sl.host...)
		case "n":
			b = fmt.Appendf(b, "%d", 2+int(math.Exp(2.5+r.NormFloat64())))
		default:
			b = append(b, t[k:e+1]...)
		}
		k = e
	}
	g.tb = b
	return string(b)
}
