package atomicdir

import (
	"errors"

	"golang.org/x/sys/unix"
)

// exchange swaps src and dst in one step: renameat2(2) with
// RENAME_EXCHANGE (Linux 3.15). File systems without it answer EINVAL (or
// the kernel ENOSYS): the caller falls back to two renames.
func exchange(src, dst string) error {
	err := unix.Renameat2(unix.AT_FDCWD, src, unix.AT_FDCWD, dst, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EOPNOTSUPP) {
		return errNoExchange
	}
	return err
}
