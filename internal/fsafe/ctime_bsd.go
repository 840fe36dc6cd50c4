//go:build darwin || freebsd || netbsd

package fsafe

import "syscall"

func ctimeOf(st *syscall.Stat_t) int64 { return st.Ctimespec.Nano() }
