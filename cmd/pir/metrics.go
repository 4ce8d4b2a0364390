package main

import "github.com/urfave/cli/v2"

func metricsCommand(e *env) *cli.Command { return notYet("metrics") }
