package main

import "github.com/urfave/cli/v2"

func runCommand(e *env) *cli.Command { return notYet("run") }
