package analytics

import (
	"math"
	"testing"
)

// TestMannWhitney checks two-sided p-values against textbook and hand-
// worked values (R's wilcox.test(x, y) gives the same).
func TestMannWhitney(t *testing.T) {
	for _, tc := range []struct {
		name string
		x, y []float64
		want float64
	}{
		// Fully separated 3 vs 3: U = 0 is 1 of C(6,3) = 20 orders, two-sided 2/20.
		{"Exact3x3", []float64{1, 2, 3}, []float64{4, 5, 6}, 0.1},
		// 4 vs 4 separated: 2/70 = 0.028571 (significant at 5 %).
		{"Exact4x4", []float64{5, 6, 7, 8}, []float64{1, 2, 3, 4}, 2.0 / 70},
		// x = {1, 3}, y = {2, 4, 5}: U = 1; of the C(5,2) = 10 orders,
		// U ≤ 1 in 2 (U = 0 and U = 1): P = 2/10, two-sided 0.4.
		{"ExactSmall", []float64{1, 3}, []float64{2, 4, 5}, 0.4},
		// Identical central placement: x = {2, 3}, y = {1, 4}: U = 2 = mn/2 → 1.
		{"ExactCentre", []float64{2, 3}, []float64{1, 4}, 1},
		// Ties → normal approximation. x = {1, 2, 2}, y = {2, 3, 4}:
		// ranks 1, 3, 3 | 3, 5, 6 → W = 7, U = 1; mn/2 = 4.5; ties: one
		// group of 3 → Σ(t³−t) = 24; σ² = 9/12 · (7 − 24/30) = 4.65;
		// z = (1 − 4.5 + 0.5)/√4.65 = −1.391213; p = 2Φ(−1.391213) = 0.164164.
		{"NormalTies", []float64{1, 2, 2}, []float64{2, 3, 4}, 0.164164},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := MannWhitney(tc.x, tc.y)
			if !ok || math.Abs(got-tc.want) > 5e-6 {
				t.Errorf("got %v (%v), want %v", got, ok, tc.want)
			}
			// symmetric in its samples
			if back, _ := MannWhitney(tc.y, tc.x); math.Abs(back-got) > 1e-12 {
				t.Errorf("swapped: got %v, want %v", back, got)
			}
		})
	}
	t.Run("Empty", func(t *testing.T) {
		if _, ok := MannWhitney(nil, []float64{1}); ok {
			t.Error("want no p-value for an empty sample")
		}
	})
	t.Run("LargeNormal", func(t *testing.T) {
		// 50 vs 50 without ties, x = 1..50, y = 51..100: U = 0; μ = 1250,
		// σ² = 2500 · 101/12 = 21041.67; z = (0 − 1250 + 0.5)/145.0575 =
		// −8.6139; p = 2Φ(z) ≈ 7.1e−18.
		var x, y []float64
		for i := 1; i <= 50; i++ {
			x, y = append(x, float64(i)), append(y, float64(i+50))
		}
		got, _ := MannWhitney(x, y)
		if got <= 0 || got > 1e-16 || math.Abs(math.Log10(got)-math.Log10(7.07e-18)) > 0.05 {
			t.Errorf("got %v, want about 7.07e-18", got)
		}
	})
}

// TestUDistribution checks the exact null distribution against brute
// force: every way of choosing which m of the m+n ranks belong to x.
func TestUDistribution(t *testing.T) {
	for _, mn := range [][2]int{{1, 1}, {2, 3}, {4, 4}, {5, 7}, {7, 5}} {
		m, n := mn[0], mn[1]
		counts := make([]float64, m*n+1)
		total := 0.0
		for mask := 0; mask < 1<<(m+n); mask++ {
			if popcount(mask) != m {
				continue
			}
			rank := 0
			for b := 0; b < m+n; b++ {
				if mask&(1<<b) != 0 {
					rank += b + 1
				}
			}
			counts[rank-m*(m+1)/2]++
			total++
		}
		d := uDistribution(m, n)
		for k := range counts {
			if math.Abs(d[k]-counts[k]/total) > 1e-12 {
				t.Errorf("m=%d n=%d: P(U=%d) got %v, want %v", m, n, k, d[k], counts[k]/total)
			}
		}
	}
}

func popcount(x int) int {
	c := 0
	for ; x != 0; x &= x - 1 {
		c++
	}
	return c
}
