package bridge

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

func profilesText(prefix string, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "[profile %s-%03d]\nregion = eu-west-1\nrole_arn = arn:aws:iam::111122223333:role/R%d\nsource_profile = base\n\n", prefix, i, i)
	}
	return b.String()
}

// setSettle sets the policy's windows for one test.
func setSettle(t testing.TB, window, deadline, empty time.Duration) {
	oldW, oldD, oldE := settleWindow, settleDeadline, emptyConfirm
	settleWindow, settleDeadline, emptyConfirm = window, deadline, empty
	t.Cleanup(func() { settleWindow, settleDeadline, emptyConfirm = oldW, oldD, oldE })
}

type span struct{ from, to time.Time }

func (a span) overlaps(b span) bool { return a.from.Before(b.to) && b.from.Before(a.to) }

// A writer rewrites the config in place (truncate, half, pause, rest) while the bridge answers
// getProfiles: every reply must be the whole old list or the whole new one, or config_error.
//
// The policy's promise holds for writers that finish within the settle window: a writer the
// machine stalls longer mid-file leaves a half file that stays still as long as a saved one. So
// a torn reply fails the test unless a write that overlapped that request really took longer
// than the window (measured here, not assumed), which only a heavily loaded machine does.
func TestListsAreNeverTornByAnInPlaceRewrite(t *testing.T) {
	setSettle(t, 60*time.Millisecond, 2*time.Second, 60*time.Millisecond)
	old, neu := profilesText("old", 40), profilesText("new", 60)
	s := newService(t, old, "[base]\naws_access_key_id = AKIAX\naws_secret_access_key = y\n")
	stop := make(chan struct{})
	var mu sync.Mutex
	var slow []span // writes that took longer than the settle window
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			text := old
			if i%2 == 0 {
				text = neu
			}
			began := time.Now()
			if err := testaws.RewriteInPlace(s.Paths.ConfigFile, text, 5*time.Millisecond); err != nil {
				t.Error(err)
				return
			}
			if w := (span{began, time.Now()}); w.to.Sub(w.from) >= settleWindow {
				mu.Lock()
				slow = append(slow, w)
				mu.Unlock()
			}
			time.Sleep(2 * settleWindow)
		}
	}()
	type reply struct {
		span
		Action string `json:"action"`
		Total  int    `json:"total"`
		Code   string `json:"code"`
	}
	var torn []reply
	deadline := time.Now().Add(1500 * time.Millisecond)
	n := 0
	for time.Now().Before(deadline) {
		var r reply
		r.from = time.Now()
		json.Unmarshal(s.Handle(context.Background(), []byte(`{"action":"getProfiles"}`)), &r)
		r.to = time.Now()
		n++
		switch {
		case r.Action == "profileList" && (r.Total == 41 || r.Total == 61): // + base
		case r.Action == "error" && r.Code == string(apierr.CodeConfigError):
		default:
			torn = append(torn, r)
		}
	}
	close(stop)
	wg.Wait()
	for _, r := range torn {
		excused := false
		for _, w := range slow {
			excused = excused || w.overlaps(r.span)
		}
		if excused {
			t.Logf("torn reply %+v during a write the machine stalled past the window", r)
		} else {
			t.Errorf("torn or odd reply: %+v", r)
		}
	}
	if n < 5 {
		t.Errorf("only %d replies in 1.5 s", n)
	}
}

// The waits: none for still files, one for a file changed moments ago, a second look at an empty
// file, and none for it again once it has been seen.
func TestSettleWaits(t *testing.T) {
	setSettle(t, 40*time.Millisecond, 3*time.Second, 15*time.Millisecond)
	var slept []time.Duration
	newTimer = func(d time.Duration) *time.Timer { slept = append(slept, d); return time.NewTimer(d) }
	t.Cleanup(func() { newTimer = time.NewTimer })

	s := newService(t, "[profile a]\n", "[b]\naws_access_key_id = AKIAX\naws_secret_access_key = y\n")
	load := func() {
		t.Helper()
		if _, _, err := s.loadSettled(context.Background(), time.Now().Add(settleDeadline)); err != nil {
			t.Fatal(err)
		}
	}
	load()
	if len(slept) == 0 || slept[0] > settleWindow {
		t.Errorf("files written just now: want one wait of at most %v, got %v", settleWindow, slept)
	}
	time.Sleep(2 * settleWindow)
	slept = nil
	load()
	if len(slept) != 0 {
		t.Errorf("still files: want no wait, got %v", slept)
	}
	os.WriteFile(s.Paths.CredentialsFile, nil, 0o600)
	time.Sleep(2 * settleWindow)
	slept = nil
	load()
	if len(slept) != 1 || slept[0] != emptyConfirm {
		t.Errorf("an empty file: want one look of %v, got %v", emptyConfirm, slept)
	}
	slept = nil
	load()
	if len(slept) != 0 {
		t.Errorf("an empty file seen before: want no wait, got %v", slept)
	}
}

