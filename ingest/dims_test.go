package ingest

import (
	"reflect"
	"testing"
)

// wantDims is a hand-written expectation of the dimensions an importer
// fills (issues 15, 17, 20); every field is checked, empty meaning none.
type wantDims struct {
	Assets, Platforms                           []string
	Team, BusinessUnit, Tenant, DetectionSource string
}

// checkDims compares a case's dimensions with w.
func checkDims(t *testing.T, got *Case, w wantDims) {
	t.Helper()
	g := wantDims{Assets: nilIfEmpty(got.Assets), Platforms: nilIfEmpty(got.Platforms), Team: got.Team,
		BusinessUnit: got.BusinessUnit, Tenant: got.Tenant, DetectionSource: got.DetectionSource}
	w.Assets, w.Platforms = nilIfEmpty(w.Assets), nilIfEmpty(w.Platforms)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("case %s: dimensions:\n got %+v\nwant %+v", got.ID, g, w)
	}
}
