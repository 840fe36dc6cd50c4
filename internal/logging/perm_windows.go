//go:build windows

package logging

import (
	"fmt"
	"os"
)

// ensureDir creates dir. On Windows, access is governed by ACLs inherited
// from the user's profile directory (where the log directory lives), not by
// Unix modes, so nothing is tightened here.
func ensureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	return nil
}

// ensureFile creates path if missing.
func ensureFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	return f.Close()
}
