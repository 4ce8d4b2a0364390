// Package atomicdir replaces a directory with another in one step, and
// cleans up after a process that was killed while doing it.
//
// A finished directory is built in a hidden sibling of its destination
// (TempDir), then swapped in with Replace. On Linux the swap is one
// renameat2(RENAME_EXCHANGE): a reader sees the old directory or the new
// one, never neither, whatever the moment the process dies. Elsewhere (or on
// a file system without RENAME_EXCHANGE) it takes two renames, and a process
// killed between them leaves the destination missing with both directories
// beside it: Recover, run before the next replacement, finishes the swap. The
// siblings carry the writing process's ID, so Recover never touches those of
// a process still running.
package atomicdir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Steps at which Swapper.Hook is called, for tests that kill the process
// there.
const (
	StepExchanged = "exchanged" // after the exchange, before the old directory is removed
	StepAside     = "aside"     // two renames: after the old directory was moved aside
	StepReplaced  = "replaced"  // two renames: after the new directory was moved in
)

// Swapper replaces directories. The zero value uses RENAME_EXCHANGE where
// the platform has it.
type Swapper struct {
	// NoExchange forces the two-rename fallback (tests).
	NoExchange bool
	// Hook, when set, is called at each step (tests).
	Hook func(step string)
}

func (s Swapper) hook(step string) {
	if s.Hook != nil {
		s.Hook(step)
	}
}

// TempDir creates the hidden sibling to build dst's replacement in:
// ".<base>.tmp-<pid>-<random>" next to dst.
func TempDir(dst string) (string, error) {
	return os.MkdirTemp(filepath.Dir(dst), litterPrefix(dst, "tmp")+strconv.Itoa(os.Getpid())+"-")
}

func litterPrefix(dst, kind string) string { return "." + filepath.Base(dst) + "." + kind + "-" }

// Replace moves the finished directory src (made by TempDir) to dst,
// replacing dst if it exists, and removes the old one.
func (s Swapper) Replace(src, dst string) error {
	if _, err := os.Lstat(dst); errors.Is(err, os.ErrNotExist) {
		return os.Rename(src, dst)
	} else if err != nil {
		return err
	}
	if !s.NoExchange {
		err := exchange(src, dst)
		if err == nil {
			s.hook(StepExchanged)
			return os.RemoveAll(src) // src now holds the old directory
		}
		if !errors.Is(err, errNoExchange) {
			return err
		}
	}
	// Two renames. A process killed between them leaves dst missing; the
	// aside name carries the same pid as src so Recover can pair them.
	aside := filepath.Join(filepath.Dir(dst), litterPrefix(dst, "old")+strings.TrimPrefix(filepath.Base(src), litterPrefix(dst, "tmp")))
	if err := os.Rename(dst, aside); err != nil {
		return err
	}
	s.hook(StepAside)
	if err := os.Rename(src, dst); err != nil {
		if back := os.Rename(aside, dst); back != nil {
			return fmt.Errorf("%w (and putting the old directory back: %v)", err, back)
		}
		return err
	}
	s.hook(StepReplaced)
	return os.RemoveAll(aside)
}

// Recovered says what Recover did.
type Recovered struct {
	// Finished is the replacement a killed process had moved aside the old
	// directory for; Restored an old directory put back because no
	// replacement was complete. Both empty when dst was in place.
	Finished, Restored string
	// Removed are the leftover siblings deleted.
	Removed []string
}

// Recover cleans up after processes killed while replacing dst: when dst is
// missing it completes an interrupted two-rename swap (or puts the old
// directory back), and it removes the temporary and old siblings of dst left
// by processes that are no longer running. Siblings of running processes
// (another replacement in progress) are left alone.
func Recover(dst string) (Recovered, error) {
	var r Recovered
	parent := filepath.Dir(dst)
	ents, err := os.ReadDir(parent)
	if errors.Is(err, os.ErrNotExist) {
		return r, nil
	} else if err != nil {
		return r, err
	}
	type litter struct{ kind, id, path string }
	var dead []litter
	for _, e := range ents {
		for _, kind := range []string{"tmp", "old"} {
			id, ok := strings.CutPrefix(e.Name(), litterPrefix(dst, kind))
			if !ok || !e.IsDir() {
				continue
			}
			pid, _, _ := strings.Cut(id, "-")
			n, err := strconv.Atoi(pid)
			if err != nil || n == os.Getpid() || running(n, filepath.Join(parent, e.Name())) {
				continue
			}
			dead = append(dead, litter{kind, id, filepath.Join(parent, e.Name())})
		}
	}
	sort.Slice(dead, func(i, j int) bool { return dead[i].path < dead[j].path })
	if _, err := os.Lstat(dst); errors.Is(err, os.ErrNotExist) {
		// Killed between the two renames: the replacement whose old
		// directory was moved aside (same id) was complete; finish it.
		old := map[string]string{}
		for _, l := range dead {
			if l.kind == "old" {
				old[l.id] = l.path
			}
		}
		for _, l := range dead {
			if l.kind == "tmp" && old[l.id] != "" {
				if err := os.Rename(l.path, dst); err != nil {
					return r, err
				}
				r.Finished = l.path
				break
			}
		}
		if r.Finished == "" {
			for _, l := range dead {
				if l.kind == "old" {
					if err := os.Rename(l.path, dst); err != nil {
						return r, err
					}
					r.Restored = l.path
					break
				}
			}
		}
	}
	for _, l := range dead {
		if l.path == r.Finished || l.path == r.Restored {
			continue
		}
		if err := os.RemoveAll(l.path); err != nil {
			return r, err
		}
		r.Removed = append(r.Removed, l.path)
	}
	return r, nil
}

// errNoExchange means the platform or file system cannot exchange two
// paths in one step.
var errNoExchange = errors.New("rename exchange not supported")
