package ingest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestNoSilentPartialLoad: a file either loads every record or fails
// naming where it went wrong. Before, each of these loaded part of the
// file (or nothing) with exit 0: the records after a JSON array's closing
// bracket were ignored, and a CR-only CSV was one header line.
func TestNoSilentPartialLoad(t *testing.T) {
	const a = `{"id":"A","timeline":{"detection":"2024-01-01T00:00:00Z"}}`
	const b = `{"id":"B","timeline":{"detection":"2024-01-02T00:00:00Z"}}`
	const c = `{"id":"C","timeline":{"detection":"2024-01-03T00:00:00Z"}}`
	const h1 = `{"_type":"case","number":1,"title":"x"}`
	const h2 = `{"_type":"case","number":2,"title":"y"}`
	for _, tc := range []struct {
		name, file, text, format string
		cases                    int    // every record loaded
		err                      string // or this error
	}{
		{name: "ErrTwoArrays", file: "two.json", text: "[" + a + "][" + b + "]", err: `two.json:line 1: data after the end of the JSON array at byte offset 60: "[{\"id\":\"B\",\"timeline\":{\"" (a file holds one JSON array, or JSON Lines; the rest of the file was not read)`},
		{name: "ErrTwoArraysLines", file: "two-lines.json", text: "[\n" + a + "\n]\n[\n" + b + "\n]\n", err: "two-lines.json:line 4: data after the end of the JSON array at byte offset 63"},
		{name: "ErrArrayThenLines", file: "mixed.json", text: "[" + a + "]\n" + b + "\n" + c + "\n", err: "mixed.json:line 2: data after the end of the JSON array at byte offset 61"},
		{name: "ErrTextAfterArray", file: "text.json", text: "[" + a + "]\n\n  -- end of export --\n", err: `text.json:line 3: data after the end of the JSON array at byte offset 64: "-- end of export --\n"`},
		{name: "ErrTextAfterArrayTheHive", file: "hive.json", format: "thehive", text: "[" + h1 + "," + h2 + "]garbage", err: `hive.json:line 1: data after the end of the JSON array at byte offset 81: "garbage"`},
		{name: "ArrayThenWhiteSpace", file: "ws.json", text: "[" + a + "," + b + "]\n \t\r\n", cases: 2},
		{name: "CROnlyCSV", file: "mac.csv", text: "id,title,timeline.detection\rA,one,2024-01-01T00:00:00Z\rB,\"two\rlines\",2024-01-02T00:00:00Z\r", cases: 2},
		{name: "CROnlyJSONLines", file: "mac.jsonl", text: a + "\r" + b + "\r" + c + "\r", cases: 3},
		{name: "CROnlyTheHive", file: "mac-hive.jsonl", format: "thehive", text: h1 + "\r" + h2, cases: 2},
		{name: "CROnlyServiceNowCSV", file: "mac-sn.csv", format: "servicenow", text: "number,opened_at,short_description\rSIR1,2024-01-01 10:00:00,x\rSIR2,2024-01-02 10:00:00,y\r", cases: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openTestDB(t)
			p := writeFile(t, t.TempDir(), tc.file, tc.text)
			format := tc.format
			if format == "" {
				format = "auto"
			}
			sum, err := Load(context.Background(), db, []Input{{Path: p, Format: format}}, Options{Now: fixedNow})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %v, want an error containing %q", err, tc.err)
				}
				if n := count(t, db, "SELECT count(*) FROM store.cases"); n != 0 {
					t.Errorf("%d cases loaded from a refused file", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if sum.Inserted != tc.cases || sum.Rejected != 0 {
				t.Fatalf("got %d inserted, %d rejected, want %d cases", sum.Inserted, sum.Rejected, tc.cases)
			}
		})
	}
	t.Run("CROnlyCellKeepsItsLineBreak", func(t *testing.T) {
		db := openTestDB(t)
		p := writeFile(t, t.TempDir(), "mac.csv", "id,title,timeline.detection\rB,\"two\rlines\",2024-01-02T00:00:00Z\r")
		if _, err := load(t, db, false, p); err != nil {
			t.Fatal(err)
		}
		var title string
		if err := db.QueryRow("SELECT title FROM store.cases").Scan(&title); err != nil || title != "two\nlines" {
			t.Errorf("got %q, %v", title, err)
		}
	})
	t.Run("TrailingDataSkipInvalid", func(t *testing.T) {
		// With --skip-invalid the first array loads and the rest is one
		// reject that says it was not read.
		db := openTestDB(t)
		p := writeFile(t, t.TempDir(), "two.json", "["+a+"]["+b+"]")
		sum, err := load(t, db, true, p)
		if err != nil || sum.Inserted != 1 || sum.Rejected != 1 || !strings.Contains(sum.Rejects[0].Reason, "the rest of the file was not read") {
			t.Fatalf("got %+v, %v", sum, err)
		}
	})
}

