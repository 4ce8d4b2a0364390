package analytics

import (
	"context"
	"fmt"
	"time"

	"github.com/pirhq/pir/display"
)

// PublishedMedian is one median duration from a public report, with what
// it measured and over which population: a team compares its own median
// with it only knowing that the populations differ.
type PublishedMedian struct {
	Publisher  string    `json:"publisher"`
	Report     string    `json:"report"`    // title and edition
	DataYear   string    `json:"data_year"` // the period the cases are from
	Published  time.Time `json:"published"` // month of publication
	Metric     string    `json:"metric"`    // pir metric it corresponds to ("dwell")
	Measure    string    `json:"measure"`   // what the report calls it
	Days       float64   `json:"days"`
	Population string    `json:"population"`
	Source     string    `json:"source"` // where the figure was checked
}

// mtrendsPop is the population of every M-Trends median.
const mtrendsPop = "intrusions investigated by Mandiant incident responders worldwide"

// publishedMedians are the published medians pir knows, each checked
// against the publisher's release or press coverage quoting it (Source).
// Mandiant's figure is compromise to detection, as pir's dwell metric.
var publishedMedians = []PublishedMedian{
	{"Mandiant", "M-Trends 2015", "2014", month(2015, 2), "dwell", "global median dwell time", 205, mtrendsPop, "https://taosecurity.blogspot.com/2017/03/the-missing-trends-in-m-trends-2017.html"},
	{"Mandiant", "M-Trends 2016", "2015", month(2016, 2), "dwell", "global median dwell time", 146, mtrendsPop, "https://taosecurity.blogspot.com/2017/03/the-missing-trends-in-m-trends-2017.html"},
	{"Mandiant", "M-Trends 2017", "2016", month(2017, 3), "dwell", "global median dwell time", 99, mtrendsPop, "https://taosecurity.blogspot.com/2017/03/the-missing-trends-in-m-trends-2017.html"},
	{"Mandiant", "M-Trends 2018", "2017", month(2018, 4), "dwell", "global median dwell time", 101, mtrendsPop, "https://www.fireeye.com/blog/executive-perspective/2019/02/m-trends-turns-ten.html"},
	{"Mandiant", "M-Trends 2019", "2018", month(2019, 4), "dwell", "global median dwell time", 78, mtrendsPop, "https://cert.bournemouth.ac.uk/increased-monetization-means-more-ransomware-attacks/"},
	{"Mandiant", "M-Trends 2020", "2019", month(2020, 2), "dwell", "global median dwell time", 56, mtrendsPop, "https://cert.bournemouth.ac.uk/increased-monetization-means-more-ransomware-attacks/"},
	{"Mandiant", "M-Trends 2021", "2020", month(2021, 4), "dwell", "global median dwell time", 24, mtrendsPop, "https://securityboulevard.com/2022/04/mandiant-report-intrusion-dwell-time-sees-decline/"},
	{"Mandiant", "M-Trends 2022", "2021", month(2022, 4), "dwell", "global median dwell time", 21, mtrendsPop, "https://securityboulevard.com/2022/04/mandiant-report-intrusion-dwell-time-sees-decline/"},
	{"Mandiant", "M-Trends 2023", "2022", month(2023, 4), "dwell", "global median dwell time", 16, mtrendsPop, "https://indiannewsandtimes.com/2023/04/20/mandiant-unveils-m-trends-2023-report-delivering-critical-threat-intelligence-directly-from-the-frontlines/"},
	{"Mandiant", "M-Trends 2024", "2023", month(2024, 4), "dwell", "global median dwell time", 10, mtrendsPop, "https://www.techtarget.com/searchsecurity/news/366581738/Mandiant-Attacker-dwell-time-down-ransomware-up-in-2023"},
	{"Mandiant", "M-Trends 2025", "2024", month(2025, 4), "dwell", "global median dwell time", 11, mtrendsPop, "https://cybernexum.com/blog/cybersecurity-maturity-trends-2025"},
	{"Mandiant", "M-Trends 2026", "2025", month(2026, 3), "dwell", "global median dwell time", 14, mtrendsPop, "https://www.hendryadrian.com/m-trends-2026-data-insights-and-strategies-from-the-frontlines/"},
	{"Sophos", "Active Adversary Report for Business Leaders 2023", "2022", month(2023, 4), "dwell", "median attacker dwell time", 10,
		"152 Sophos incident response investigations, mostly organisations with fewer than 1,000 employees", "https://blog.kowatek.com/2023/04/25/falling-dwell-time-may-be-down-to-faster-threat-activity/"},
	{"Sophos", "Active Adversary Report for Tech Leaders 2023", "2023 (January–July)", month(2023, 8), "dwell", "median attacker dwell time", 8,
		"Sophos incident response cases, 88% from organisations with fewer than 1,000 employees", "https://index.businessinsurance.com/businessinsurance/article/gnwcq-2023-8-23-dwell-timetime-from-the-start-of-an-attack-to-when-its-detectedshrinks-to-8-days-in-the-first-half-of-2023-sophos-finds"},
}

func month(y int, m time.Month) time.Time { return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC) }

// PublishedMedians returns the table of published medians, oldest first
// per publisher.
func PublishedMedians() []PublishedMedian { return append([]PublishedMedian(nil), publishedMedians...) }

// Yardstick sets the team's dwell median beside a published one.
type Yardstick struct {
	Reference PublishedMedian `json:"reference"`
	// Sentence names both figures and the reference's population.
	Sentence string `json:"sentence"`
}

// buildYardstick picks the newest Mandiant M-Trends median that was
// published by the report's generation time and covers a year no later
// than the report quarter's, and compares the quarter's dwell median with
// it. Nil when there is no such figure or no dwell metric.
func buildYardstick(r *Report, year int, now time.Time) *Yardstick {
	var ref *PublishedMedian
	for i := range publishedMedians {
		p := &publishedMedians[i]
		if p.Publisher != "Mandiant" || p.Published.After(now) || p.DataYear > fmt.Sprint(year) {
			continue
		}
		if ref == nil || p.DataYear > ref.DataYear {
			ref = p
		}
	}
	if ref == nil {
		return nil
	}
	var dwell *KPI
	for i := range r.KPIs {
		if r.KPIs[i].Metric == "dwell" {
			dwell = &r.KPIs[i]
		}
	}
	if dwell == nil {
		return nil
	}
	refH := ref.Days * 24
	s := fmt.Sprintf("%s %s reports a %s of %s for %s, over %s",
		ref.Publisher, ref.Report, ref.Measure, display.SentenceDuration(refH, refH), ref.DataYear, ref.Population)
	if m := dwell.Current.Median; m != nil {
		s = fmt.Sprintf("The median dwell time in %s was %s across %s; %s: a population of serious breaches that called in outside responders, so it is a yardstick, not a like-for-like target.",
			r.Quarter, display.SentenceDuration(*m, refH), display.Plural(dwell.Current.N, "incident", "incidents"), s)
	} else {
		s += "; no dwell time was counted in " + r.Quarter + "."
	}
	return &Yardstick{Reference: *ref, Sentence: s}
}

// buildYardstickStep is buildYardstick as a step of Build.
func buildYardstickStep(_ context.Context, _ querier, sp *span, r *Report) error {
	r.Yardstick = buildYardstick(r, sp.quarter.Year, sp.now)
	return nil
}
