package main

import (
	"time"

	"github.com/urfave/cli/v2"
)

// asOfFlag is the snapshot the survival estimates censor open cases at.
func asOfFlag() cli.Flag {
	return &cli.StringFlag{Name: "as-of", Usage: "count open cases as open until `TIME` (RFC 3339, or a date: its end in --tz) in the Kaplan–Meier medians (default: the newest ingest time)", EnvVars: []string{"PIR_AS_OF"}}
}

// parseAsOf reads --as-of: an RFC 3339 instant, or a date meaning the end
// of that day in loc. The result is the instant in RFC 3339 (UTC), as the
// as_of SQL setting takes it.
func parseAsOf(s string, loc *time.Location) (string, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC().Format(time.RFC3339Nano), nil
	}
	d, err := time.ParseInLocation("2006-01-02", s, loc)
	if err != nil {
		return "", err
	}
	return d.AddDate(0, 0, 1).UTC().Format(time.RFC3339Nano), nil
}
