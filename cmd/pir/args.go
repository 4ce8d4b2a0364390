package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// interspersedArgs returns the positional arguments and applies flags given
// after them ("pir review IR-1 --format pdf"), which the flag package would
// otherwise take as arguments. "--" ends the flags.
func interspersedArgs(c *cli.Context) ([]string, error) {
	in := c.Args().Slice()
	var args []string
	for i := 0; i < len(in); i++ {
		a := in[i]
		if a == "--" {
			return append(args, in[i+1:]...), nil
		}
		if len(a) < 2 || a[0] != '-' {
			args = append(args, a)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := lookupFlag(c, name)
		if f == nil {
			return nil, usagef("pir "+c.Command.Name+" --help", "flag provided but not defined: -%s", name)
		}
		if _, isBool := f.(*cli.BoolFlag); isBool && !hasValue {
			value, hasValue = "true", true
		}
		if !hasValue {
			if i+1 >= len(in) {
				return nil, usagef("pir "+c.Command.Name+" --help", "flag needs an argument: -%s", name)
			}
			i++
			value = in[i]
		}
		if err := c.Set(f.Names()[0], value); err != nil {
			return nil, usagef("pir "+c.Command.Name+" --help", "-%s %q: %v", name, value, err)
		}
	}
	return args, nil
}

func lookupFlag(c *cli.Context, name string) cli.Flag {
	for _, f := range c.Command.Flags {
		for _, n := range f.Names() {
			if n == name {
				return f
			}
		}
	}
	return nil
}

// fileArgs returns the arguments of a command that takes files (pir ingest,
// pir mail), refusing a flag given after them ("pir ingest FILE --format
// pir"): the flag package stops at the first argument, so the flag would
// otherwise be read as a file name. "--" ends the flags for a file whose
// name starts with a dash ("pir ingest -- -cases.jsonl"); "-" alone is
// stdin. try is the command line the usage error suggests.
func fileArgs(c *cli.Context, try string) ([]string, error) {
	in := c.Args().Slice()
	if len(in) > 0 && isFlagLike(in[0]) {
		return in, nil // only "--" lets an argument that starts with a dash through
	}
	for i, a := range in {
		if a == "--" {
			return append(in[:i:i], in[i+1:]...), nil
		}
		if isFlagLike(a) {
			return nil, usagef(try, "flag %s after the file names: put the flags first", a)
		}
	}
	return in, nil
}

// isFlagLike reports whether an argument looks like a flag: a dash and
// more ("-" alone is stdin).
func isFlagLike(a string) bool { return len(a) > 1 && a[0] == '-' }
