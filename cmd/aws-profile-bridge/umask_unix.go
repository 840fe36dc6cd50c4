//go:build !windows

package main

import "syscall"

// setUmask makes every file and directory the host creates private to the user (docs/SECURITY.md).
func setUmask() { syscall.Umask(0o077) }
