package main

import "github.com/urfave/cli/v2"

func exportCommand(e *env) *cli.Command { return notYet("export") }
