package httpapi

import (
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

func configOf(prefix string, n int) (string, []string) {
	var b strings.Builder
	var names []string
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("%s-%03d", prefix, i)
		names = append(names, name)
		fmt.Fprintf(&b, "[profile %s]\nregion = eu-west-1\nrole_arn = arn:aws:iam::111122223333:role/R%d\nsource_profile = base\n\n", name, i)
	}
	return b.String(), names
}

// TestConfigRewrittenWhileServing rewrites ~/.aws/config between two versions, in place (in two
// pieces, as a slow editor would) and by rename, while clients hammer the list routes. Every
// reply must be exactly the old list or the new one, or a clear config_error: never a torn list.
func TestConfigRewrittenWhileServing(t *testing.T) {
	e := newTestEnv(t)
	cfgA, namesA := configOf("alpha", 300)
	cfgB, namesB := configOf("beta", 200)
	key := func(names []string) string {
		s := append([]string(nil), names...)
		sort.Strings(s)
		return strings.Join(s, ",")
	}
	// base comes from the credentials file, which does not change.
	wantA, wantB := key(append(namesA, "base")), key(append(namesB, "base"))
	os.WriteFile(e.paths.ConfigFile, []byte(cfgA), 0o600)

	stop := make(chan struct{})
	var writes, maxStall atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the rewriter
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			content := cfgA
			if i%2 == 1 {
				content = cfgB
			}
			began := time.Now()
			if i%4 < 2 { // in place, in two pieces
				if err := testaws.RewriteInPlace(e.paths.ConfigFile, content, 2*time.Millisecond); err != nil {
					t.Error(err)
					return
				}
			} else { // by rename
				tmp := e.paths.ConfigFile + ".tmp"
				os.WriteFile(tmp, []byte(content), 0o600)
				os.Rename(tmp, e.paths.ConfigFile)
			}
			if d := int64(time.Since(began)); d > maxStall.Load() {
				maxStall.Store(d)
			}
			writes.Add(1)
			time.Sleep(settleWindow + time.Duration(rand.IntN(400))*time.Millisecond)
		}
	}()

	var okA, okB, clearErr, torn atomic.Int64
	var tornMu sync.Mutex
	var tornSample string
	deadline := time.Now().Add(4 * time.Second)
	for c := 0; c < 6; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			path := "/profiles"
			if c%2 == 1 {
				path = "/profiles/enrich"
			}
			for time.Now().Before(deadline) {
				r := e.do(req{method: "POST", path: path, hdr: tok(goodToken)})
				m := r.json(t)
				switch m["action"] {
				case "profileList":
					var names []string
					for _, p := range m["profiles"].([]any) {
						names = append(names, p.(map[string]any)["name"].(string))
					}
					switch key(names) {
					case wantA:
						okA.Add(1)
					case wantB:
						okB.Add(1)
					default:
						torn.Add(1)
						tornMu.Lock()
						tornSample = fmt.Sprintf("%d profiles", len(names))
						tornMu.Unlock()
					}
				case "error":
					if m["code"] != "config_error" || m["message"] == "" {
						t.Errorf("unclear error: %s", r.body)
					}
					clearErr.Add(1)
				default:
					t.Errorf("reply: %d %.200s", r.status, r.body)
				}
			}
		}(c)
	}
	time.Sleep(time.Until(deadline))
	close(stop)
	wg.Wait()
	stall := time.Duration(maxStall.Load())
	t.Logf("writes %d (longest %v); old %d, new %d, clear errors %d, torn %d", writes.Load(), stall, okA.Load(), okB.Load(), clearErr.Load(), torn.Load())
	if torn.Load() != 0 && stall >= settleWindow {
		// The machine stalled the writer mid-write for longer than the quiet window: the file
		// really was half-written for that long, which the guard cannot tell from an edit.
		t.Logf("writer stalled %v > %v mid-write; %d torn lists not counted", stall, settleWindow, torn.Load())
	} else if torn.Load() != 0 {
		t.Errorf("%d torn lists (e.g. %s)", torn.Load(), tornSample)
	}
	if okA.Load() == 0 || okB.Load() == 0 || writes.Load() < 6 {
		t.Errorf("the test did not exercise both versions")
	}
}

// TestListCache: repeated /profiles requests are served from memory (one build), and a rewrite
// of either file is seen by the next request.
func TestListCache(t *testing.T) {
	e := newTestEnv(t)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(e.paths.ConfigFile, old, old)
	os.Chtimes(e.paths.CredentialsFile, old, old)
	builds := func() int { // requests for the list not answered from the bridge's cache
		n := 0
		for _, l := range strings.Split(e.log.String(), "\n") {
			if strings.Contains(l, `"action":"getProfiles"`) && !strings.Contains(l, `"cache":`) {
				n++
			}
		}
		return n
	}
	names := func() int {
		r := e.do(req{method: "POST", path: "/profiles", hdr: tok(goodToken)})
		return len(r.json(t)["profiles"].([]any))
	}
	n0 := names()
	for i := 0; i < 20; i++ {
		if n := names(); n != n0 {
			t.Fatalf("list changed: %d vs %d", n, n0)
		}
	}
	if b := builds(); b != 1 {
		t.Errorf("%d builds for 21 identical requests", b)
	}
	// A rewrite by rename (new identity) shows at once, once the file is quiet.
	cfg, _ := configOf("gamma", 3)
	tmp := e.paths.ConfigFile + ".new"
	os.WriteFile(tmp, []byte(cfg), 0o600)
	os.Rename(tmp, e.paths.ConfigFile)
	if n := names(); n != 4 { // gamma-000..002 + base
		t.Errorf("after a rewrite: %d profiles", n)
	}
	// The credentials file counts too.
	os.WriteFile(e.paths.CredentialsFile, []byte(testCredentials+"[extra]\naws_access_key_id = AKIAEXTRA00000000001\naws_secret_access_key = x\n"), 0o600)
	if n := names(); n != 5 {
		t.Errorf("after a credentials change: %d profiles", n)
	}
	// Paged and enrich requests are not served from it.
	r := e.do(req{method: "POST", path: "/profiles", hdr: map[string]string{"X-API-Token": goodToken, "Content-Type": "application/json"}, body: `{"limit":1}`})
	if ps := r.json(t)["profiles"].([]any); len(ps) != 1 {
		t.Errorf("paged: %d", len(ps))
	}
}

// settleWindow is the bridge's quiet window before it reads the AWS files.
const settleWindow = 250 * time.Millisecond
