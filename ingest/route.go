package ingest

import (
	"encoding/binary"
	"strconv"
	"strings"
)

// route is where the loader writes a case.
type route int

const (
	// routeStage: to the staging tables; the merge decides (a key that is
	// stored with another digest, repeats a key of the run, or may exist).
	routeStage route = iota
	// routeNew: straight to the store tables, the case's key being neither
	// stored nor read before in the run.
	routeNew
	// routeUnchanged: only the key to the staging, its key and digest
	// prefix being stored (Classify checks the whole digest).
	routeUnchanged
)

// keyRouter decides each case's route from its key and digest, in file
// order. It knows every key read in the run and, when the store was empty
// or its digests were read (stored), every key of the store: a key it does
// not know is new. Otherwise it knows the keys the loader asked the store
// about (probed), and every other case goes to the staging.
type keyRouter struct {
	known bool // the store's keys are known (empty, or read with stored)
	keys  map[string]keyState
	buf   []byte
}

// keyState is what the router knows of a key.
type keyState struct {
	digest uint64 // first 64 bits of the stored content digest
	stored bool   // in the store before the run
	seen   bool   // read earlier in the run
	probed bool   // the store was asked about it (stored says the answer)
}

func newKeyRouter(emptyStore bool) *keyRouter {
	return &keyRouter{known: emptyStore, keys: map[string]keyState{}}
}

// key is the map key of (source, id): the source's length, the source and
// the id, so no two keys share it.
func (k *keyRouter) key(source, id string) []byte {
	k.buf = binary.AppendUvarint(k.buf[:0], uint64(len(source)))
	k.buf = append(k.buf, source...)
	return append(k.buf, id...)
}

// stored records a key of the store with the first 64 bits of its digest
// (pirsql.IngestTx.StoredDigests); after it, the router knows the store.
func (k *keyRouter) stored(source, id string, digest uint64) {
	k.known = true
	k.keys[string(k.key(source, id))] = keyState{digest: digest, stored: true}
}

// probed records the answer of the store about a key it was asked about
// (pirsql.IngestWriter.Probe): stored, with the first 64 bits of its
// digest, or not.
func (k *keyRouter) probed(source, id string, stored bool, digest uint64) {
	b := k.key(source, id)
	st := k.keys[string(b)]
	st.probed, st.stored, st.digest = true, stored, digest
	k.keys[string(b)] = st
}

// needsProbe says whether the store must be asked about (source, id)
// before the case can be routed: the router knows neither the store nor
// this key.
func (k *keyRouter) needsProbe(source, id string) bool {
	if k.known {
		return false
	}
	st := k.keys[string(k.key(source, id))]
	return !st.probed && !st.seen
}

// route is the route of the case with key (source, id) and content digest
// hash (hex), read next.
func (k *keyRouter) route(source, id, hash string) route {
	b := k.key(source, id)
	st := k.keys[string(b)]
	if !k.known && !st.probed {
		return routeStage
	}
	if st.seen {
		return routeStage
	}
	st.seen = true
	k.keys[string(b)] = st
	switch {
	case !st.stored:
		return routeNew
	case st.digest == digest64(hash):
		return routeUnchanged
	}
	return routeStage
}

// digest64 is the first 64 bits of a hex digest (0 for a malformed one,
// which then matches no stored digest but a malformed one).
func digest64(hash string) uint64 {
	if len(hash) < 16 {
		return 0
	}
	v, _ := strconv.ParseUint(hash[:16], 16, 64)
	return v
}

// lookup is how the loader learns which keys the store holds.
type lookup int

const (
	// lookupNone: it does not; every case is staged for the merge.
	lookupNone lookup = iota
	// lookupAll: it reads every stored key and digest before the run.
	lookupAll
	// lookupProbe: it asks the store about the keys it reads, a batch at
	// a time.
	lookupProbe
)

// chooseLookup is the lookup for these inputs into a store of stored
// cases: reading every digest costs about a microsecond per stored case
// and pays off when the input is not small next to the store
// (wantsDigests); otherwise the loader asks about the keys it reads, so
// that new cases still go straight to the store.
func chooseLookup(files []inputFile, stored int64) lookup {
	if wantsDigests(files, stored) {
		return lookupAll
	}
	return lookupProbe
}

// wantsDigests says whether reading the store's digests pays off for these
// inputs: reading costs about a microsecond per stored case, and lets new
// cases go straight to the store and unchanged ones be staged by key only,
// which saves more than probing only when the input is not small next to
// the store (at least 64 bytes of input per stored case; standard input,
// of unknown size, counts as large, a .gz file as 8 times its size).
func wantsDigests(files []inputFile, stored int64) bool {
	var size int64
	for _, f := range files {
		if f.path == "-" {
			return true
		}
		n := f.size
		if strings.HasSuffix(strings.ToLower(f.path), ".gz") {
			n *= 8
		}
		size += n
	}
	return size >= stored*64
}
