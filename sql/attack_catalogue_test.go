package sql

import (
	"context"
	"reflect"
	"testing"
)

func TestAttackTechniques(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, ":memory:", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ts, err := db.AttackTechniques(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// 0002 holds 835 IDs of v18.1 and 20 of v19: only v18.1's are listed.
	if len(ts) != 835 {
		t.Errorf("got %d techniques, want 835", len(ts))
	}
	by := map[string]AttackTechnique{}
	for _, x := range ts {
		by[x.ID] = x
	}
	for _, c := range []AttackTechnique{
		{ID: "T1064", Tactics: []string{"defense-evasion", "execution"}, Deprecated: true},
		{ID: "T1053.004", Tactics: []string{"execution", "persistence", "privilege-escalation"}, Deprecated: true},
		{ID: "T1566.001", Tactics: []string{"initial-access"}},
	} {
		c.Release, c.Domain = "v18.1", "enterprise-attack"
		if got := by[c.ID]; !reflect.DeepEqual(got, c) {
			t.Errorf("%s: got %+v, want %+v", c.ID, got, c)
		}
	}
	if !by["T1086"].Revoked {
		t.Errorf("T1086: got %+v, want revoked", by["T1086"])
	}
	if _, ok := by["T1685"]; ok {
		t.Error("T1685 (an ATT&CK v19 ID) listed")
	}
}
