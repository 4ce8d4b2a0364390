package main

import "github.com/urfave/cli/v2"

func attackLayerCommand(e *env) *cli.Command { return notYet("attack-layer") }
