package httpapi

import (
	"context"
	"os"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/bridge"
)

// Reading the AWS files while an editor or `aws configure` rewrites them in place (truncate,
// then write, maybe in pieces) can see an empty or half-written file, and a list built from it
// would be neither the old list nor the new one. The server answers many requests while the
// files change, so it reads them only when they have been quiet for quietWindow and have not
// changed (size, time, identity) across the read; otherwise it waits and reads again, and after
// stableDeadline answers config_error instead of a torn list. An empty file is trusted only once
// it has stayed empty for quietWindow: on Linux a stat can see the truncation of open(O_TRUNC)
// before the file's time changes, so "empty, old time" may be the first instant of a rewrite.
// The guarantee holds for writers
// that finish within quietWindow; a writer that stalls longer mid-write leaves a file that is
// indistinguishable from one the user emptied on purpose.
var (
	quietWindow    = 250 * time.Millisecond
	stableDeadline = 3 * time.Second
)

type fileState struct {
	fi  os.FileInfo // nil: missing
	err bool
}

func statFiles(paths ...string) []fileState {
	out := make([]fileState, len(paths))
	for i, p := range paths {
		fi, err := os.Stat(p)
		out[i] = fileState{fi: fi, err: err != nil && !os.IsNotExist(err)}
	}
	return out
}

func sameStates(a, b []fileState) bool {
	for i := range a {
		if !sameState(a[i], b[i]) {
			return false
		}
	}
	return true
}

// sameState reports whether a and b are the same version of one file: both missing (or both
// unreadable), or the same file with the same size and modification time.
func sameState(a, b fileState) bool {
	x, y := a.fi, b.fi
	switch {
	case a.err != b.err, (x == nil) != (y == nil):
		return false
	case x == nil:
		return true
	}
	return x.Size() == y.Size() && x.ModTime().Equal(y.ModTime()) && os.SameFile(x, y)
}

// youngest is how long ago the most recently modified file changed (a large value when none exist).
func youngest(st []fileState, now time.Time) time.Duration {
	age := time.Duration(1<<62 - 1)
	for _, s := range st {
		if s.fi != nil {
			age = min(age, now.Sub(s.fi.ModTime()))
		}
	}
	return age
}

// errUnstable is the clear error for files that never settle.
var errUnstable = apierr.New(apierr.CodeConfigError, "the AWS config files kept changing while being read; try again in a moment")

// stableDo runs req once the AWS files are quiet; with retry (list routes, no side effects) it
// runs it again when they changed during the read.
func (s *Server) stableDo(ctx context.Context, svc *bridge.Service, req bridge.Request, retry bool) ([]byte, apierr.Code) {
	paths := []string{svc.Paths.ConfigFile, svc.Paths.CredentialsFile}
	deadline := time.Now().Add(stableDeadline)
	for {
		before := statFiles(paths...)
		age := youngest(before, time.Now())
		if age >= quietWindow && !s.emptyConfirmed(paths, before) {
			age = 0
		}
		if age >= 0 && age < quietWindow {
			if time.Now().After(deadline) {
				return apierr.Reply(errUnstable, false), apierr.CodeConfigError
			}
			select {
			case <-time.After(quietWindow - age):
				continue
			case <-ctx.Done():
				return apierr.Reply(apierr.New(apierr.CodeCanceled, "the request was abandoned"), false), apierr.CodeCanceled
			}
		}
		if retry { // a list build: bounded, so 50 clients do not hold 50 parsed copies at once
			select {
			case s.builds <- struct{}{}:
			case <-ctx.Done():
				return apierr.Reply(apierr.New(apierr.CodeCanceled, "the request was abandoned"), false), apierr.CodeCanceled
			}
		}
		reply, code := svc.Do(ctx, req)
		if !retry {
			return reply, code
		}
		<-s.builds
		if sameStates(before, statFiles(paths...)) {
			return reply, code
		}
		if time.Now().After(deadline) {
			return apierr.Reply(errUnstable, false), apierr.CodeConfigError
		}
	}
}

// emptyConfirmed reports whether every empty file in st has been seen empty, unchanged, for at
// least quietWindow (remembered, so a user's empty credentials file costs one wait, not one per
// request).
func (s *Server) emptyConfirmed(paths []string, st []fileState) bool {
	now := time.Now()
	s.emptyMu.Lock()
	defer s.emptyMu.Unlock()
	if s.emptySeen == nil {
		s.emptySeen = map[string]emptySeen{}
	}
	ok := true
	for i, f := range st {
		if f.fi == nil || f.fi.Size() != 0 {
			delete(s.emptySeen, paths[i])
			continue
		}
		seen, found := s.emptySeen[paths[i]]
		if !found || !sameState(seen.st, f) {
			s.emptySeen[paths[i]] = emptySeen{st: f, since: now}
			ok = false
			continue
		}
		if now.Sub(seen.since) < quietWindow {
			ok = false
		}
	}
	return ok
}

type emptySeen struct {
	st    fileState
	since time.Time
}
