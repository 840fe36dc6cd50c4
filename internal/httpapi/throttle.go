package httpapi

import (
	"sync"
	"time"
)

// throttle counts failed authentications in a sliding window. Once limit failures fall inside
// the window, every request that needs a token is answered 429 without looking at its token
// (otherwise a correct guess would still be told apart from a wrong one) until the oldest
// failure leaves the window. All callers share one counter: every client of a loopback server
// comes from the same address, so a per-address counter would count the same thing.
type throttle struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	fails  []time.Time // oldest first, at most limit entries
}

func newThrottle(limit int, window time.Duration) *throttle {
	return &throttle{limit: limit, window: window}
}

func (t *throttle) prune(now time.Time) {
	cut := 0
	for cut < len(t.fails) && !t.fails[cut].After(now.Add(-t.window)) {
		cut++
	}
	t.fails = append(t.fails[:0], t.fails[cut:]...)
}

// retryAfter is how long requests must wait; 0 when they may try.
func (t *throttle) retryAfter(now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.prune(now)
	if len(t.fails) < t.limit {
		return 0
	}
	return t.fails[0].Add(t.window).Sub(now)
}

// fail records one failed attempt.
func (t *throttle) fail(now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.prune(now)
	if len(t.fails) >= t.limit {
		t.fails = t.fails[1:]
	}
	t.fails = append(t.fails, now)
}
