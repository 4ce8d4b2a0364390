package main

import "github.com/urfave/cli/v2"

func queryCommand(e *env) *cli.Command { return notYet("query") }
