package main

import "github.com/urfave/cli/v2"

func ingestCommand(e *env) *cli.Command { return notYet("ingest") }
