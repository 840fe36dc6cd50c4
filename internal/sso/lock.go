package sso

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
)

// errLocked is what tryLockFile reports when another process holds the lock.
var errLocked = errors.New("sso: locked by another process")

// lockPoll is how often lockFile retries a held lock (fsafe.Lock's wait cannot be cancelled).
const lockPoll = 100 * time.Millisecond

// lockFile takes the exclusive lock on path, waiting until it is free or ctx ends. The OS drops
// the lock when the process exits, so a crashed holder never blocks the next.
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

// tryLockFile takes the lock on path (in a private directory), or fails at once with errLocked.
func tryLockFile(path string) (unlock func(), err error) {
	if err := fsafe.EnsureDir(filepath.Dir(path), true); err != nil {
		return nil, err
	}
	u, ok, err := fsafe.TryLock(path)
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, errLocked
	}
	return func() { _ = u() }, nil
}
