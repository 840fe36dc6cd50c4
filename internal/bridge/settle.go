package bridge

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/profiles"
)

// The read–settle–cache policy, the one every face goes through.
//
// Reading the AWS files while `aws configure` or an editor rewrites them in place (truncate, then
// write, maybe in pieces) can see an empty or half-written file, and a list built from it would
// be neither the old list nor the new one. So the files are read only once neither changed within
// settleWindow, and read again when their stamps differ across the read. A request that cannot
// get such a read within settleDeadline of its arrival — however long it waited behind other
// requests or for a build slot — answers config_error; it never answers a torn list.
//
// An empty file is different: on Linux a stat can show a file emptied by open(O_TRUNC) with its
// old modification time for as long as the truncation takes (the size is set before the time,
// and a loaded machine can preempt the writer between the two for a good part of a second), so
// an empty file is trusted only once it has been seen empty and unchanged for emptyConfirm, as
// long as the settle window: the promise is the same for a truncation as for a write. The first
// sighting is remembered, in memory and in the cache directory (cache.go), so a long-lived
// server looks twice once, not per request, and a native host (a process per request) trusts at
// once a file an earlier process saw empty, with the same stamp, long enough ago. A stamp caught
// mid-truncation does not come back once the write is done (the writer's times and size move
// on), so a sighting of it is never matched later. A missing file costs nothing.
//
// The guarantee holds for writers that finish within settleWindow; a writer that stalls longer
// mid-write leaves a file that cannot be told from one the user saved that way.
var (
	settleWindow   = fsafe.QuietWindow
	settleDeadline = 3 * time.Second
	emptyConfirm   = 250 * time.Millisecond
	// listCacheTTL bounds how long the in-memory list is served, so an "expired" flag is at most
	// that late even when no recorded expiry says when to rebuild.
	listCacheTTL = time.Second
	// load reads the files, newTimer times the waits and wallClock dates the sightings of empty
	// files; tests replace them.
	load      = awsconfig.Load
	newTimer  = time.NewTimer
	wallClock = time.Now
)

// errUnstable is the clear error for files that never settle within a request's deadline.
var errUnstable = apierr.New(apierr.CodeConfigError, "the AWS config files kept changing while being read; try again in a moment")

// shared is what every copy of a Service shares: the build slots, what was seen of empty files,
// and the in-memory list.
type shared struct {
	// slots bounds the list builds running at once (each holds a parsed copy of the files), so 50
	// clients do not hold 50 copies.
	slots chan struct{}
	hits  atomic.Int64 // list-cache hits, for tests

	mu    sync.Mutex
	empty map[string]emptyMark
	mem   memList
}

type emptyMark struct {
	st    fileStamp
	since time.Time
}

// memList is the last default list reply, kept while both files keep the stamps it was built
// from, for at most listCacheTTL and not past the first credential expiry. One build runs at a
// time; requests that arrive meanwhile wait for it (until their own deadline) instead of
// building their own.
type memList struct {
	key        []fileStamp
	at         time.Time
	validUntil int64 // 0: no expiry ahead
	reply      []byte
	building   chan struct{}
}

var sharedMu sync.Mutex

func (s *Service) state() *shared {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if s.shared == nil {
		s.shared = &shared{slots: make(chan struct{}, max(1, min(runtime.GOMAXPROCS(0), 4))), empty: map[string]emptyMark{}}
	}
	return s.shared
}

// WithLog returns a copy of s that logs to l (a request's logger) and shares s's caches.
func (s *Service) WithLog(l zerolog.Logger) *Service {
	s.state()
	c := *s
	c.Log = l
	return &c
}

func (s *Service) hits() int { return int(s.state().hits.Load()) }

// pause waits d, cut short by ctx or the request's deadline; it fails once the deadline is past.
func pause(ctx context.Context, d time.Duration, until time.Time) error {
	if left := time.Until(until); d > left {
		d = left
	}
	if d > 0 {
		t := newTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return canceled(ctx)
		}
	}
	if !time.Now().Before(until) {
		return errUnstable
	}
	return nil
}

// waitFor waits until ch is closed, ctx ends or the deadline passes.
func waitFor(ctx context.Context, ch <-chan struct{}, until time.Time) error {
	t := time.NewTimer(time.Until(until))
	defer t.Stop()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return canceled(ctx)
	case <-t.C:
		return errUnstable
	}
}

func canceled(ctx context.Context) error {
	return apierr.Wrap(apierr.CodeCanceled, ctx.Err(), "the request was abandoned")
}

// acquire takes a build slot; the caller must call release (with defer: a panic must not keep
// it).
func (s *Service) acquire(ctx context.Context, until time.Time) (release func(), err error) {
	slots := s.state().slots
	select {
	case slots <- struct{}{}:
		return func() { <-slots }, nil
	default:
	}
	t := time.NewTimer(time.Until(until))
	defer t.Stop()
	select {
	case slots <- struct{}{}:
		return func() { <-slots }, nil
	case <-ctx.Done():
		return nil, canceled(ctx)
	case <-t.C:
		return nil, errUnstable
	}
}

