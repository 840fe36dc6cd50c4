//go:build windows

package logging

import "os"

// checkDir does nothing on Windows: access is governed by ACLs inherited
// from the user's profile directory (where the log directory lives), not by
// Unix modes, so nothing is tightened here.
func checkDir(dir string, fi os.FileInfo) error { return nil }

// ensureFile creates path if missing.
func ensureFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	return f.Close()
}
