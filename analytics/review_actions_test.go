package analytics

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"testing"
	"time"
)

// Action items of testdata/metrics/seed.sql on 2024-05-15, worked by hand:
// open and overdue are A3 (due 1 March, 75 days), G1 (20 March, 56 days;
// its case is an exercise, but the item is still real work) and F1
// (in progress, 31 March, 45 days). Everything else is done or wont-do.
func TestListActions(t *testing.T) {
	ctx := context.Background()
	db := openSeeded(t, "UTC")
	now := func() time.Time { return fixedNow }
	list := func(t *testing.T, o ActionOptions) []string {
		t.Helper()
		o.Now = now
		l, err := ListActions(ctx, db, o)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, a := range l.Items {
			s := a.Ref + "/" + a.ID
			if a.Overdue {
				s += "!" + itoa(a.DaysOverdue)
			}
			out = append(out, s)
		}
		return out
	}
	for _, c := range []struct {
		name string
		opts ActionOptions
		want []string
	}{
		{"Open", ActionOptions{}, []string{"C1/A3!75", "C5/G1!56", "C4/F1!45"}},
		{"Overdue", ActionOptions{Filter: "overdue"}, []string{"C1/A3!75", "C5/G1!56", "C4/F1!45"}},
		{"All", ActionOptions{Filter: "all"}, []string{"C1/A3!75", "C5/G1!56", "C4/F1!45", "P1/D1", "P2/E2", "P2/E1", "C1/A1", "C1/A2", "C2/B1", "C4/F2"}},
		{"Quarter", ActionOptions{Filter: "all", Quarter: "2023-q4"}, []string{"P1/D1", "P2/E2", "P2/E1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := list(t, c.opts); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
	t.Run("Fields", func(t *testing.T) {
		l, err := ListActions(ctx, db, ActionOptions{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		a := l.Items[0]
		want := ActionItem{Source: "pir", CaseID: "C1", Ref: "C1", Quarter: "2024-Q1", CaseTitle: "Ransomware via VPN", Severity: "critical",
			ID: "A3", Summary: "Segment backups", Owner: "infra", Priority: "medium", Due: "2024-03-01", Status: "open", Overdue: true, DaysOverdue: 75}
		if !reflect.DeepEqual(a, want) || l.Overdue != 3 || l.AsOfDate != "2024-05-15" {
			t.Errorf("got %+v (overdue %d, as of %s), want %+v", a, l.Overdue, l.AsOfDate, want)
		}
	})
	t.Run("ErrBadActionFilter", func(t *testing.T) {
		if _, err := ListActions(ctx, db, ActionOptions{Filter: "late"}); !errors.Is(err, ErrBadActionFilter) {
			t.Errorf("got %v, want ErrBadActionFilter", err)
		}
		if _, err := ListActions(ctx, db, ActionOptions{Quarter: "Q1"}); !errors.Is(err, ErrBadQuarter) {
			t.Errorf("got %v, want ErrBadQuarter", err)
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
