package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// hostileDir is the checked-in corpus of malformed inputs; the large ones
// (50 MB string, 100,000 levels of nesting) are generated per run.
const hostileDir = "../../testdata/hostile"

// hostileCase is one hostile input through `pir ingest`: the exit code, the
// messages on stderr (or stdout), and, for accepted files, what was loaded.
type hostileCase struct {
	name string
	file string // in testdata/hostile, or generated into the temp dir
	args []string
	code int
	want []string // substrings of stderr+stdout
	// check runs against the database after a successful ingest: a query
	// and its expected single value.
	query, result string
}

func TestHostileFiles(t *testing.T) {
	tmp := t.TempDir()
	gen := func(name string, write func(path string)) string {
		p := filepath.Join(tmp, name)
		write(p)
		return p
	}
	const okCase = `{"id":"H-1","timeline":{"detection":"2024-01-01T00:00:00Z"}}`
	const mib50 = 50 << 20
	bigJSONL := gen("big-string.jsonl", func(p string) {
		streamFile(t, p, okCase+"\n"+`{"id":"H-2","timeline":{"detection":"2024-01-01T00:00:00Z"},"title":"`, 'A', mib50, "\"}\n")
	})
	bigJSON := gen("big-string.json", func(p string) {
		streamFile(t, p, "["+okCase+",\n"+`{"id":"H-2","timeline":{"detection":"2024-01-01T00:00:00Z"},"title":"`, 'A', mib50, "\"}]\n")
	})
	bigCSV := gen("big-string.csv", func(p string) {
		streamFile(t, p, "id,timeline.detection,title\nH-1,2024-01-01T00:00:00Z,ok\nH-2,2024-01-01T00:00:00Z,", 'A', mib50, "\n")
	})
	deepJSONL := gen("deep.jsonl", func(p string) {
		os.WriteFile(p, []byte(`{"id":"H-1","timeline":{"detection":"2024-01-01T00:00:00Z"},"x":`+strings.Repeat("[", 100000)+strings.Repeat("]", 100000)+"}\n"), 0o644)
	})
	deepJSON := gen("deep.json", func(p string) {
		os.WriteFile(p, []byte("["+strings.Repeat(`{"a":`, 100000)+"1"+strings.Repeat("}", 100000)+"]"), 0o644)
	})
	leadingSpace := gen("leading-space.jsonl", func(p string) {
		os.WriteFile(p, []byte(strings.Repeat("\n", 70000)+okCase+"\n"), 0o644)
	})
	badFirstLine := gen("bad-first-line.jsonl", func(p string) {
		os.WriteFile(p, []byte(`{"id":"H-0",`+"\n"+okCase+"\n"+strings.Replace(okCase, "H-1", "H-2", 1)+"\n"), 0o644)
	})

	truncatedGz := gen("truncated.jsonl.gz", func(p string) {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		for i := range 20000 {
			fmt.Fprintf(zw, `{"id":"G-%d","timeline":{"detection":"2024-01-01T00:00:00Z"}}`+"\n", i)
		}
		zw.Close()
		os.WriteFile(p, buf.Bytes()[:buf.Len()/2], 0o644)
	})
	// 100 MB of NUL bytes in 100 KB: refused from the first 64 KiB.
	gzBomb := gen("bomb.jsonl.gz", func(p string) {
		f, _ := os.Create(p)
		zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
		zero := make([]byte, 1<<20)
		for range 100 {
			zw.Write(zero)
		}
		zw.Close()
		f.Close()
	})

	h := func(name string) string { return filepath.Join(hostileDir, name) }
	const nothing = "(nothing was loaded; fix the record or use --skip-invalid)"
	tests := []hostileCase{
		// Structure.
		{name: "ErrTruncatedArray", file: h("truncated-array.json"), code: 1,
			want: []string{"truncated-array.json:record 2 (line 2): invalid JSON: unexpected end of input (truncated?)", nothing}},
		{name: "ErrTruncatedLines", file: h("truncated-lines.jsonl"), code: 1,
			want: []string{"truncated-lines.jsonl:2: invalid JSON: unexpected end of input (truncated?)"}},
		{name: "TruncatedLinesSkipInvalid", file: h("truncated-lines.jsonl"), args: []string{"--skip-invalid"}, code: 0,
			want:  []string{"1 inserted", "1 rejected", "rejected: " + h("truncated-lines.jsonl") + ":2: invalid JSON"},
			query: "SELECT string_agg(record || ' ' || reason, ';') FROM store.rejects", result: "2 invalid JSON: unexpected end of input (truncated?)"},
		{name: "BadFirstLineSkipInvalidKeepsTheRest", file: badFirstLine, args: []string{"--skip-invalid"}, code: 0,
			want:  []string{"2 inserted", "1 rejected", "bad-first-line.jsonl:1: invalid JSON"},
			query: "SELECT string_agg(case_id, ',' ORDER BY case_id) FROM cases", result: "H-1,H-2"},
		{name: "ErrNotAnObject", file: h("not-an-object.jsonl"), code: 1, want: []string{"not-an-object.jsonl:2: want a JSON object, got a list"}},
		{name: "ErrLeadingWhiteSpace", file: leadingSpace, code: 1, want: []string{"leading-space.jsonl:1: more than 64 KiB of white space before the first record"}},
		{name: "ErrLeadingWhiteSpaceImporter", file: leadingSpace, args: []string{"--format", "thehive"}, code: 1, want: []string{"leading-space.jsonl:1: more than 64 KiB of white space before the first record"}},

		// Compressed input: corruption names the file and line; a
		// decompression bomb is refused from its first bytes.
		{name: "ErrTruncatedGzip", file: truncatedGz, code: 1, want: []string{"truncated.jsonl.gz: line ", "unexpected EOF"}},
		{name: "ErrGzipBomb", file: gzBomb, code: 1, want: []string{"bomb.jsonl.gz:1: NUL bytes: not a text file"}},

		// Encodings.
		{name: "UTF8BOMAccepted", file: h("bom.jsonl"), code: 0, want: []string{"1 inserted"},
			query: "SELECT string_agg(case_id, ',') FROM cases", result: "H-1"},
		{name: "UTF8BOMCSVAccepted", file: h("bom.csv"), code: 0, want: []string{"1 inserted"},
			query: "SELECT string_agg(case_id || ' ' || title, ',') FROM cases", result: "H-1 ok"},
		{name: "ErrUTF16LE", file: h("utf16le-bom.json"), code: 1, want: []string{"utf16le-bom.json:1: UTF-16 encoded file: save it as UTF-8"}},
		{name: "ErrUTF16BE", file: h("utf16be-bom.jsonl"), code: 1, want: []string{"utf16be-bom.jsonl:1: UTF-16 encoded file: save it as UTF-8"}},
		{name: "ErrUTF16NoBOM", file: h("utf16le-nobom.jsonl"), code: 1, want: []string{"utf16le-nobom.jsonl:1: NUL bytes: not a text file"}},
		{name: "ErrInvalidUTF8", file: h("invalid-utf8.jsonl"), code: 1, want: []string{"invalid-utf8.jsonl:2: invalid UTF-8 (the file must be UTF-8 encoded)"}},
		{name: "ErrInvalidUTF8CSV", file: h("invalid-utf8.csv"), code: 1, want: []string{"invalid-utf8.csv:3: title: invalid UTF-8"}},
		{name: "ErrNUL", file: h("nul.jsonl"), code: 1, want: []string{"nul.jsonl:1: NUL bytes: not a text file"}},
		{name: "ErrNULAfterSniff", file: h("nul-late.jsonl"), code: 1, want: []string{`nul-late.jsonl:901: invalid JSON: invalid character '\x00' in string literal`}},
		// A NUL in a CSV cell beyond the sniffed head is a control character:
		// removed like the others (docs/reliability.md).
		{name: "NULInCSVCellRemoved", file: h("nul-late.csv"), code: 0, want: []string{"3000 inserted"},
			query: "SELECT title FROM cases WHERE case_id = 'H-NUL'", result: "ab"},

		// Keys and types.
		{name: "DuplicateKeysLastWins", file: h("duplicate-keys.jsonl"), code: 0, want: []string{"1 inserted"},
			query: "SELECT title FROM cases", result: "second"},
		{name: "NumbersAsStrings", file: h("number-as-string.jsonl"), code: 0, want: []string{"1 inserted"},
			query: "SELECT format('{} {} {}', severity, epoch_ms(detected_at), status) FROM cases", result: "high 1704067200000 closed"},
		{name: "ErrNumberForString", file: h("string-as-number.jsonl"), code: 1, want: []string{"string-as-number.jsonl:2: title: want a string, got a number"}},
		{name: "ErrStringForBool", file: h("bool-as-string.jsonl"), code: 1, want: []string{"bool-as-string.jsonl:1: exclude_from_metrics: want true or false, got a string"}},
		{name: "ErrNaN", file: h("nan.jsonl"), code: 1, want: []string{"nan.jsonl:1: invalid JSON: invalid character 'N' looking for beginning of value"}},
		{name: "ErrNaNString", file: h("nan-string.jsonl"), code: 1, want: []string{`nan-string.jsonl:1: timeline.detection: cannot parse "NaN" as a timestamp`}},
		{name: "ErrInfinity", file: h("infinity.jsonl"), code: 1, want: []string{"infinity.jsonl:1: invalid JSON: invalid character 'I' looking for beginning of value"}},
		{name: "ErrHugeNumber", file: h("huge-number.jsonl"), code: 1, want: []string{"huge-number.jsonl:1: timeline.detection: epoch milliseconds must be a whole number, got 1e400"}},

		// Timestamps.
		{name: "ErrYear0", file: h("year0.jsonl"), code: 1, want: []string{`year0.jsonl:1: timeline.detection: implausible timestamp "0000-01-01T00:00:00Z" (outside 1970–2199)`}},
		{name: "ErrYear9999", file: h("year9999.jsonl"), code: 1, want: []string{`year9999.jsonl:1: timeline.detection: implausible timestamp "9999-12-31T23:59:59Z" (outside 1970–2199)`}},
		{name: "ErrEpochSeconds", file: h("epoch-seconds.jsonl"), code: 1, want: []string{"epoch-seconds.jsonl:1: timeline.detection: implausible epoch milliseconds 1704067200 (looks like epoch seconds: multiply by 1000)"}},
		// A naive time the --tz zone skips: accepted, shifted forward, and
		// a warning names the file, line and field.
		{name: "DSTGapWarned", file: h("dst-gap.jsonl"), args: []string{"--tz", "Europe/Berlin"}, code: 0,
			want: []string{"level=WARN", `does not exist in Europe/Berlin (the clocks went forward): read as 2024-03-31 03:30:00 CEST (+02:00)`,
				"dst-gap.jsonl line=1 field=timeline.detection", "1 inserted, 0 updated, 0 unchanged, 0 rejected, 1 warning(s) (logged)"},
			query: "SELECT strftime(detected_at AT TIME ZONE 'UTC', '%H:%M') FROM cases", result: "01:30"},
		{name: "LeapSecond", file: h("leap-second.jsonl"), code: 0, want: []string{"1 inserted"},
			query: "SELECT strftime(detected_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S.%f') || ' ' || quarter FROM cases", result: "2016-12-31 23:59:59.999999 2016-Q4"},
		{name: "ErrEpochSecondsCSV", file: h("epoch-seconds.csv"), code: 1, want: []string{"epoch-seconds.csv:2: timeline.detection: implausible epoch milliseconds 1704067200 (looks like epoch seconds"}},

		// CSV.
		{name: "ErrRaggedRow", file: h("ragged.csv"), code: 1, want: []string{"ragged.csv:3: CSV: wrong number of fields"}},
		{name: "RaggedRowSkipInvalid", file: h("ragged.csv"), args: []string{"--skip-invalid"}, code: 0, want: []string{"1 inserted", "1 rejected", "ragged.csv:3: CSV: wrong number of fields"},
			query: "SELECT string_agg(case_id, ',') FROM cases", result: "H-1"},
		{name: "ErrUnbalancedQuote", file: h("unbalanced-quotes.csv"), code: 1,
			want: []string{`unbalanced-quotes.csv:2: CSV: extraneous or missing " in quoted-field (the rest of the file was not read)`}},
		{name: "CRLFCSV", file: h("crlf.csv"), code: 0, want: []string{"2 inserted"},
			query: "SELECT string_agg(title, '|' ORDER BY case_id) FROM cases", result: "ok|two\nlines"},
		{name: "CRLFJSONLines", file: h("crlf.jsonl"), code: 0, want: []string{"2 inserted"},
			query: "SELECT string_agg(case_id, ',' ORDER BY case_id) FROM cases", result: "H-1,H-2"},

		// A file without records is an error (an export that came out
		// empty must not pass for a quiet quarter); with --allow-empty it
		// loads nothing and the run is recorded (the template already
		// holds one).
		{name: "ErrEmptyJSONLines", file: h("empty.jsonl"), code: 1, want: []string{"empty.jsonl: no records (an empty export?); nothing was loaded: pass --allow-empty"}},
		{name: "ErrEmptyCSV", file: h("empty.csv"), code: 1, want: []string{"empty.csv: no records"}},
		{name: "ErrWhiteSpaceOnly", file: h("whitespace.json"), code: 1, want: []string{"whitespace.json: no records"}},
		{name: "ErrHeaderOnlyCSV", file: h("header-only.csv"), code: 1, want: []string{"header-only.csv: no records"}},
		{name: "ErrEmptyArray", file: h("empty-array.json"), code: 1, want: []string{"empty-array.json: no records"}},
		{name: "EmptyJSONLinesAllowed", file: h("empty.jsonl"), args: []string{"--allow-empty"}, code: 0, want: []string{"0 inserted"}, query: "SELECT count(*) FROM store.ingest_runs", result: "2"},
		{name: "EmptyCSVAllowed", file: h("empty.csv"), args: []string{"--allow-empty"}, code: 0, want: []string{"0 inserted"}, query: "SELECT count(*) FROM store.ingest_runs", result: "2"},
		{name: "WhiteSpaceOnlyAllowed", file: h("whitespace.json"), args: []string{"--allow-empty"}, code: 0, want: []string{"0 inserted"}, query: "SELECT count(*) FROM store.ingest_runs", result: "2"},
		{name: "HeaderOnlyCSVAllowed", file: h("header-only.csv"), args: []string{"--allow-empty"}, code: 0, want: []string{"0 inserted"}, query: "SELECT count(*) FROM store.ingest_runs", result: "2"},
		{name: "EmptyArrayAllowed", file: h("empty-array.json"), args: []string{"--allow-empty"}, code: 0, want: []string{"0 inserted"}, query: "SELECT count(*) FROM store.ingest_runs", result: "2"},

		// Partial loads: every record loads, or the file fails naming the
		// line and byte offset.
		{name: "ErrTwoArrays", file: h("two-arrays.json"), code: 1,
			want: []string{"two-arrays.json:line 2: data after the end of the JSON array at byte offset 63", nothing}},
		{name: "ErrArrayThenLines", file: h("array-then-lines.json"), code: 1,
			want: []string{`array-then-lines.json:line 2: data after the end of the JSON array at byte offset 63: "{\"id\":\"H-2\",\"timeline\":{"`}},
		{name: "ErrTextAfterArray", file: h("text-after-array.json"), code: 1,
			want: []string{`text-after-array.json:line 5: data after the end of the JSON array at byte offset 127: "-- 2 records exported --"`}},
		{name: "ErrTextAfterArrayTheHive", file: h("text-after-array.json"), args: []string{"--format", "thehive"}, code: 1,
			want: []string{"text-after-array.json:line 5: data after the end of the JSON array at byte offset 127"}},
		{name: "CROnlyCSV", file: h("cr-only.csv"), code: 0, want: []string{"2 inserted"},
			query: "SELECT string_agg(title, '|' ORDER BY case_id) FROM cases", result: "one|two\nlines"},
		{name: "CROnlyJSONLines", file: h("cr-only.jsonl"), code: 0, want: []string{"2 inserted"},
			query: "SELECT string_agg(case_id, ',' ORDER BY case_id) FROM cases", result: "H-1,H-2"},
		{name: "PrettyObjectAfterBlankLines", file: h("pretty-after-blank-lines.json"), code: 0, want: []string{"1 inserted"},
			query: "SELECT title FROM cases", result: "pretty"},

		// Keys that differ only by case: the exact spelling wins, the same
		// on every run; several other spellings are refused.
		{name: "CaseDifferingKeysExactWins", file: h("case-differing-keys.json"), code: 0, want: []string{"format sentinel, 1 records", "1 inserted"},
			query: "SELECT format('{} {} {} {}', case_id, title, severity, detected_at AT TIME ZONE 'UTC') FROM cases", result: "7 exact high 2024-01-01 10:00:00"},
		{name: "ErrAmbiguousKeys", file: h("ambiguous-keys.csv"), code: 1,
			want: []string{`ambiguous-keys.csv:2: number: ambiguous: the record has the keys "NUMBER" and "Number", which differ only by case, and none is written "number"`}},

		// Numeric ids are written canonically: TheHive numbers 1 and 1e0
		// are one case.
		{name: "NumericIDsCanonical", file: h("thehive-number-1e0.json"), code: 0, want: []string{"format thehive, 2 records", "1 inserted", "(1 repeated ids: last kept)"},
			query: "SELECT case_id || ' ' || title FROM cases", result: "1 same case"},

		// Invisible or direction-changing characters in ids are refused:
		// two distinct ids must not look identical.
		{name: "ErrBidiInID", file: h("bidi-id.jsonl"), code: 1,
			want: []string{"bidi-id.jsonl:2: id: contains U+202E (RIGHT-TO-LEFT OVERRIDE) at byte 3, an invisible or direction-changing character", nothing}},
		{name: "ErrZeroWidthInID", file: h("zero-width-id.csv"), code: 1,
			want: []string{"zero-width-id.csv:3: id: contains U+200B (ZERO WIDTH SPACE) at byte 4"}},
		{name: "ZeroWidthInIDSkipInvalid", file: h("zero-width-id.csv"), args: []string{"--skip-invalid"}, code: 0, want: []string{"1 inserted", "1 rejected"},
			query: "SELECT string_agg(case_id, ',') FROM cases", result: "IR-1"},

		// Detection reads keys, never values: titles naming TheHive or
		// IRIS keys do not make the file TheHive or IRIS.
		{name: "TitlesDoNotSteerDetection", file: h("title-steers-format.jsonl"), code: 0, want: []string{"format pir, 2 records", "2 inserted"},
			query: "SELECT string_agg(source || ' ' || source_format, ',') FROM cases", result: "pir pir,pir pir"},

		// Size and depth, at the default limits (16 MiB, 64 levels).
		{name: "ErrHugeStringJSONLines", file: bigJSONL, code: 1, want: []string{"big-string.jsonl:2: record longer than 16777216 bytes"}},
		{name: "ErrHugeStringJSONArray", file: bigJSON, code: 1, want: []string{"big-string.json:record 2 (line 2): record longer than 16777216 bytes"}},
		{name: "ErrHugeStringCSV", file: bigCSV, code: 1, want: []string{"big-string.csv:3: CSV: record longer than 16777216 bytes"}},
		{name: "ErrDeepJSONLines", file: deepJSONL, code: 1, want: []string{"deep.jsonl:1: JSON nested 100001 levels deep (limit 64)"}},
		{name: "ErrDeepJSONArray", file: deepJSON, args: []string{"--format", "pir"}, code: 1, want: []string{"deep.json:record 1 (line 1): JSON nested more than 10000 levels deep (limit 64)"}},
		// Its keys ("a") are no format's: --format auto refuses it first.
		{name: "ErrDeepJSONArrayAuto", file: deepJSON, code: 1, want: []string{"deep.json: cannot tell the format from its content: record 1 has the keys a; expected one of: pir: id+timeline.detection"}},
	}
	tmpl := templateDB(t)
	empty := readState(t, tmpl)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "pir.duckdb")
			copyDB(t, tmpl, db)
			args := append([]string{"ingest", "--db", db}, tc.args...)
			code, stdout, stderr := runPir(t, "", append(args, tc.file)...)
			out := stderr + stdout
			if code != tc.code {
				t.Fatalf("exit got %d, want %d:\n%s", code, tc.code, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output got:\n%s\nwant it to contain %q", truncateOut(out), w)
				}
			}
			if tc.code != 0 {
				if got := readState(t, db); got != empty {
					t.Errorf("after a refused ingest the database holds %v, want it unchanged (%v)", got, empty)
				}
				return
			}
			if tc.query != "" {
				if got := queryString(t, db, tc.query); got != tc.result {
					t.Errorf("%s: got %q, want %q", tc.query, got, tc.result)
				}
			}
		})
	}
}

