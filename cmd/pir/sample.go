package main

import (
	"io"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/pirhq/pir/sample"
)

func sampleCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "sample",
		Usage:     "write realistic synthetic cases (canonical JSONL) for demos and benchmarks",
		ArgsUsage: " ",
		Description: `sample writes synthetic post-incident reviews in the canonical "pir case v1"
format, one JSON object per line, to stdout or to --output. The output is
deterministic: the same flags give the same bytes.

The mix follows real incident response work: phishing, commodity malware,
account takeover, ransomware, web application exploitation, business email
compromise, cloud misconfiguration, lost devices, third-party breaches,
insider threats and DDoS, each with its typical ATT&CK techniques, root
causes (with 5-Whys chains), action items, lessons and detection rules.
Milestone gaps are heavy-tailed and depend on the scenario and severity;
triage and containment get faster over the span, so trends have a story.
The data also has what real exports have: open cases, missing milestones,
a few out-of-order timestamps, revoked or unknown technique IDs, exercises
and false positives excluded from metrics, and mixed UTC offsets.

Every case carries its dimensions: affected assets (a few hosts and accounts
are hit again and again), platforms that fit its kind (ransomware on Windows
and ESXi, BEC on Microsoft 365, cloud exposures on AWS, Azure or GCP), the
owning team and business unit, who detected it (mostly internal; vendors,
customers and ransom notes too), impact for some, the review meeting (held
on time, late, skipped, or not yet for open cases) and playbook updates.
Detection rules cite real SigmaHQ rules of examples/rules by id, Sigma rules
written in house, or SIEM rules without a Sigma id, as proposed, deployed or
retired. Some 5-Whys chains are shallow or stop at a person, a little blame
language slips in, and lessons repeat across quarters (some with a theme).
The organisation runs a few remediation campaigns: the cases that prompted
one get all their action items done, and for a year after, most incidents
of that root cause stop, except the failed fixes (some 5-15 % of a quarter's
cases then recur); severe cases are contained faster, and a couple of owners
hold most overdue high-priority items.

Detection times fall between --start and --start plus --quarters calendar
quarters; case IDs (IR-00001, …) follow detection order. --tenants spreads
the cases over clients of a managed security provider (the first gets the
most); the cases are otherwise the same.

Examples:
   pir sample --cases 400 --quarters 8 --seed 1 --start 2024-01-01 -o examples/cases.jsonl
   pir sample --cases 1000000 --seed 7 > big.jsonl
   pir sample --cases 50 | pir ingest -
   pir sample --tenants acme,globex -o mssp.jsonl`,
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "cases", Value: 400, Usage: "number of cases `N`", EnvVars: []string{"PIR_SAMPLE_CASES"}},
			&cli.IntFlag{Name: "quarters", Value: 8, Usage: "span of detection times in calendar quarters `Q`", EnvVars: []string{"PIR_SAMPLE_QUARTERS"}},
			&cli.Int64Flag{Name: "seed", Value: 1, Usage: "random seed `S`: the same seed gives the same output", EnvVars: []string{"PIR_SAMPLE_SEED"}},
			&cli.StringFlag{Name: "start", Value: "2024-01-01", Usage: "first day of the span, `DATE` as YYYY-MM-DD (UTC) or RFC 3339", EnvVars: []string{"PIR_SAMPLE_START"}},
			&cli.StringFlag{Name: "tenants", Usage: "spread the cases over these clients, `NAMES` separated by commas (default: no tenant)", EnvVars: []string{"PIR_SAMPLE_TENANTS"}},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE` instead of stdout (replaced atomically)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("pir sample --cases 400 -o cases.jsonl", "sample takes no arguments, got %q", c.Args().First())
			}
			start, err := parseSampleStart(c.String("start"))
			if err != nil {
				return usagef("pir sample --start 2024-01-01", "--start %q: want YYYY-MM-DD or RFC 3339", c.String("start"))
			}
			o := sample.Options{Cases: c.Int("cases"), Quarters: c.Int("quarters"), Seed: c.Int64("seed"), Start: start}
			if t := c.String("tenants"); t != "" {
				for _, name := range strings.Split(t, ",") {
					o.Tenants = append(o.Tenants, strings.TrimSpace(name))
				}
			}
			if err := o.Validate(); err != nil {
				return usagef("pir sample --cases 400 --quarters 8 --tenants acme,globex", "%v", err)
			}
			out := c.String("output")
			if out == "" || out == "-" {
				return sample.Generate(e.stdout, o)
			}
			return writeFileAtomic(out, func(w io.Writer) error { return sample.Generate(w, o) })
		},
	}
}

// parseSampleStart reads a date (midnight UTC) or an RFC 3339 instant.
func parseSampleStart(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, s)
}
