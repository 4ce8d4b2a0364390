//go:build !linux

package atomicdir

// exchange is not available: the caller falls back to two renames.
func exchange(src, dst string) error { return errNoExchange }
