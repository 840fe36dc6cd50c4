package host

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// The host's stdout pipe is grown to hold a whole reply where the system allows it; a stdout that
// is not a pipe is left alone without an error.
func TestGrowReplyPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	want := 1 << 20
	if b, err := os.ReadFile("/proc/sys/fs/pipe-max-size"); err == nil && os.Geteuid() != 0 {
		if limit, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && limit < want {
			want = 0 // not allowed here: the size must stay as it was
		}
	}
	before, err := unix.FcntlInt(w.Fd(), unix.F_GETPIPE_SZ, 0)
	if err != nil {
		t.Fatal(err)
	}
	growReplyPipe(w)
	got, err := unix.FcntlInt(w.Fd(), unix.F_GETPIPE_SZ, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want == 0 && got != before || want != 0 && got < want {
		t.Errorf("pipe size %d after growReplyPipe (before %d), want %d", got, before, max(want, before))
	}

	f, err := os.CreateTemp(t.TempDir(), "stdout")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	growReplyPipe(f) // a regular file: nothing to do, nothing to fail
	if _, err := f.WriteString("ok"); err != nil {
		t.Errorf("stdout unusable after growReplyPipe on a regular file: %v", err)
	}
}
