package ingest

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestHugeRecords: the records of BenchmarkHugeRecord (200,000 unknown keys,
// 100,000 action items or techniques in one 3-4 MB record) load whole: every
// key, item and technique is there once. How long they take is measured by
// BenchmarkHugeRecord (before the linear duplicate checks: 13-57 s each;
// after: well under a second), not asserted here.
func TestHugeRecords(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 3-4 MB records")
	}
	fs := DefaultFormats()
	for _, r := range hugeRecords() {
		t.Run(r.name, func(t *testing.T) {
			p := &ParseContext{File: "huge.jsonl", Location: time.UTC, Now: time.Now}
			var got []*Case
			err := fs[r.format].Parse(p, strings.NewReader(r.line+"\n"), func(rec Record) error {
				if rec.Err != nil {
					return rec.Err
				}
				got = append(got, rec.Case)
				return nil
			})
			if err != nil || len(got) != 1 {
				t.Fatalf("got %d cases, err %v", len(got), err)
			}
			c := got[0]
			switch r.name {
			case "UnknownKeys200k":
				if n := bytes.Count(c.Extra, []byte(`"k`)); n != 200_000 {
					t.Errorf("extra holds %d of the 200000 unknown keys", n)
				}
			case "ActionItems100k":
				if len(c.ActionItems) != 100_000 || c.ActionItems[99_999].ID != "A99999" {
					t.Errorf("got %d action items", len(c.ActionItems))
				}
			case "Techniques100k", "TheHiveProcedures100k", "TheHiveTags100k":
				if len(c.Techniques) != 100_000 || c.Techniques[0] != "T1000.000" || c.Techniques[99_999] != "T1099.999" {
					t.Errorf("got %d techniques", len(c.Techniques))
				}
			}
		})
	}
}

// TestManyItemsStillDeduplicated: past the size where a scan gives way to a
// set, a repeated technique still counts once (in first-seen order), a
// repeated action-item id is still refused, and a repeated unknown key is
// still "the last value wins", on the fast and the generic path alike.
func TestManyItemsStillDeduplicated(t *testing.T) {
	const head = `{"id":"D-1","timeline":{"detection":"2024-01-01T00:00:00Z"}`
	var techs, items, keys []string
	for i := range 40 {
		techs = append(techs, fmt.Sprintf(`"t%04d"`, 1000+i%30)) // 30 distinct, lower case
		items = append(items, fmt.Sprintf(`{"id":"A%d"}`, i))
		keys = append(keys, fmt.Sprintf(`"k%02d":%d`, i, i))
	}
	p := &ParseContext{File: "many.jsonl", Location: time.UTC, Now: time.Now}
	lim := p.Limits.WithDefaults()
	decodeBoth := func(t *testing.T, line string) (fast *Case, fastOK bool, generic Record) {
		fast, fastOK = fastCanonical(p, []byte(line), lim)
		return fast, fastOK, decodeRaw(p, []byte(line), "1", lim, decodeCanonical)
	}

	t.Run("Techniques", func(t *testing.T) {
		fast, ok, gen := decodeBoth(t, head+`,"techniques":[`+strings.Join(techs, ",")+`]}`)
		if !ok || gen.Err != nil {
			t.Fatalf("fast ok %v, generic %v", ok, gen.Err)
		}
		var want []string
		for i := range 30 {
			want = append(want, fmt.Sprintf("T%04d", 1000+i))
		}
		for _, c := range []*Case{fast, gen.Case} {
			if !slices.Equal(c.Techniques, want) {
				t.Errorf("got %v, want %v", c.Techniques, want)
			}
		}
	})
	t.Run("ErrDuplicateActionItem", func(t *testing.T) {
		dup := append(slices.Clone(items), `{"id":"A7"}`)
		_, ok, gen := decodeBoth(t, head+`,"action_items":[`+strings.Join(dup, ",")+`]}`)
		if ok {
			t.Error("fast path accepted a repeated action-item id")
		}
		if gen.Err == nil || !strings.Contains(gen.Err.Error(), `action_items[40].id: duplicate action-item id "A7"`) {
			t.Errorf("generic path: got %v", gen.Err)
		}
	})
	t.Run("DuplicateUnknownKeyLastWins", func(t *testing.T) {
		dup := append(slices.Clone(keys), `"k03":"last"`)
		_, ok, gen := decodeBoth(t, head+","+strings.Join(dup, ",")+"}")
		if ok {
			t.Error("fast path accepted a repeated unknown key (the generic path decides)")
		}
		if gen.Err != nil || !bytes.Contains(gen.Case.Extra, []byte(`"k03":"last"`)) || bytes.Count(gen.Case.Extra, []byte(`"k`)) != 40 {
			t.Errorf("generic path: got %s, %v", gen.Case.Extra, gen.Err)
		}
	})
}

func TestAppendUnique(t *testing.T) {
	for _, tc := range []struct{ list, add, want []string }{
		{nil, nil, nil},
		{[]string{"a"}, []string{"b", "a", "b"}, []string{"a", "b"}},
		{nil, strings.Split("a b c d e f g h i j k l m n o p q r s a b c", " "), strings.Split("a b c d e f g h i j k l m n o p q r s", " ")},
		{strings.Split("a b c d e f g h i j k l m n o p q", " "), []string{"q", "z", "a", "z"}, strings.Split("a b c d e f g h i j k l m n o p q z", " ")},
	} {
		if got := appendUnique(slices.Clone(tc.list), tc.add...); !slices.Equal(got, tc.want) {
			t.Errorf("appendUnique(%v, %v): got %v, want %v", tc.list, tc.add, got, tc.want)
		}
	}
}
