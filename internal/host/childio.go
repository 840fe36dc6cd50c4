package host

import (
	"bufio"
	"io"
	"os"

	"github.com/rs/zerolog"
)

// Limits on what is kept of the programs' stderr: enough to see why a credential_process
// failed, never enough to fill the log.
const (
	childLineMax  = 512
	childLinesMax = 64
)

// DetachChildIO keeps the programs this process starts off its own standard streams. The AWS
// SDK runs a profile's credential_process with the process's os.Stdin and os.Stderr (so that a
// terminal user can answer an MFA prompt). In the native host stdin is the browser's frame
// stream, which a child must not read, and stderr goes to the browser's console, where
// PROTOCOL.md promises nothing; in `serve` stderr is the service journal. So a child reads the
// null device and its stderr is read here, bounded, and logged at debug level (the log redacts
// every line). Only the faces that own no terminal call it; the CLI keeps the terminal's streams.
func DetachChildIO(log zerolog.Logger) {
	if null, err := os.Open(os.DevNull); err == nil {
		os.Stdin = null
	}
	r, w, err := os.Pipe()
	if err != nil {
		// Without a pipe, a child's stderr must still not reach the browser.
		if null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
			os.Stderr = null
		}
		return
	}
	os.Stderr = w
	go logChildStderr(r, log)
}

// logChildStderr logs the first childLinesMax lines read from r, each cut at childLineMax bytes,
// and drains the rest so a writer never blocks.
func logChildStderr(r io.Reader, log zerolog.Logger) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	n := 0
	for sc.Scan() {
		if n < childLinesMax {
			line := sc.Text()
			if len(line) > childLineMax {
				line = line[:childLineMax] + "…"
			}
			log.Debug().Str("source", "child stderr").Msg(line)
		}
		n++
	}
	// A line longer than the scanner's buffer stops Scan: read on so the child is not blocked.
	_, _ = io.Copy(io.Discard, r)
}
