package main

import "github.com/urfave/cli/v2"

func reviewCommand(e *env) *cli.Command { return notYet("review") }
