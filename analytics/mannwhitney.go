package analytics

import (
	"math"
	"sort"
)

// exactLimit is the sample size below which (both samples, no ties) the
// Mann–Whitney p-value is exact, as R's wilcox.test does.
const exactLimit = 50

// MannWhitney returns the two-sided p-value of the Mann–Whitney U
// (Wilcoxon rank-sum) test that x and y come from the same distribution,
// as R's wilcox.test(x, y) computes it: exact when both samples have
// fewer than 50 values and there are no ties, otherwise the normal
// approximation with the tie correction of the variance and a continuity
// correction. The result depends on the values only, never on their order
// or a random seed. ok is false when a sample is empty.
func MannWhitney(x, y []float64) (p float64, ok bool) {
	m, n := len(x), len(y)
	if m == 0 || n == 0 {
		return 0, false
	}
	type obs struct {
		v   float64
		inX bool
	}
	all := make([]obs, 0, m+n)
	for _, v := range x {
		all = append(all, obs{v, true})
	}
	for _, v := range y {
		all = append(all, obs{v, false})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].v < all[j].v })
	// midranks; tieTerm = Σ (t³ − t) over groups of t tied values
	var rankX, tieTerm float64
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].v == all[i].v {
			j++
		}
		r := float64(i+j+1) / 2 // ranks i+1 … j
		for k := i; k < j; k++ {
			if all[k].inX {
				rankX += r
			}
		}
		t := float64(j - i)
		tieTerm += t*t*t - t
		i = j
	}
	u := rankX - float64(m*(m+1))/2
	if m < exactLimit && n < exactLimit && tieTerm == 0 {
		ui := int(math.Round(u))
		d := uDistribution(m, n)
		var lower, upper float64 // P(U ≤ u), P(U ≥ u)
		for k, pk := range d {
			if k <= ui {
				lower += pk
			}
			if k >= ui {
				upper += pk
			}
		}
		return math.Min(1, 2*math.Min(lower, upper)), true
	}
	mf, nf := float64(m), float64(n)
	z := u - mf*nf/2
	sigma := math.Sqrt(mf * nf / 12 * ((mf + nf + 1) - tieTerm/((mf+nf)*(mf+nf-1))))
	if sigma == 0 {
		return 1, true // every value tied: no evidence of a difference
	}
	var corr float64
	switch {
	case z > 0:
		corr = 0.5
	case z < 0:
		corr = -0.5
	}
	z = (z - corr) / sigma
	return math.Min(1, math.Erfc(math.Abs(z)/math.Sqrt2)), true
}

// uDistribution returns P(U = k), k = 0 … m·n, for samples of m and n
// values without ties, by the recursion
// P(U = k; m, n) = m/(m+n) · P(U = k−n; m−1, n) + n/(m+n) · P(U = k; m, n−1).
func uDistribution(m, n int) []float64 {
	// prev[j] is the distribution for (i−1, j), cur[j] for (i, j)
	prev := make([][]float64, n+1)
	for j := range prev {
		prev[j] = []float64{1} // i = 0: U = 0
	}
	for i := 1; i <= m; i++ {
		cur := make([][]float64, n+1)
		cur[0] = []float64{1} // j = 0: U = 0
		for j := 1; j <= n; j++ {
			d := make([]float64, i*j+1)
			a := float64(i) / float64(i+j)
			for k, pk := range prev[j] { // the largest value is in x: it beats all j of y
				d[k+j] += a * pk
			}
			for k, pk := range cur[j-1] { // the largest value is in y
				d[k] += (1 - a) * pk
			}
			cur[j] = d
		}
		prev = cur
	}
	return prev[n]
}
