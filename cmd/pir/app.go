package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/urfave/cli/v2"

	pirsql "github.com/pirhq/pir/sql"
)

// version is set by the Makefile from `git describe` via -ldflags.
var version = "dev"

// Exit codes (documented in the README).
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
	exitLocked = 3 // the database or the run lock is held by another pir process
)

// env carries what a command needs from the outside world, so tests can call
// run with their own streams and clock.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	now    func() time.Time
	log    *slog.Logger
	// isTTY reports whether stderr is a terminal (progress bars only then).
	isTTY bool
}

// usageError is a mistake in the command line: exit 2 with a hint.
type usageError struct {
	msg string
	try string
}

func (e *usageError) Error() string { return e.msg }

func usagef(try, format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...), try: try}
}

// run is the whole program; main only calls it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, now: time.Now, isTTY: isTerminal(stderr)}
	e.log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	app := newApp(e)
	err := app.RunContext(ctx, args)
	return exitCode(err, stderr)
}

func newApp(e *env) *cli.App {
	app := &cli.App{
		Name:    "pir",
		Usage:   "post-incident review analytics: quarterly IR metrics from case exports",
		Version: version,
		Description: `pir loads post-incident reviews (case exports) into a DuckDB file and turns a
quarter's worth of them into trends: dwell time, time to triage, contain and
recover, root causes, ATT&CK techniques, action-item follow-through and data
quality, as an offline HTML dashboard and a PDF executive report.

Examples:
   pir sample --cases 300 --quarters 8 --seed 1 > cases.jsonl
   pir ingest cases.jsonl
   pir query "SELECT quarter, count(*) FROM cases GROUP BY ALL ORDER BY 1"
   pir metrics --quarter 2024-Q1
   pir report --quarter 2024-Q1 --out out/`,
		Writer:               e.stdout,
		ErrWriter:            e.stderr,
		EnableBashCompletion: true,
		HideHelpCommand:      true,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "log-format", Value: "text", Usage: "log format on stderr: text or json", EnvVars: []string{"PIR_LOG_FORMAT"}},
			&cli.StringFlag{Name: "log-level", Value: "warn", Usage: "log level: debug, info, warn, error", EnvVars: []string{"PIR_LOG_LEVEL"}},
			&cli.StringFlag{Name: "memory-limit", Usage: "cap DuckDB's memory, e.g. 512MB or 4GB; beyond it work spills to <db>.tmp (default " + defaultWriteMemory + " for ingest, run, export, report and metrics, DuckDB's 80% of RAM for the rest)", EnvVars: []string{"PIR_MEMORY_LIMIT"}},
		},
		Before: func(c *cli.Context) error {
			return e.configureLogging(c.String("log-format"), c.String("log-level"))
		},
		OnUsageError: func(c *cli.Context, err error, isSubcommand bool) error {
			return usagef("pir --help", "%v", err)
		},
		ExitErrHandler: func(*cli.Context, error) {},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("pir --help", "unknown command %q", c.Args().First())
			}
			return cli.ShowAppHelp(c)
		},
		Commands: commands(e),
	}
	return app
}

func (e *env) configureLogging(format, level string) error {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return usagef("pir --log-level info", "--log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		e.log = slog.New(slog.NewTextHandler(e.stderr, opts))
	case "json":
		e.log = slog.New(slog.NewJSONHandler(e.stderr, opts))
	default:
		return usagef("pir --log-format json", "--log-format %q: want text or json", format)
	}
	return nil
}

// exitCode is the one place that turns errors into messages and exit codes:
// 2 for a usage error (with a Try: line), 3 when another pir process holds
// the database or the run lock, 1 for anything else. The message is one
// line whatever the error says: a control character (a newline or an escape
// sequence in a file name, a multi-line DuckDB message) is printed escaped,
// as %q would (escapeControl), and white space around it is trimmed.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var ue *usageError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "Error: %s\n", escapeControl(strings.TrimSpace(ue.msg)))
		if ue.try != "" {
			fmt.Fprintf(stderr, "Try: %s\n", escapeControl(ue.try))
		}
		return exitUsage
	case errors.Is(err, pirsql.ErrInUse), errors.Is(err, errRunLocked):
		fmt.Fprintf(stderr, "Error: %s\n", escapeControl(strings.TrimSpace(err.Error())))
		return exitLocked
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "Error: interrupted")
		return exitFailed
	default:
		fmt.Fprintf(stderr, "Error: %s\n", escapeControl(strings.TrimSpace(err.Error())))
		return exitFailed
	}
}

// escapeControl escapes what could split or forge a line on a terminal:
// control and other non-printing characters (newline, ESC, bidi overrides,
// zero-width spaces) and invalid UTF-8, the way strconv.Quote writes them
// (\n, \x1b, \u202e). Printable text, quotes and backslashes stay as they are.
func escapeControl(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == ' ' || unicode.IsPrint(r):
			b.WriteRune(r)
		default:
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		}
	}
	return b.String()
}

// commands lists every subcommand; each lives in its own file.
func commands(e *env) []*cli.Command {
	cmds := []*cli.Command{
		ingestCommand(e),
		queryCommand(e),
		sampleCommand(e),
		metricsCommand(e),
		attackLayerCommand(e),
		reportCommand(e),
		runCommand(e),
		mailCommand(e),
		exportCommand(e),
		reviewCommand(e),
		coverageCommand(e),
		benchmarkCommand(e),
		actionsCommand(e),
	}
	for _, c := range cmds {
		c.OnUsageError = func(c *cli.Context, err error, _ bool) error {
			return usagef("pir "+c.Command.Name+" --help", "%v", err)
		}
	}
	return cmds
}

// isTerminal reports whether w is a character device (a TTY).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	if err != nil {
		return false
	}
	return st.Mode()&os.ModeCharDevice != 0
}