func truncateOut(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

// TestHostileLimits: --max-record-bytes, --max-depth and --max-files are
// enforced at the value given, not only at their defaults.
func TestHostileLimits(t *testing.T) {
	tmpl := templateDB(t)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	short := `{"id":"L-1","timeline":{"detection":"2024-01-01T00:00:00Z"}}`                                          // 62 bytes
	long := `{"id":"L-2","timeline":{"detection":"2024-01-01T00:00:00Z"},"title":"` + strings.Repeat("x", 80) + `"}` // 152 bytes
	lines := write("size.jsonl", short+"\n"+long+"\n")
	array := write("size.json", "[\n"+short+",\n"+long+"\n]\n")
	csvFile := write("size.csv", "id,timeline.detection,title\nL-1,2024-01-01T00:00:00Z,x\nL-2,2024-01-01T00:00:00Z,"+strings.Repeat("x", 200)+"\n")
	depth3 := write("depth3.jsonl", `{"id":"D-1","timeline":{"detection":"2024-01-01T00:00:00Z"},"x":[[1]]}`+"\n")
	depth4 := write("depth4.jsonl", `{"id":"D-1","timeline":{"detection":"2024-01-01T00:00:00Z"},"x":[[[1]]]}`+"\n")
	filesDir := filepath.Join(dir, "three")
	os.Mkdir(filesDir, 0o755)
	for _, n := range []string{"a", "b", "c"} {
		os.WriteFile(filepath.Join(filesDir, n+".jsonl"), []byte(strings.Replace(short, "L-1", "F-"+n, 1)+"\n"), 0o644)
	}

	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"RecordBytesJSONLinesOK", []string{"--max-record-bytes", "200", lines}, 0, "2 inserted"},
		{"ErrRecordBytesJSONLines", []string{"--max-record-bytes", "100", lines}, 1, "size.jsonl:2: record longer than 100 bytes"},
		{"RecordBytesJSONLinesSkipInvalid", []string{"--max-record-bytes", "100", "--skip-invalid", lines}, 0, "1 inserted, 0 updated, 0 unchanged, 1 rejected"},
		{"RecordBytesJSONArrayOK", []string{"--max-record-bytes", "200", array}, 0, "2 inserted"},
		{"ErrRecordBytesJSONArray", []string{"--max-record-bytes", "100", array}, 1, "size.json:record 2 (line 3): record longer than 100 bytes"},
		{"ErrRecordBytesCSV", []string{"--max-record-bytes", "100", csvFile}, 1, "size.csv:3: record longer than 100 bytes"},
		{"DepthOK", []string{"--max-depth", "3", depth3}, 0, "1 inserted"},
		{"ErrDepth", []string{"--max-depth", "3", depth4}, 1, "depth4.jsonl:1: JSON nested 4 levels deep (limit 3)"},
		{"FilesOK", []string{"--max-files", "3", filesDir}, 0, "ingested 3 file(s): 3 inserted"},
		{"ErrFiles", []string{"--max-files", "2", filesDir}, 1, "more than 2 files (raise --max-files)"},
		{"ErrFilesArguments", []string{"--max-files", "1", lines, csvFile}, 1, "more than 1 files (raise --max-files)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "pir.duckdb")
			copyDB(t, tmpl, db)
			code, stdout, stderr := runPir(t, "", append([]string{"ingest", "--db", db}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr+stdout, tc.want) {
				t.Fatalf("exit %d, want %d with %q:\n%s%s", code, tc.code, tc.want, stderr, stdout)
			}
		})
	}
}

