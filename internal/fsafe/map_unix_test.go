//go:build unix

package fsafe

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestMapAllReadsWhatReadAllReads(t *testing.T) {
	dir := t.TempDir()
	for _, size := range []int{0, 1, 4095, 4096, 1 << 20} {
		p := filepath.Join(dir, "f")
		want := bytes.Repeat([]byte("x"), size)
		if err := os.WriteFile(p, want, 0o600); err != nil {
			t.Fatal(err)
		}
		f, fi, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := MapAll(f, fi, 1<<20)
		f.Close()
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("size %d: %d bytes, %v", size, len(got), err)
		}
	}
	f, fi, _ := Open(filepath.Join(dir, "f"))
	defer f.Close()
	if _, err := MapAll(f, fi, 1<<20-1); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the limit: %v", err)
	}
}

// A mapped file truncated under the mapping faults on access: NoFault turns that into false
// rather than a crash, and lets other panics through.
func TestNoFaultSurvivesATruncatedMapping(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, bytes.Repeat([]byte("y"), 64<<10), 0o600); err != nil {
		t.Fatal(err)
	}
	f, fi, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	data, err := MapAll(f, fi, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(p, 0); err != nil {
		t.Fatal(err)
	}
	var sum int
	if NoFault(func() {
		for _, b := range data {
			sum += int(b)
		}
	}) {
		t.Errorf("reading a truncated mapping did not fault (sum %d)", sum)
	}
	if !NoFault(func() {}) {
		t.Error("NoFault(nothing) = false")
	}
	defer func() {
		if r := recover(); r != "other" {
			t.Errorf("recovered %v, want the other panic passed through", r)
		}
	}()
	NoFault(func() { panic("other") })
}
