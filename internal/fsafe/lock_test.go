package fsafe

import (
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// TestLockExcludes: holders of the lock never overlap, within a process as across processes
// (each Lock has its own descriptor), and the lock file is private.
func TestLockExcludes(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.lock")
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		holders int
		overlap bool
	)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				unlock, err := Lock(p)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				holders++
				overlap = overlap || holders > 1
				mu.Unlock()
				runtime.Gosched() // let another goroutine in, were the lock not exclusive
				mu.Lock()
				holders--
				mu.Unlock()
				if err := unlock(); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if overlap {
		t.Fatal("two holders at once")
	}
	if fi, err := os.Stat(p); err != nil || ModesApply && fi.Mode().Perm() != 0o600 {
		t.Fatalf("lock file: %v %v", fi, err)
	}
}

// TestTryLock: TryLock fails at once while Lock holds the lock (another descriptor, as another
// process would have), and succeeds once it is released.
func TestTryLock(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.lock")
	unlock, err := Lock(p)
	if err != nil {
		t.Fatal(err)
	}
	if u, ok, err := TryLock(p); ok || err != nil || u != nil {
		t.Fatalf("TryLock while held: ok %v, err %v", ok, err)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	u, ok, err := TryLock(p)
	if !ok || err != nil {
		t.Fatalf("TryLock when free: ok %v, err %v", ok, err)
	}
	if err := u(); err != nil {
		t.Fatal(err)
	}
}
