package ingest

import (
	"errors"
	"io"
)

// Canonical is the "pir case v1" format: JSON array, JSON Lines or CSV.
type Canonical struct{}

// Name implements Format.
func (Canonical) Name() string { return "pir" }

// Detect implements Format.
func (Canonical) Detect(name string, head []byte) bool { return true }

// Parse implements Format.
func (Canonical) Parse(p *ParseContext, r io.Reader, emit func(Record) error) error {
	return errors.New("canonical parser: in progress")
}
