package analytics

import (
	"errors"
	"testing"
	"time"
)

func TestParseQuarter(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Quarter
	}{
		{"2024-Q1", Quarter{2024, 1}},
		{"2024-q4", Quarter{2024, 4}},
		{" 1999-Q2 ", Quarter{1999, 2}},
	} {
		t.Run("OK/"+tc.in, func(t *testing.T) {
			got, err := ParseQuarter(tc.in)
			if err != nil || got != tc.want {
				t.Fatalf("got %v, %v, want %v", got, err, tc.want)
			}
			if got.String() != trimUpper(tc.in) {
				t.Errorf("String() got %q, want %q", got.String(), trimUpper(tc.in))
			}
		})
	}
	for _, in := range []string{"", "2024", "2024-Q0", "2024-Q5", "24-Q1", "2024Q1", "2024-Q12", "0999-Q1", "abcd-Q1", "2024-H1"} {
		t.Run("ErrBadQuarter/"+in, func(t *testing.T) {
			if _, err := ParseQuarter(in); !errors.Is(err, ErrBadQuarter) {
				t.Fatalf("got %v, want ErrBadQuarter", err)
			}
		})
	}
}

func trimUpper(s string) string {
	q, _ := ParseQuarter(s)
	return q.String()
}

func TestQuarterArithmetic(t *testing.T) {
	q := Quarter{2024, 1}
	for _, tc := range []struct {
		name string
		got  Quarter
		want string
	}{
		{"Prev across a year", q.Prev(), "2023-Q4"},
		{"YearAgo", q.YearAgo(), "2023-Q1"},
		{"Add +3", q.Add(3), "2024-Q4"},
		{"Add +4 across a year", Quarter{2024, 4}.Add(1), "2025-Q1"},
		{"Add -9", q.Add(-9), "2021-Q4"},
		{"Add 0", q.Add(0), "2024-Q1"},
	} {
		if tc.got.String() != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, tc.got, tc.want)
		}
	}
	var got []string
	for _, x := range Trailing(Quarter{2024, 2}, 6) {
		got = append(got, x.String())
	}
	want := []string{"2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2"}
	if len(got) != len(want) {
		t.Fatalf("Trailing: got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Trailing: got %v, want %v", got, want)
		}
	}
	if n := len(Trailing(q, 0)); n != 1 {
		t.Errorf("Trailing(q, 0): got %d quarters, want 1", n)
	}
}

func TestQuarterBounds(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	q := Quarter{2024, 1}
	if got, want := q.Start(ny), time.Date(2024, 1, 1, 5, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Start: got %v, want %v", got.UTC(), want)
	}
	// DST began on 10 March 2024: the quarter ends at 04:00 UTC, not 05:00.
	if got, want := q.End(ny), time.Date(2024, 4, 1, 4, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("End: got %v, want %v", got.UTC(), want)
	}
	if got, want := (Quarter{2024, 4}).End(time.UTC), time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Q4 End: got %v, want %v", got, want)
	}
	// 23:30 on 31 March in New York is Q1 there and Q2 in UTC.
	late := time.Date(2024, 3, 31, 23, 30, 0, 0, ny)
	if got := QuarterOf(late, ny).String(); got != "2024-Q1" {
		t.Errorf("QuarterOf NY: got %s, want 2024-Q1", got)
	}
	if got := QuarterOf(late, time.UTC).String(); got != "2024-Q2" {
		t.Errorf("QuarterOf UTC: got %s, want 2024-Q2", got)
	}
}

func TestLastCompleteQuarter(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		now  time.Time
		loc  *time.Location
		want string
	}{
		{"Q1 start", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.UTC, "2023-Q4"},
		{"Q2 start", time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC), time.UTC, "2024-Q1"},
		{"Q3 start", time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), time.UTC, "2024-Q2"},
		{"Q4 start", time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC), time.UTC, "2024-Q3"},
		{"last instant of a year", time.Date(2024, 12, 31, 23, 59, 59, 999999999, time.UTC), time.UTC, "2024-Q3"},
		{"mid quarter", time.Date(2024, 5, 15, 12, 0, 0, 0, time.UTC), time.UTC, "2024-Q1"},
		// 02:00 UTC on 1 January is still 31 December in New York.
		{"New York behind UTC", time.Date(2025, 1, 1, 2, 0, 0, 0, time.UTC), ny, "2024-Q3"},
		{"same instant in UTC", time.Date(2025, 1, 1, 2, 0, 0, 0, time.UTC), time.UTC, "2024-Q4"},
		// 20:00 UTC on 31 March is already 1 April in Tokyo.
		{"Tokyo ahead of UTC", time.Date(2024, 3, 31, 20, 0, 0, 0, time.UTC), tokyo, "2024-Q1"},
		{"same instant in UTC", time.Date(2024, 3, 31, 20, 0, 0, 0, time.UTC), time.UTC, "2023-Q4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := LastCompleteQuarter(tc.now, tc.loc); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}
