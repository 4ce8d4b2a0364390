package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/charts"
	"github.com/pirhq/pir/pdf"
	pirsql "github.com/pirhq/pir/sql"
)

// The report pipeline, shared by `pir report` and `pir run`:
//
//	produceReport   settings + database -> model (buildModel) -> each output
//	                rendered in memory and staged in a publication
//	publication     the staged files of one command, renamed into place
//	                together by commit once everything else succeeded
//	                (pir run: after the email was sent)
//
// pir run may produce several reports into one publication before it
// commits; pir mail and pir review write their single file through the same
// pending files (atomic.go).

// output is one file of a report: what it is (html, pdf: the step name in
// pir run's log), its name in the output directory and how it is rendered.
type output struct {
	kind   string
	name   string
	render func(io.Writer) error
}

// reportOutputs lists the files of a report: the dashboard and the PDF, or
// one of them. Each renderer is its package's one entry point; the dashboard
// takes everything from the model, the PDF also the organisation and
// marking of the settings.
func reportOutputs(r *analytics.Report, s *settings, html, pdfToo bool) []output {
	var outs []output
	if html {
		outs = append(outs, output{kind: "html", name: "dashboard-" + r.Quarter + ".html",
			render: func(w io.Writer) error { return charts.Dashboard(w, r, charts.DashboardOptions{}) }})
	}
	if pdfToo {
		outs = append(outs, output{kind: "pdf", name: "report-" + r.Quarter + ".pdf",
			render: func(w io.Writer) error {
				return pdf.Render(w, r, pdf.Options{Organisation: s.organisation, Marking: s.marking})
			}})
	}
	return outs
}

// stepFunc runs one named step of a command: pir run logs each with its
// duration and attributes, the other commands just run it (runStep).
type stepFunc func(name string, f func() ([]any, error)) error

// runStep runs a step without logging it.
func runStep(_ string, f func() ([]any, error)) error {
	_, err := f()
	return err
}

// producedReport is one report through the pipeline: its model and its
// staged files, by kind.
type producedReport struct {
	model *analytics.Report
	files map[string][]byte
}

// produceReport builds the model for s ("metrics" step), then renders each
// selected output in memory and stages it in pub (one step per output).
// Nothing is published: the caller commits pub.
func produceReport(ctx context.Context, e *env, db *pirsql.DB, s *settings, pub *publication, html, pdfToo bool, step stepFunc) (*producedReport, error) {
	r := &producedReport{files: map[string][]byte{}}
	if err := step("metrics", func() ([]any, error) {
		var err error
		r.model, err = buildModel(ctx, e, db, s, true, outputSlices(html, pdfToo))
		if err != nil {
			return nil, err
		}
		if s.cfg.LeadershipTitles == "hide" {
			r.model = r.model.WithoutTitles()
		}
		return []any{"cases", r.model.Cases, "metrics", len(r.model.KPIs)}, nil
	}); err != nil {
		return nil, err
	}
	for _, o := range reportOutputs(r.model, s, html, pdfToo) {
		if err := step(o.kind, func() ([]any, error) {
			start := time.Now()
			var b bytes.Buffer
			if err := o.render(&b); err != nil {
				return nil, fmt.Errorf("render %s: %w", o.name, err)
			}
			e.log.Debug("rendered", "file", o.name, "bytes", b.Len(), "elapsed", time.Since(start).Round(time.Millisecond))
			path, err := pub.stage(o.name, b.Bytes())
			r.files[o.kind] = b.Bytes()
			return []any{"path", path, "bytes", b.Len()}, err
		}); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// publication is the set of files one command publishes into a directory.
// stage writes each under a temporary name there (written and synced);
// commit renames them all into place, discard removes what is staged. A
// reader never sees a half-written file, and a command that fails before
// commit leaves the previous files as they were.
type publication struct {
	dir     string
	pending []*pendingFile
	parent  *publication // sub: stage into the parent's pending files
}

// sub publishes into the folder name of p's directory, committed and
// discarded with p (pir run: one folder per client report).
func (p *publication) sub(name string) *publication {
	return &publication{dir: filepath.Join(p.dir, name), parent: p}
}

// newPublication publishes into dir, which the first stage creates if
// needed (a command that fails before creates nothing).
func newPublication(dir string) *publication {
	return &publication{dir: dir}
}

// stage writes data as name in the output directory, under a temporary
// name until commit, and returns the final path.
func (p *publication) stage(name string, data []byte) (string, error) {
	if err := os.MkdirAll(p.dir, 0o755); err != nil {
		return "", fmt.Errorf("output directory: %w", err)
	}
	f, err := newPendingFile(filepath.Join(p.dir, name))
	if err != nil {
		return "", err
	}
	if p.parent != nil {
		p.parent.pending = append(p.parent.pending, f)
	} else {
		p.pending = append(p.pending, f)
	}
	if _, err := f.Write(data); err != nil {
		return "", err
	}
	return f.path, f.sync()
}

// commit renames every staged file into place, in the order staged, and
// returns their paths.
func (p *publication) commit() ([]string, error) {
	paths := make([]string, 0, len(p.pending))
	for _, f := range p.pending {
		if err := f.commit(); err != nil {
			return paths, err
		}
		paths = append(paths, f.path)
	}
	p.pending = nil
	return paths, nil
}

// discard removes every staged file not yet committed.
func (p *publication) discard() {
	for _, f := range p.pending {
		f.discard()
	}
	p.pending = nil
}
