package bench

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pirhq/pir/ingest"
	"github.com/pirhq/pir/sample"
	pirsql "github.com/pirhq/pir/sql"
)

// benchCases is the size of the Go ingest benchmark: big enough that fixed
// costs (opening, migrations) are small, small enough for a quick run. The
// 10 k / 100 k / 1 M whole-process figures come from scripts/bench.sh.
const benchCases = 20000

func sampleFile(b *testing.B) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "cases.jsonl")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	o := sample.ExampleOptions()
	o.Cases = benchCases
	if err := sample.Generate(f, o); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkIngest loads the same file into a fresh database with `pir
// ingest`'s loader, the bare load and the read_json baseline, in the same
// run; compare the cases/s of the sub-benchmarks.
func BenchmarkIngest(b *testing.B) {
	path := sampleFile(b)
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	fresh := func(b *testing.B) *pirsql.DB {
		b.Helper()
		db, err := pirsql.Open(ctx, filepath.Join(b.TempDir(), "pir.duckdb"), pirsql.Options{})
		if err != nil {
			b.Fatal(err)
		}
		return db
	}
	run := func(b *testing.B, load func(db *pirsql.DB) error) {
		b.SetBytes(st.Size())
		var elapsed time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			db := fresh(b)
			b.StartTimer()
			t0 := time.Now()
			if err := load(db); err != nil {
				b.Fatal(err)
			}
			elapsed += time.Since(t0)
			b.StopTimer()
			db.Close()
			b.StartTimer()
		}
		b.ReportMetric(float64(benchCases)*float64(b.N)/elapsed.Seconds(), "cases/s")
	}
	b.Run("Pir", func(b *testing.B) {
		run(b, func(db *pirsql.DB) error {
			sum, err := ingest.Load(ctx, db, []ingest.Input{{Path: path, Format: "auto"}}, ingest.Options{})
			if err == nil && sum.Inserted != benchCases {
				b.Fatalf("inserted %d, want %d", sum.Inserted, benchCases)
			}
			return err
		})
	})
	b.Run("Bare", func(b *testing.B) {
		run(b, func(db *pirsql.DB) error {
			n, err := LoadBare(ctx, db, path)
			if err == nil && n != benchCases {
				b.Fatalf("loaded %d, want %d", n, benchCases)
			}
			return err
		})
	})
	b.Run("ReadJSON", func(b *testing.B) {
		run(b, func(db *pirsql.DB) error {
			n, err := LoadReadJSON(ctx, db, path)
			if err == nil && n != benchCases {
				b.Fatalf("loaded %d, want %d", n, benchCases)
			}
			return err
		})
	})
}

// TestReadJSONBaseline checks that the baselines load what pir ingest
// loads: the read_json baseline the same tables with the same counts, the
// bare load every field with the same counts, so the comparisons are like
// for like.
func TestReadJSONBaseline(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "cases.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := sample.Generate(f, sample.ExampleOptions()); err != nil {
		t.Fatal(err)
	}
	f.Close()
	counts := func(db *pirsql.DB) map[string]int64 {
		m := map[string]int64{}
		for _, tbl := range []string{"store.cases", "store.case_techniques", "store.action_items", "store.detection_rules", "store.playbook_updates"} {
			var n int64
			if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+tbl).Scan(&n); err != nil {
				t.Fatal(err)
			}
			m[tbl] = n
		}
		var closed int64
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM cases WHERE status = 'closed' AND contained_at IS NOT NULL").Scan(&closed); err != nil {
			t.Fatal(err)
		}
		m["closed with containment"] = closed
		for name, q := range map[string]string{
			"lessons":               "SELECT count(*) FROM lessons",
			"lessons with a theme":  "SELECT count(theme) FROM lessons",
			"assets":                "SELECT count(*) FROM case_assets",
			"platforms":             "SELECT count(*) FROM case_platforms",
			"impact":                "SELECT count(*) FROM case_impact",
			"reviews":               "SELECT count(*) FROM case_reviews",
			"rules with a Sigma id": "SELECT count(sigma_id) FROM detection_rules",
		} {
			var n int64
			if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			m[name] = n
		}
		return m
	}
	a, err := pirsql.Open(ctx, filepath.Join(dir, "a.duckdb"), pirsql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := ingest.Load(ctx, a, []ingest.Input{{Path: path, Format: "auto"}}, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	b, err := pirsql.Open(ctx, filepath.Join(dir, "b.duckdb"), pirsql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := LoadReadJSON(ctx, b, path); err != nil {
		t.Fatal(err)
	}
	ca, cb := counts(a), counts(b)
	for k, v := range ca {
		if cb[k] != v {
			t.Errorf("%s: baseline has %d rows, pir ingest %d", k, cb[k], v)
		}
	}

	// The bare load reads every field into its own tables: the same number
	// of cases and child rows as pir stores (techniques before pir makes
	// them unique, so at least as many).
	c, err := pirsql.Open(ctx, filepath.Join(dir, "c.duckdb"), pirsql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := LoadBare(ctx, c, path); err != nil {
		t.Fatal(err)
	}
	bare := map[string]int64{}
	for _, tbl := range []string{"cases", "case_techniques", "action_items", "detection_rules", "playbook_updates", "root_cause_whys"} {
		var n int64
		if err := c.QueryRowContext(ctx, "SELECT count(*) FROM bare."+tbl).Scan(&n); err != nil {
			t.Fatal(err)
		}
		bare[tbl] = n
	}
	var whys, impact, reviews int64
	a.QueryRowContext(ctx, "SELECT coalesce(sum(len(root_cause_whys)), 0) FROM cases").Scan(&whys)
	c.QueryRowContext(ctx, "SELECT count(*) FILTER (WHERE impact_records IS NOT NULL OR impact_cost IS NOT NULL OR impact_currency IS NOT NULL OR impact_downtime_hours IS NOT NULL OR regulator_notified IS NOT NULL OR customers_notified IS NOT NULL), count(review_status) FROM bare.cases").Scan(&impact, &reviews)
	for name, pair := range map[string][2]int64{
		"cases":            {bare["cases"], ca["store.cases"]},
		"action items":     {bare["action_items"], ca["store.action_items"]},
		"detection rules":  {bare["detection_rules"], ca["store.detection_rules"]},
		"playbook updates": {bare["playbook_updates"], ca["store.playbook_updates"]},
		"whys":             {bare["root_cause_whys"], whys},
		"impact":           {impact, ca["impact"]},
		"reviews":          {reviews, ca["reviews"]},
	} {
		if pair[0] != pair[1] {
			t.Errorf("%s: bare load has %d, pir ingest %d", name, pair[0], pair[1])
		}
	}
	if bare["case_techniques"] < ca["store.case_techniques"] {
		t.Errorf("techniques: bare load has %d, pir ingest %d", bare["case_techniques"], ca["store.case_techniques"])
	}
}
