package pdf

import (
	"bytes"
	"flag"
	"os"
	"testing"
)

var pdfOut = flag.String("pdf-out", "", "write the fixture report to this file to look at")

func TestPdfLook(t *testing.T) {
	if *pdfOut == "" {
		t.Skip("set -pdf-out")
	}
	var b bytes.Buffer
	if err := Render(&b, fixture(), Options{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(*pdfOut, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
