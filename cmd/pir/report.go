package main

import "github.com/urfave/cli/v2"

func reportCommand(e *env) *cli.Command { return notYet("report") }
