package main

import "github.com/urfave/cli/v2"

func actionsCommand(e *env) *cli.Command { return notYet("actions") }
