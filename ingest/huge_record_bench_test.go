package ingest

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pirsql "github.com/pirhq/pir/sql"
)

// hugeRecords are single records of a few MB, far below the 16 MiB record
// limit, with many items of one kind: work that grows faster than the
// record (a duplicate check that scans what it has seen, per item) shows
// here as seconds instead of milliseconds. Each is one JSON line.
func hugeRecords() []struct{ name, format, line string } {
	const head = `{"id":"HUGE-1","timeline":{"detection":"2024-01-01T00:00:00Z"}`
	var keys, items, techs, procs, tags strings.Builder
	for i := range 200_000 {
		fmt.Fprintf(&keys, `,"k%06d":1`, i)
	}
	for i := range 100_000 {
		if i > 0 {
			items.WriteByte(',')
			techs.WriteByte(',')
			procs.WriteByte(',')
			tags.WriteByte(',')
		}
		fmt.Fprintf(&items, `{"id":"A%d"}`, i)
		fmt.Fprintf(&techs, `"T%04d.%03d"`, 1000+i/1000, i%1000)
		fmt.Fprintf(&procs, `{"patternId":"T%04d.%03d"}`, 1000+i/1000, i%1000)
		fmt.Fprintf(&tags, `"attack.t%04d.%03d"`, 1000+i/1000, i%1000)
	}
	return []struct{ name, format, line string }{
		{"UnknownKeys200k", "pir", head + keys.String() + "}"},
		{"ActionItems100k", "pir", head + `,"action_items":[` + items.String() + "]}"},
		{"Techniques100k", "pir", head + `,"techniques":[` + techs.String() + "]}"},
		{"TheHiveUnknownKeys200k", "thehive", `{"_type":"case","number":1,"_createdAt":1704067200000` + keys.String() + "}"},
		{"TheHiveProcedures100k", "thehive", `{"_type":"case","number":1,"procedures":[` + procs.String() + "]}"},
		{"TheHiveTags100k", "thehive", `{"_type":"case","number":1,"tags":[` + tags.String() + "]}"},
		{"ServiceNowUnknownKeys200k", "servicenow", `{"number":"SIR1","opened_at":"2024-01-01 10:00:00","short_description":"x"` + keys.String() + "}"},
		{"SentinelUnknownKeys200k", "sentinel", `{"IncidentNumber":1,"TimeGenerated":"2024-01-01T00:00:00Z"` + keys.String() + "}"},
	}
}

// BenchmarkHugeRecord parses each huge record (one per op) with its
// format's parser, as the loader does, and digests the case.
//
//	go test ./ingest -run '^$' -bench HugeRecord -benchtime 3x
func BenchmarkHugeRecord(b *testing.B) {
	fs := DefaultFormats()
	for _, r := range hugeRecords() {
		b.Run(r.name, func(b *testing.B) {
			p := &ParseContext{File: "huge.jsonl", Location: time.UTC, Now: time.Now}
			data := []byte(r.line + "\n")
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				n := 0
				err := fs[r.format].Parse(p, bytes.NewReader(data), func(rec Record) error {
					if rec.Err != nil {
						return rec.Err
					}
					_ = rec.Case.contentHash()
					n++
					return nil
				})
				if err != nil || n != 1 {
					b.Fatalf("got %d cases, err %v", n, err)
				}
			}
		})
	}
}

// BenchmarkHugeRecordLoad loads each canonical huge record into a fresh
// database: parse, stage (one row per action item or technique), merge and
// commit.
func BenchmarkHugeRecordLoad(b *testing.B) {
	for _, r := range hugeRecords() {
		if r.format != "pir" {
			continue
		}
		b.Run(r.name, func(b *testing.B) {
			dir := b.TempDir()
			in := writeFile(b, dir, "huge.jsonl", r.line+"\n")
			b.SetBytes(int64(len(r.line) + 1))
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				db, err := pirsql.Open(context.Background(), filepath.Join(dir, fmt.Sprintf("b%d.duckdb", i)), pirsql.Options{})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				sum, err := Load(context.Background(), db, []Input{{Path: in}}, Options{})
				b.StopTimer()
				db.Close()
				if err != nil || sum.Inserted != 1 {
					b.Fatalf("load: %v", err)
				}
			}
		})
	}
}
