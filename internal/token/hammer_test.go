package token

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestVerifyWhileWritersReplace: servers verifying a valid token while the CLI creates and
// rotates other tokens (each write an atomic rename of the file) never refuse it and never fail
// to record its use: a reader sees the old file or the new one. (Reading the file by a stat of
// its path and then an open let a rename slip in between: 2 valid requests in 12 832 were refused
// and one failed with "changed while being opened", and a concurrent rotate reported a
// permissions problem.)
func TestVerifyWhileWritersReplace(t *testing.T) {
	dir := privDir(t)
	cli := newStore(t, dir)
	tok, rec := mustCreate(t, cli, "server")
	_, other := mustCreate(t, cli, "rotated")

	const writes = 100
	done := make(chan struct{})
	var wg sync.WaitGroup
	var checks, refused, failed atomic.Int64
	for v := 0; v < 3; v++ {
		server := newStore(t, dir) // each its own Store, as each server process has
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				checks.Add(1)
				got, ok := server.Verify(tok)
				if !ok || got.ID != rec.ID {
					if refused.Add(1) == 1 {
						t.Errorf("a valid token was refused (store error: %v)", server.Err())
					}
					continue
				}
				if _, err := server.Use(rec.ID, "", time.Now()); err != nil {
					if failed.Add(1) == 1 {
						t.Errorf("Use of a valid token failed: %v", err)
					}
				}
			}
		}()
	}
	writer := newStore(t, dir) // the CLI: another Store
	for i := 0; i < writes; i++ {
		if _, _, err := writer.Create("loop"); err != nil {
			t.Errorf("create %d: %v", i, err)
		}
		if _, _, err := writer.Rotate(other.ID); err != nil {
			t.Errorf("rotate %d: %v", i, err)
		}
	}
	close(done)
	wg.Wait()
	if refused.Load() != 0 || failed.Load() != 0 {
		t.Fatalf("of %d checks, %d refused and %d failed", checks.Load(), refused.Load(), failed.Load())
	}
	if checks.Load() == 0 {
		t.Fatal("no check ran")
	}
}
