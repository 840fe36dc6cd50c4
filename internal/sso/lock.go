package sso

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// errLocked is what tryLockFile reports when another process holds the lock.
var errLocked = errors.New("sso: locked by another process")

// lockPoll is how often lockFile retries a held lock.
const lockPoll = 100 * time.Millisecond

// lockFile takes the exclusive lock on path (created 0600 in a 0700 directory), waiting until it
// is free or ctx ends. The OS drops the lock when the process exits, so a crashed holder never
// blocks the next. It is the minimal form of the project's file lock, kept here until a shared
// file-safety helper takes it over.
func lockFile(ctx context.Context, path string) (unlock func(), err error) {
	for {
		unlock, err := tryLockFile(path)
		if !errors.Is(err, errLocked) {
			return unlock, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("sso: waiting for another sign-in to finish: %w", ctx.Err())
		case <-time.After(lockPoll):
		}
	}
}

// tryLockFile takes the lock on path, or fails at once with errLocked.
func tryLockFile(path string) (unlock func(), err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := lockFD(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { unlockFD(f); f.Close() }, nil
}
