package bridge

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
)

func profilesText(prefix string, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "[profile %s-%03d]\nregion = eu-west-1\nrole_arn = arn:aws:iam::111122223333:role/R%d\nsource_profile = base\n\n", prefix, i, i)
	}
	return b.String()
}

// A writer rewrites the config in place (truncate, half, pause, rest) while the bridge answers
// getProfiles: every reply must be the whole old list or the whole new one.
func TestListsAreNeverTornByAnInPlaceRewrite(t *testing.T) {
	oldW, oldD, oldE := settleWindow, settleDeadline, emptyConfirm
	// A long second look at empty files: the writer's open-to-write gap is the scheduler's, and a
	// loaded CI machine can stretch it.
	settleWindow, settleDeadline, emptyConfirm = 30*time.Millisecond, 2*time.Second, 100*time.Millisecond
	t.Cleanup(func() { settleWindow, settleDeadline, emptyConfirm = oldW, oldD, oldE })

	old, neu := profilesText("old", 40), profilesText("new", 60)
	s := newService(t, old, "[base]\naws_access_key_id = AKIAX\naws_secret_access_key = y\n")
	stop := make(chan struct{})
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
			f, err := os.OpenFile(s.Paths.ConfigFile, os.O_WRONLY|os.O_TRUNC, 0o600)
			if err != nil {
				t.Error(err)
				return
			}
			f.WriteString(text[:len(text)/2])
			time.Sleep(5 * time.Millisecond) // a writer caught mid-file
			f.WriteString(text[len(text)/2:])
			f.Close()
			time.Sleep(60 * time.Millisecond)
		}
	}()
	deadline := time.Now().Add(1500 * time.Millisecond)
	n := 0
	for time.Now().Before(deadline) {
		var r struct {
			Action string `json:"action"`
			Total  int    `json:"total"`
			Code   string `json:"code"`
		}
		json.Unmarshal(s.Handle(context.Background(), []byte(`{"action":"getProfiles"}`)), &r)
		n++
		switch {
		case r.Action == "profileList" && (r.Total == 41 || r.Total == 61): // + base
		case r.Action == "error" && r.Code == string(apierr.CodeConfigError):
		default:
			t.Errorf("torn or odd reply: %+v", r)
		}
	}
	close(stop)
	wg.Wait()
	if n < 5 {
		t.Errorf("only %d replies in 1.5 s", n)
	}
}

// The waits: none for still files, one for a file changed moments ago, a short second look at an
// empty file.
func TestSettleWaits(t *testing.T) {
	oldW := settleWindow
	settleWindow = 40 * time.Millisecond
	var slept []time.Duration
	sleep = func(d time.Duration) { slept = append(slept, d); time.Sleep(d) }
	t.Cleanup(func() { settleWindow, sleep = oldW, time.Sleep })

	s := newService(t, "[profile a]\n", "[b]\naws_access_key_id = AKIAX\naws_secret_access_key = y\n")
	if _, err := s.loadSettled(); err != nil {
		t.Fatal(err)
	}
	if len(slept) == 0 || slept[0] > settleWindow {
		t.Errorf("files written just now: want one wait of at most %v, got %v", settleWindow, slept)
	}
	time.Sleep(2 * settleWindow)
	slept = nil
	if _, err := s.loadSettled(); err != nil {
		t.Fatal(err)
	}
	if len(slept) != 0 {
		t.Errorf("still files: want no wait, got %v", slept)
	}
	os.WriteFile(s.Paths.CredentialsFile, nil, 0o600)
	time.Sleep(2 * settleWindow)
	slept = nil
	if _, err := s.loadSettled(); err != nil {
		t.Fatal(err)
	}
	if len(slept) != 1 || slept[0] != emptyConfirm {
		t.Errorf("an empty file: want one look of %v, got %v", emptyConfirm, slept)
	}
}
