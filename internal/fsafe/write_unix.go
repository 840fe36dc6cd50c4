//go:build unix

package fsafe

import (
	"os"
)

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// replaceFile renames tmp over path; on Unix a rename is atomic and never blocked by readers.
func replaceFile(tmp, path string) error { return os.Rename(tmp, path) }
