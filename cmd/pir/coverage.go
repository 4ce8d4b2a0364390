package main

import "github.com/urfave/cli/v2"

func coverageCommand(e *env) *cli.Command { return notYet("coverage") }