// TestHostileSymlinkLoop: a directory containing symlink loops is walked
// without following links (no hang, no duplicates); a looping link given as
// the argument fails with the OS's reason.
func TestHostileSymlinkLoop(t *testing.T) {
	dir := t.TempDir()
	tree := filepath.Join(dir, "exports")
	sub := filepath.Join(tree, "sub")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(tree, "a.jsonl"), []byte(`{"id":"S-1","timeline":{"detection":"2024-01-01T00:00:00Z"}}`+"\n"), 0o644)
	os.WriteFile(filepath.Join(sub, "b.jsonl"), []byte(`{"id":"S-2","timeline":{"detection":"2024-01-01T00:00:00Z"}}`+"\n"), 0o644)
	for link, target := range map[string]string{
		filepath.Join(sub, "up.jsonl"):   "..",                             // a directory loop, named like a case file
		filepath.Join(sub, "up"):         tree,                             // absolute loop
		filepath.Join(tree, "self.json"): filepath.Join(tree, "self.json"), // a link to itself
		filepath.Join(tree, "b.jsonl"):   filepath.Join(sub, "b.jsonl"),    // a file link: skipped too
	} {
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(dir, "pir.duckdb")
	code, stdout, stderr := runPir(t, "", "ingest", "--db", db, tree)
	if code != 0 || !strings.Contains(stdout, "ingested 2 file(s): 2 inserted") {
		t.Fatalf("exit %d, want 0 with 2 files and 2 cases:\n%s%s", code, stderr, stdout)
	}
	t.Run("ErrLoopArgument", func(t *testing.T) {
		code, _, stderr := runPir(t, "", "ingest", "--db", db, filepath.Join(tree, "self.json"))
		if code != 1 || !strings.Contains(stderr, "self.json: too many levels of symbolic links") {
			t.Fatalf("exit %d, want 1 naming the loop:\n%s", code, stderr)
		}
	})
}

