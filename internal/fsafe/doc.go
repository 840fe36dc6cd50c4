// Package fsafe is the one place that decides how the program touches a file: stamps that tell
// one version of a file from the next without reading it, and the quiet and racy windows that go
// with them (stamp.go); bounded reads of regular files only (read.go); atomic replacement
// (write.go); the private-permission rule (perm_unix.go, perm_windows.go); and exclusive locks
// between processes (lock.go). Every other package goes through it, so that a FIFO, a device, a
// symlink or a loose mode is handled the same way wherever a file is read or written.
package fsafe
