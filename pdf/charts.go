package pdf

import (
	"errors"
	"sync"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/charts"
)

// Charts are drawn at pxPerMM pixels per millimetre (about 200 dpi, sharp in
// print and on a phone) and laid out as if at layoutPxPerMM, which sets the
// text in them to about 7 pt, the size of the table text around them.
const (
	pxPerMM       = 8.0
	layoutPxPerMM = 3.8
)

// Chart sizes on the page, millimetres.
const (
	tileW    = 86.0
	tileGap  = contentW - 2*tileW
	tileH    = 46.0
	wideH    = 76.0
	actionsH = 62.0
	halfH    = 78.0
)

// chart is one rendered chart; png is nil when there was nothing to draw.
type chart struct {
	png []byte
	w   float64
	h   float64
}

// chartSet holds every chart of the report, drawn up front (in parallel:
// each is independent and CPU-bound).
type chartSet struct {
	trends     []chart // aligned with Report.Metrics
	volume     chart
	rootCauses chart
	techniques chart
	tactics    chart
	actions    chart
}

func pngSize(w, h float64) charts.PNGOptions {
	return charts.PNGOptions{
		Width:  int(w * pxPerMM),
		Height: int(h * pxPerMM),
		Scale:  pxPerMM / layoutPxPerMM,
	}
}

func renderCharts(r *analytics.Report) (*chartSet, error) {
	cs := &chartSet{trends: make([]chart, len(r.Metrics))}
	type job struct {
		dst  *chart
		w, h float64
		draw func(charts.PNGOptions) ([]byte, error)
	}
	var jobs []job
	for i, s := range r.Metrics {
		jobs = append(jobs, job{&cs.trends[i], tileW, tileH, func(o charts.PNGOptions) ([]byte, error) {
			o.Reference = charts.YardstickReference(r, s.Metric)
			return charts.TrendPNG(s, r.Quarters, o)
		}})
	}
	jobs = append(jobs,
		job{&cs.volume, tileW, tileH, func(o charts.PNGOptions) ([]byte, error) { return charts.VolumePNG(r, o) }},
		job{&cs.rootCauses, contentW, wideH, func(o charts.PNGOptions) ([]byte, error) { return charts.RootCausesPNG(r, o) }},
		job{&cs.techniques, tileW, halfH, func(o charts.PNGOptions) ([]byte, error) { return charts.TechniquesPNG(r, 10, o) }},
		job{&cs.tactics, tileW, halfH, func(o charts.PNGOptions) ([]byte, error) { return charts.TacticsPNG(r, o) }},
		job{&cs.actions, contentW, actionsH, func(o charts.PNGOptions) ([]byte, error) { return charts.ActionItemsPNG(r, o) }},
	)
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			b, err := j.draw(pngSize(j.w, j.h))
			if errors.Is(err, charts.ErrNoData) {
				err = nil
			}
			*j.dst = chart{png: b, w: j.w, h: j.h}
			errs[i] = err
		}()
	}
	wg.Wait()
	return cs, errors.Join(errs...)
}
