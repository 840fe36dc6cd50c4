package fsafe

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ReadAll reads what is there at the read, not what the stat said: a file that grew or shrank
// after Open is read whole (or refused past the limit).
func TestReadAllSizeChangesAfterOpen(t *testing.T) {
	for _, tt := range []struct {
		name          string
		before, after string
		limit         int64
		wantErr       error
	}{
		{"unchanged", "abc", "abc", 10, nil},
		{"empty", "", "", 10, nil},
		{"grew", "abc", strings.Repeat("x", 5000), 1 << 20, nil},
		{"shrank", strings.Repeat("x", 5000), "ab", 1 << 20, nil},
		{"grew past the limit", "abc", strings.Repeat("x", 11), 10, ErrTooLarge},
		{"exactly the limit", "abc", strings.Repeat("x", 10), 10, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "f")
			if err := os.WriteFile(p, []byte(tt.before), 0o600); err != nil {
				t.Fatal(err)
			}
			f, fi, err := Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := os.WriteFile(p, []byte(tt.after), 0o600); err != nil { // same inode: truncate, write
				t.Fatal(err)
			}
			got, err := ReadAll(f, fi, tt.limit)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil || string(got) != tt.after {
				t.Fatalf("got %d bytes (%v), want %d", len(got), err, len(tt.after))
			}
		})
	}
}