// TestEmptyInputIsAnError: a file without records (and a directory
// without case files) is an error unless AllowEmpty (--allow-empty,
// allow_empty in a [[source]]): an export that came out empty must not
// look like a quarter without incidents.
func TestEmptyInputIsAnError(t *testing.T) {
	dir := t.TempDir()
	emptyDir := filepath.Join(dir, "nothing")
	if err := os.Mkdir(emptyDir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, emptyDir, "README.txt", "not a case file")
	for _, tc := range []struct{ name, path, err string }{
		{"Empty", writeFile(t, dir, "empty.jsonl", ""), "empty.jsonl: no records (an empty export?); nothing was loaded: pass --allow-empty"},
		{"WhiteSpace", writeFile(t, dir, "ws.json", " \n\t\r\n"), "ws.json: no records"},
		{"EmptyArray", writeFile(t, dir, "array.json", "[ ]\n"), "array.json: no records"},
		{"HeaderOnlyCSV", writeFile(t, dir, "header.csv", "id,timeline.detection\n"), "header.csv: no records"},
		{"EmptyWrapper", writeFile(t, dir, "sentinel.json", `{"value": []}`), "sentinel.json: no records"},
		{"CROnlyHeaderOnly", writeFile(t, dir, "mac.csv", "id,timeline.detection\r"), "mac.csv: no records"},
		{"EmptyDirectory", emptyDir, "nothing: no case files (*.json, *.jsonl, *.ndjson, *.csv, *.xlsx, and .gz) in this directory; pass --allow-empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openTestDB(t)
			format := "auto"
			if tc.name == "EmptyWrapper" {
				format = "sentinel"
			}
			_, err := Load(context.Background(), db, []Input{{Path: tc.path, Format: format}}, Options{Now: fixedNow})
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("got %v, want %q", err, tc.err)
			}
			if n := count(t, db, "SELECT count(*) FROM store.ingest_runs"); n != 0 {
				t.Errorf("the refused run was recorded")
			}
			sum, err := Load(context.Background(), db, []Input{{Path: tc.path, Format: format, AllowEmpty: true}}, Options{Now: fixedNow})
			if err != nil || sum.Records != 0 {
				t.Fatalf("with AllowEmpty: got %+v, %v", sum, err)
			}
			if n := count(t, db, "SELECT count(*) FROM store.ingest_runs"); n != 1 {
				t.Errorf("with AllowEmpty the run is recorded: got %d runs", n)
			}
		})
	}
}

// TestPrettyObjectAfterBlankLines: a single pretty-printed object is read
// as one record after blank lines too (it used to be refused as a
// truncated first line), and its ref is the line it starts on.
func TestPrettyObjectAfterBlankLines(t *testing.T) {
	text := "\n\n  \n{\n  \"id\": \"P-1\",\n  \"timeline\": {\"detection\": \"2024-01-01T00:00:00Z\"},\n  \"title\": 7\n}\n"
	for _, format := range []Format{Canonical{}, TheHive{}} {
		var got []Record
		p := &ParseContext{File: "pretty.json", Location: time.UTC, Now: time.Now}
		err := format.Parse(p, strings.NewReader(text), func(r Record) error { got = append(got, r); return nil })
		if err != nil || len(got) != 1 {
			t.Fatalf("%s: got %d records, %v", format.Name(), len(got), err)
		}
		// The canonical parser refuses the number title, naming line 4:
		// proof that the object was read whole, from where it starts.
		if format.Name() == "pir" && (got[0].Err == nil || got[0].Err.Error() != "pretty.json:4: title: want a string, got a number") {
			t.Errorf("got %v", got[0].Err)
		}
	}
	p := &ParseContext{File: "pretty.json", Location: time.UTC, Now: time.Now}
	var got []Record
	ok := strings.Replace(text, `"title": 7`, `"title": "seven"`, 1)
	if err := (Canonical{}).Parse(p, strings.NewReader(ok), func(r Record) error { got = append(got, r); return nil }); err != nil || len(got) != 1 || got[0].Case == nil || got[0].Case.Title != "seven" {
		t.Fatalf("got %+v, %v", got, err)
	}
}
