package main

import "github.com/urfave/cli/v2"

func sampleCommand(e *env) *cli.Command { return notYet("sample") }
