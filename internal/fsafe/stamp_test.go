package fsafe

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestStampRacy(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	at := func(d time.Duration) Stamp { return Stamp{Exists: true, ModNs: now.Add(d).UnixNano()} }
	tests := []struct {
		name string
		st   Stamp
		racy bool
	}{
		{"just now", at(0), true},
		{"within the window", at(-RacyWindow + time.Millisecond), true},
		{"older than the window", at(-RacyWindow), false},
		{"in the future (clock set back)", at(time.Second), true},
		{"far in the future", at(RacyWindow), false},
		{"old mtime, recent ctime", Stamp{Exists: true, ModNs: now.Add(-time.Hour).UnixNano(), CtimeNs: now.UnixNano()}, true},
		{"missing", Stamp{}, false},
	}
	for _, tt := range tests {
		if got := tt.st.Racy(now, RacyWindow); got != tt.racy {
			t.Errorf("%s: Racy = %v", tt.name, got)
		}
	}
	if got := Youngest(now, at(-time.Hour), Stamp{}, at(-time.Second)); got != time.Second {
		t.Errorf("Youngest = %v", got)
	}
	if got := Youngest(now, Stamp{}); got < 100*365*24*time.Hour {
		t.Errorf("Youngest of no file = %v", got)
	}
}

// TestStampTellsVersionsApart: a replace keeping size and modification time still changes the
// stamp (inode on Unix); the same file stats to the same stamp.
func TestStampTellsVersionsApart(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config")
	mtime := time.Unix(1_600_000_000, 0)
	write := func(data string) {
		if err := WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	write("aaaa")
	a := StampOf(p)
	if !a.Exists || a.Size != 4 || a.ModNs != mtime.UnixNano() || a.Path != p {
		t.Fatalf("stamp %+v", a)
	}
	if b := StampOf(p); b != a {
		t.Fatalf("same file, different stamps: %+v %+v", a, b)
	}
	write("bbbb")
	if b := StampOf(p); b == a && ModesApply {
		t.Fatalf("a replaced file kept its stamp %+v", a)
	}
	if m := StampOf(filepath.Join(dir, "none")); m.Exists || m.Size != 0 {
		t.Fatalf("missing file stamp %+v", m)
	}
}
