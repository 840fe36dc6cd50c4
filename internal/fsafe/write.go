package fsafe

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// PendingFile is a new version of a file being written: a temporary file in the same directory,
// renamed over the real one by Commit, so that a reader sees the old file or the new one, never a
// torn one. Cleanup (deferred) removes it when it was not committed. The temporary file is
// created exclusively (never through a symlink) and its mode is set on the descriptor.
type PendingFile struct {
	*os.File
	path string
	done bool
}

// NewPending starts a new version of path with mode perm (set explicitly: the umask plays no part).
func NewPending(path string, perm fs.FileMode) (*PendingFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), TempPrefix(path)+"*")
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return &PendingFile{File: f, path: path}, nil
}

// TempPrefix is how the temporary files of path's atomic writes are named (".name.tmp-"), for
// RemoveTemps and for readers listing a directory.
func TempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp-" }

// Commit makes the data durable (fsync), renames the file over path and syncs the directory, so
// the new version survives a crash once Commit returns.
func (p *PendingFile) Commit() error { return p.commit(true) }

// CommitNoSync renames the file over path without waiting for the disk: for a cache, where a
// crash losing the new version only costs a rebuild. The rename is still atomic.
func (p *PendingFile) CommitNoSync() error { return p.commit(false) }

func (p *PendingFile) commit(durable bool) error {
	if p.done {
		return fmt.Errorf("%s: already committed or cleaned up", p.Name())
	}
	p.done = true
	name := p.Name()
	ok := false
	defer func() {
		if !ok {
			p.File.Close()
			os.Remove(name)
		}
	}()
	if durable {
		if err := p.Sync(); err != nil {
			return fmt.Errorf("writing %s: %w", name, err)
		}
	}
	if err := p.File.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := replaceFile(name, p.path); err != nil {
		return fmt.Errorf("replacing %s: %w", p.path, err)
	}
	ok = true
	if durable {
		if err := syncDir(filepath.Dir(p.path)); err != nil {
			return fmt.Errorf("syncing %s: %w", filepath.Dir(p.path), err)
		}
	}
	return nil
}

// Cleanup closes and removes the temporary file unless it was committed; safe to defer.
func (p *PendingFile) Cleanup() {
	if p.done {
		return
	}
	p.done = true
	p.File.Close()
	os.Remove(p.Name())
}

// WriteFile replaces path with data (mode perm) atomically and durably.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	p, err := NewPending(path, perm)
	if err != nil {
		return err
	}
	defer p.Cleanup()
	if _, err := p.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", p.Name(), err)
	}
	return p.Commit()
}

// RemoveTemps removes the temporary files a crashed writer of path left behind. Call it only
// while no other writer of path can be running (under its lock).
func RemoveTemps(path string) {
	dir, prefix := filepath.Dir(path), TempPrefix(path)
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), prefix) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
