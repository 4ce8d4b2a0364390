package analytics

import "testing"

func TestThousandsAndJoinCases(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 292452: "292,452", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
	ids := []string{"A", "B", "C"}
	for _, tc := range []struct {
		total, max int
		want       string
	}{{3, 0, "A, B, C"}, {3, 2, "A, B and 1 more"}, {1503, 0, "A, B, C and 1,500 more"}, {1503, 1, "A and 1,502 more"}} {
		if got := JoinCases(ids, tc.total, tc.max); got != tc.want {
			t.Errorf("JoinCases(%d, %d) = %q, want %q", tc.total, tc.max, got, tc.want)
		}
	}
}
