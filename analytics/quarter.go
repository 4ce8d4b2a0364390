package analytics

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrBadQuarter is returned for a quarter that is not written like 2024-Q1.
var ErrBadQuarter = errors.New(`quarter must look like 2024-Q1`)

// Quarter is a calendar quarter: Q 1 is January to March.
type Quarter struct {
	Year int
	Q    int
}

// ParseQuarter reads "2024-Q1" (the q may be lower case). Years run from
// 1000 to 9999 so that quarters sort as strings, as the SQL relies on.
func ParseQuarter(s string) (Quarter, error) {
	y, q, ok := strings.Cut(strings.ToUpper(strings.TrimSpace(s)), "-Q")
	if !ok || len(y) != 4 || len(q) != 1 {
		return Quarter{}, fmt.Errorf("%q: %w", s, ErrBadQuarter)
	}
	year, err1 := strconv.Atoi(y)
	n, err2 := strconv.Atoi(q)
	if err1 != nil || err2 != nil || year < 1000 || n < 1 || n > 4 {
		return Quarter{}, fmt.Errorf("%q: %w", s, ErrBadQuarter)
	}
	return Quarter{Year: year, Q: n}, nil
}

// String formats the quarter as "2024-Q1".
func (q Quarter) String() string { return fmt.Sprintf("%04d-Q%d", q.Year, q.Q) }

// Add moves n quarters forward (n < 0: back).
func (q Quarter) Add(n int) Quarter {
	i := q.Year*4 + (q.Q - 1) + n
	return Quarter{Year: floorDiv(i, 4), Q: i - floorDiv(i, 4)*4 + 1}
}

func floorDiv(a, b int) int {
	d := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		d--
	}
	return d
}

// Prev is the quarter before q.
func (q Quarter) Prev() Quarter { return q.Add(-1) }

// YearAgo is the same quarter one year earlier.
func (q Quarter) YearAgo() Quarter { return q.Add(-4) }

// Start is the first instant of q in loc.
func (q Quarter) Start(loc *time.Location) time.Time {
	return time.Date(q.Year, time.Month((q.Q-1)*3+1), 1, 0, 0, 0, 0, loc)
}

// End is the first instant after q in loc (the start of the next quarter).
func (q Quarter) End(loc *time.Location) time.Time { return q.Add(1).Start(loc) }

// QuarterOf is the quarter that t falls in, in loc.
func QuarterOf(t time.Time, loc *time.Location) Quarter {
	t = t.In(loc)
	return Quarter{Year: t.Year(), Q: (int(t.Month())-1)/3 + 1}
}

// Trailing lists n quarters ending with q, oldest first (n < 1 means 1).
func Trailing(q Quarter, n int) []Quarter {
	if n < 1 {
		n = 1
	}
	out := make([]Quarter, n)
	for i := range out {
		out[i] = q.Add(i - n + 1)
	}
	return out
}

// LastCompleteQuarter is the latest quarter that has ended at now in loc,
// e.g. "2024-Q1" for any instant in April–June 2024 there. The scheduled
// run uses it as the default report quarter.
func LastCompleteQuarter(now time.Time, loc *time.Location) string {
	return QuarterOf(now, loc).Prev().String()
}
