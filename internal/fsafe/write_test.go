package fsafe

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func temps(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "state.json")
	for _, data := range []string{"one", "two, longer", ""} {
		if err := WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := ReadFile(p, 1<<10)
		if err != nil || string(got) != data {
			t.Fatalf("read back %q, %v; want %q", got, err, data)
		}
		if ModesApply {
			if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
				t.Fatalf("mode %o", fi.Mode().Perm())
			}
		}
	}
	if left := temps(t, dir); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

// TestPendingAbandoned: a write abandoned before Commit (an error, a crash) leaves the old file
// whole; RemoveTemps clears a crashed writer's leftovers and nothing else.
func TestPendingAbandoned(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "tokens.json")
	if err := WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	pf, err := NewPending(p, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	pf.Write([]byte("half"))
	pf.Cleanup()
	if err := pf.Commit(); err == nil {
		t.Fatal("Commit after Cleanup succeeded")
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("file = %q", b)
	}
	if left := temps(t, dir); len(left) != 0 {
		t.Fatalf("Cleanup left %v", left)
	}
	crashed := filepath.Join(dir, TempPrefix(p)+"123")
	other := filepath.Join(dir, TempPrefix(filepath.Join(dir, "other"))+"123")
	for _, f := range []string{crashed, other} {
		os.WriteFile(f, []byte("x"), 0o600)
	}
	RemoveTemps(p)
	if _, err := os.Stat(crashed); err == nil {
		t.Error("RemoveTemps kept the leftover")
	}
	if _, err := os.Stat(other); err != nil {
		t.Error("RemoveTemps removed another file's temporary file")
	}
}