// Files that never settle: config_error at the deadline, never the half-written read.
func TestUnsettledFilesAreAConfigErrorNotATornList(t *testing.T) {
	setSettle(t, time.Hour, 50*time.Millisecond, time.Millisecond) // every file is "just changed"
	s := newService(t, profilesText("a", 3), "")
	r := handle(t, s, `{"action":"getProfiles"}`)
	if r["action"] != "error" || r["code"] != string(apierr.CodeConfigError) {
		t.Errorf("want config_error, got %v", r)
	}
}

// Requests queued behind a build that does not finish still answer config_error once their own
// deadline (from their arrival) passes: the wait never adds up build after build. The build is
// held until every queued request has answered, so on a policy that waits for the build the
// test fails at its guard instead of passing by timing.
func TestQueuedRequestsKeepTheirOwnDeadline(t *testing.T) {
	setSettle(t, 0, 100*time.Millisecond, 0)
	s := newService(t, profilesText("a", 3), "")
	holding, release := make(chan struct{}), make(chan struct{})
	var first atomic.Bool
	load = func(p awsconfig.Paths) (*awsconfig.Config, error) {
		if first.CompareAndSwap(false, true) { // the first build holds; others (a paged one) run
			close(holding)
			<-release
		}
		return awsconfig.Load(p)
	}
	t.Cleanup(func() { load = awsconfig.Load })

	held := make(chan []byte, 1)
	go func() { held <- s.Handle(context.Background(), []byte(`{"action":"getProfiles"}`)) }()
	<-holding
	const n = 20
	answers := make(chan map[string]any, n)
	for i := 0; i < n; i++ {
		req := `{"action":"getProfiles"}`
		if i%2 == 1 {
			req = `{"action":"getProfiles","limit":2}` // waits for a build slot instead
		}
		go func() {
			var m map[string]any
			json.Unmarshal(s.Handle(context.Background(), []byte(req)), &m)
			answers <- m
		}()
	}
	guard := time.After(30 * time.Second)
	for i := 0; i < n; i++ {
		select {
		case m := <-answers:
			if m["action"] != "profileList" && (m["action"] != "error" || m["code"] != string(apierr.CodeConfigError)) {
				t.Errorf("queued request: %v", m)
			}
		case <-guard:
			close(release)
			t.Fatalf("%d of %d queued requests still waiting for a build that holds", n-i, n)
		}
	}
	close(release)
	var m map[string]any
	json.Unmarshal(<-held, &m)
	if m["action"] != "profileList" {
		t.Errorf("the held build: %v", m)
	}
}

// A panic while a list is built (a bug) frees the build slot and ends the build, so later
// requests are answered.
func TestAPanickingBuildLeaksNothing(t *testing.T) {
	s := newService(t, profilesText("a", 3), "")
	panicking := true
	load = func(p awsconfig.Paths) (*awsconfig.Config, error) {
		if panicking {
			panic("boom")
		}
		return awsconfig.Load(p)
	}
	t.Cleanup(func() { load = awsconfig.Load })
	for i := 0; i < cap(s.state().slots)+2; i++ {
		for _, req := range []string{`{"action":"getProfiles"}`, `{"action":"enrichSSOProfiles"}`} {
			func() {
				defer func() { recover() }()
				s.Handle(context.Background(), []byte(req))
			}()
		}
	}
	panicking = false
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, req := range []string{`{"action":"getProfiles"}`, `{"action":"enrichSSOProfiles"}`} {
		var m map[string]any
		json.Unmarshal(s.Handle(ctx, []byte(req)), &m)
		if m["action"] != "profileList" {
			t.Errorf("%s after panics: %v", req, m)
		}
	}
}
