//go:build unix

package atomicdir

import (
	"errors"

	"golang.org/x/sys/unix"
)

// running reports whether process pid exists (signal 0; EPERM means it
// exists but belongs to someone else).
func running(pid int, _ string) bool {
	err := unix.Kill(pid, 0)
	return err == nil || errors.Is(err, unix.EPERM)
}
