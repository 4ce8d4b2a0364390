package main

import "github.com/urfave/cli/v2"

func mailCommand(e *env) *cli.Command { return notYet("mail") }