// loadSettled is awsconfig.Load on files that are not being written, with the stamps the read
// was checked against. Errors are coded: config_error (unreadable, malformed, or still changing
// at until) or canceled.
func (s *Service) loadSettled(ctx context.Context, until time.Time) (*awsconfig.Config, []fileStamp, error) {
	for {
		before := s.stamps()
		if age := fsafe.Youngest(time.Now(), before...); age < settleWindow {
			if err := pause(ctx, settleWindow-age, until); err != nil {
				return nil, nil, err
			}
			continue
		}
		if !s.emptyTrusted(before) {
			if err := pause(ctx, emptyConfirm, until); err != nil {
				return nil, nil, err
			}
			continue
		}
		cfg, err := load(s.Paths)
		if slices.Equal(before, s.stamps()) {
			return cfg, before, configError(err)
		}
		if !time.Now().Before(until) {
			return nil, nil, errUnstable
		}
	}
}

// emptyTrusted reports whether every empty file in st has been seen empty, with this stamp, for
// at least emptyConfirm: by this process or, through the cache directory, an earlier one. A
// sighting dated in the future (the clock was set back) counts as none.
func (s *Service) emptyTrusted(st []fileStamp) bool {
	sh := s.state()
	now := wallClock()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	ok, changed := true, false
	var disk map[string]emptyMark
	diskRead := false
	for _, f := range st {
		if !f.Exists || f.Size != 0 {
			delete(sh.empty, f.Path)
			continue
		}
		m, seen := sh.empty[f.Path]
		if !seen || m.st != f {
			if !diskRead {
				disk, diskRead = s.loadEmptyMarks(), true
			}
			if m, seen = disk[f.Path]; !seen || m.st != f || m.since.After(now) {
				m, seen, changed = emptyMark{st: f, since: now}, false, true
			}
			sh.empty[f.Path] = m
		}
		if !seen || now.Sub(m.since) < emptyConfirm {
			ok = false
		}
	}
	if changed {
		s.storeEmptyMarks(sh.empty, disk)
	}
	return ok
}

// defaultList is the default getProfiles reply: from memory, else from the disk cache, else
// built (once for all the requests that want it meanwhile).
func (s *Service) defaultList(ctx context.Context, until time.Time) ([]byte, string, error) {
	sh := s.state()
	for {
		stamps := s.stamps()
		sh.mu.Lock()
		m := &sh.mem
		if m.reply != nil && slices.Equal(m.key, stamps) && time.Since(m.at) < listCacheTTL &&
			(m.validUntil == 0 || s.now().UnixNano() < m.validUntil) {
			r := m.reply
			sh.mu.Unlock()
			sh.hits.Add(1)
			return r, "memory", nil
		}
		if ch := m.building; ch != nil {
			sh.mu.Unlock()
			if err := waitFor(ctx, ch, until); err != nil {
				return nil, "", err
			}
			continue
		}
		done := make(chan struct{})
		m.building = done
		sh.mu.Unlock()
		return s.buildDefault(ctx, until, done, stamps)
	}
}

// buildDefault builds the default list for defaultList and, whatever happens (a panic too),
// ends the build so that the requests waiting for it go on. stamps are the files' stamps taken
// before anything was read (a change while we read means a miss next time).
func (s *Service) buildDefault(ctx context.Context, until time.Time, done chan struct{}, stamps []fileStamp) (reply []byte, hit string, err error) {
	sh := s.state()
	var key []fileStamp
	var validUntil int64
	at := time.Now()
	defer func() {
		sh.mu.Lock()
		if err == nil && key != nil {
			sh.mem = memList{key: key, at: at, validUntil: validUntil, reply: reply}
		}
		sh.mem.building = nil
		close(done)
		sh.mu.Unlock()
	}()

	var build string
	disk := s.CacheDir != "" && worthCaching(stamps)
	if disk {
		build = s.buildID()
		if r, vu, ok := s.cachedList(stamps, build); ok {
			sh.hits.Add(1)
			if fsafe.Youngest(time.Now(), stamps...) >= settleWindow {
				key, validUntil = stamps, vu
			}
			return r, "disk", nil
		}
	}
	release, err := s.acquire(ctx, until)
	if err != nil {
		return nil, "", err
	}
	defer release()
	cfg, read, err := s.loadSettled(ctx, until)
	if err != nil {
		return nil, "", err
	}
	now := s.now()
	list := profiles.Build(cfg, now)
	if reply, err = ProfileListReply(list, cfg.Warnings, 0, 0); err != nil {
		return nil, "", err
	}
	vu, ok := validUntilOf(list, now)
	if !ok {
		return reply, "", nil // cannot tell when it goes stale: serve it, keep it nowhere
	}
	key, validUntil = read, vu
	if disk && slices.Equal(stamps, read) {
		s.storeList(reply, vu, stamps, build)
	}
	return reply, "", nil
}