// TestHostileUnreadable: a file or directory pir may not read fails the
// ingest with the OS's reason and the path. Root reads anything, so as root
// the binary runs as nobody (uid 65534); a control run proves that setup
// can ingest a readable file, so the failure is the permission's.
func TestHostileUnreadable(t *testing.T) {
	type setup struct {
		dir  string
		runs func(t *testing.T, args ...string) (int, string)
	}
	var s setup
	if os.Geteuid() != 0 {
		s.dir = t.TempDir()
		s.runs = func(t *testing.T, args ...string) (int, string) {
			code, stdout, stderr := runPir(t, "", args...)
			return code, stderr + stdout
		}
	} else {
		const nobody = 65534
		dir, err := os.MkdirTemp("", "pir-unreadable-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		if err := os.Chown(dir, nobody, nobody); err != nil {
			t.Fatal(err)
		}
		os.Chmod(dir, 0o755)
		bin := pirBinary(t)
		s.dir = dir
		s.runs = func(t *testing.T, args ...string) (int, string) {
			cmd := exec.Command(bin, args...)
			cmd.Dir = dir
			cmd.Env = []string{"HOME=" + dir, "PATH=/usr/bin:/bin"}
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
			out, err := cmd.CombinedOutput()
			if err != nil {
				if _, ok := err.(*exec.ExitError); !ok {
					t.Skipf("cannot run pir as uid %d here (%v): the unreadable-file case is not meaningful as root without it", nobody, err)
				}
			}
			return cmd.ProcessState.ExitCode(), string(out)
		}
	}
	write := func(name string, mode os.FileMode) string {
		p := filepath.Join(s.dir, name)
		if err := os.WriteFile(p, []byte(`{"id":"U-1","timeline":{"detection":"2024-01-01T00:00:00Z"}}`+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if os.Geteuid() == 0 && mode != 0 {
			os.Chown(p, 65534, 65534) // readable by nobody
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	readable := write("readable.jsonl", 0o600)
	unreadable := write("unreadable.jsonl", 0)
	closedDir := filepath.Join(s.dir, "closed")
	os.Mkdir(closedDir, 0o755)
	os.WriteFile(filepath.Join(closedDir, "c.jsonl"), []byte("{}\n"), 0o644)
	os.Chmod(closedDir, 0)
	t.Cleanup(func() { os.Chmod(closedDir, 0o755) })
	db := filepath.Join(s.dir, "pir.duckdb")

	if code, out := s.runs(t, "ingest", "--db", db, readable); code != 0 || !strings.Contains(out, "1 inserted") {
		t.Fatalf("control: ingest of a readable file: exit %d:\n%s", code, out)
	}
	t.Run("ErrUnreadableFile", func(t *testing.T) {
		code, out := s.runs(t, "ingest", "--db", db, unreadable)
		if code != 1 || !strings.Contains(out, "unreadable.jsonl: permission denied") {
			t.Fatalf("exit %d, want 1 with the path and \"permission denied\":\n%s", code, out)
		}
	})
	t.Run("ErrUnreadableDirectory", func(t *testing.T) {
		code, out := s.runs(t, "ingest", "--db", db, s.dir)
		if code != 1 || !strings.Contains(out, "closed: permission denied") {
			t.Fatalf("exit %d, want 1 naming the directory:\n%s", code, out)
		}
	})
}
