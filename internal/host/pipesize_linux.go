package host

import (
	"os"

	"golang.org/x/sys/unix"
)

// growReplyPipe asks for a stdout pipe that holds a whole reply (1 MiB, the browser's limit and
// Linux's default ceiling for a user), so that a large profile list is written in one go rather
// than in 64 KiB turns between the host and the browser. Not a pipe, or not allowed: nothing
// changes.
func growReplyPipe(stdout *os.File) {
	_, _ = unix.FcntlInt(stdout.Fd(), unix.F_SETPIPE_SZ, 1<<20)
}
