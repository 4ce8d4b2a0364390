package display

import (
	"math"
	"strconv"
)

// Quantile writes a survival quantile (hours): "12.0 h", or "> 85.0 d"
// when it was not reached (more cases are still open than the quantile
// leaves, so the true value is larger than the longest follow-up).
func Quantile(hours float64, reached bool) string {
	if reached {
		return Duration(hours)
	}
	return "> " + Duration(hours)
}

// QuantileIn is Quantile in unit u, the unit of the row it stands in.
func QuantileIn(u Unit, hours float64, reached bool) string {
	if reached {
		return u.Format(hours)
	}
	return "> " + u.Format(hours)
}

// SentenceQuantile is Quantile for a sentence, in the unit of other too.
func SentenceQuantile(hours float64, reached bool, other float64) string {
	if reached {
		return SentenceDuration(hours, other)
	}
	return "more than " + SentenceDuration(hours, other)
}

// Interval writes a confidence interval of durations (hours) in one unit,
// "4.0–9.0 h"; NoValue when a bound is missing.
func Interval(low, high *float64) string {
	if low == nil || high == nil {
		return NoValue
	}
	u := UnitFor(*low, *high)
	return Number(u.Convert(*low)) + "–" + u.Format(*high)
}

// IntervalIn is Interval in unit u, the unit of the row it stands in (so
// a median of "1.7 d" is not followed by an interval in hours).
func IntervalIn(u Unit, low, high *float64) string {
	if low == nil || high == nil {
		return NoValue
	}
	return Number(u.Convert(*low)) + "–" + u.Format(*high)
}

// PValue writes a test's p-value: "p = 0.14", "p = 0.050", "p < 0.001";
// NoValue when there was nothing to test.
func PValue(p *float64) string {
	switch {
	case p == nil:
		return NoValue
	case *p < 0.001:
		return "p < 0.001"
	case *p < 0.1: // three decimals near the 0.05 line: 0.0496 is not "0.05"
		return "p = " + strconv.FormatFloat(*p, 'f', 3, 64)
	default:
		return "p = " + strconv.FormatFloat(*p, 'f', 2, 64)
	}
}

// OpenCounted says how many open cases a survival estimate counted:
// "2 open", "none open".
func OpenCounted(n int) string {
	if n == 0 {
		return "none open"
	}
	return Count(n) + " open"
}

// SurvivalSentence compares the median that counts open cases with the
// completed-only one, e.g. "Counting the 3 cases still open without
// containment on 10 May 2024, the median time to contain in 2024-Q1 is
// 14.0 h; over the 20 completed cases alone it is 10.0 h." end is the
// metric's end milestone (lower case); plain is nil when no case completed.
func SurvivalSentence(label, end, quarter, snapshot string, open, completed int, km float64, reached bool, plain *float64) string {
	other := km
	if plain != nil {
		other = max(other, *plain)
	}
	if open == 0 {
		return "No case of " + quarter + " is still open without " + end + ", so the median " + LowerLabel(label) +
			" (" + SentenceQuantile(km, reached, other) + ") needs no correction for open cases."
	}
	cases := "the case"
	if open > 1 {
		cases = "the " + Count(open) + " cases"
	}
	s := "Counting " + cases + " still open without " + end + " on " + snapshot + ", the median " +
		LowerLabel(label) + " in " + quarter + " is " + SentenceQuantile(km, reached, other)
	if plain == nil {
		return s + "; no case has completed yet."
	}
	return s + "; over the " + Plural(completed, "completed case", "completed cases") + " alone it is " +
		SentenceDuration(*plain, other) + "."
}

// Ordinal writes a rank rounded to a whole number as an ordinal: "1st",
// "22nd", "13th", "25th".
func Ordinal(p float64) string {
	n := int(math.Round(p))
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}

// BenchmarkYear labels a benchmark row's year: "2024", or "all years" for
// the pooled row (0).
func BenchmarkYear(y int) string {
	if y == 0 {
		return "all years"
	}
	return strconv.Itoa(y)
}
