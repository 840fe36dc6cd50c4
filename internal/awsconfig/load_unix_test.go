//go:build unix

package awsconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

// TestLoadRefusesSpecialFiles: an AWS file that is a FIFO (which blocked the reader forever),
// a symlink to /dev/zero (which grew the process to gigabytes), a directory or a file over
// MaxFileSize fails at once with an error naming the file and saying what to do; a dangling
// symlink is a missing file, as the SDK treats it.
func TestLoadRefusesSpecialFiles(t *testing.T) {
	tests := append(testaws.SpecialFiles(),
		testaws.SpecialFile{Name: "over the limit", Make: func(t testing.TB, p string) {
			f, err := os.Create(p)
			if err != nil {
				t.Fatal(err)
			}
			f.Truncate(MaxFileSize + 1) // sparse: costs no disk
			f.Close()
		}, Says: "larger than 16 MiB"},
		testaws.SpecialFile{Name: "dangling symlink", Make: func(t testing.TB, p string) {
			os.Symlink(filepath.Join(filepath.Dir(p), "gone"), p)
		}}, // Says "": loads as a missing file
	)
	for _, tt := range tests {
		for _, which := range []string{"config", "credentials"} {
			t.Run(tt.Name+"/"+which, func(t *testing.T) {
				p := writeFiles(t, "[profile a]\nregion = eu-west-1\n", "[b]\naws_access_key_id = AKIDEXAMPLE\n")
				target := p.ConfigFile
				if which == "credentials" {
					target = p.CredentialsFile
				}
				os.Remove(target)
				tt.Make(t, target)
				var c *Config
				var err error
				testaws.Returns(t, "Load", func() { c, err = Load(p) })
				if tt.Says == "" {
					if err != nil || len(c.Profiles) != 1 {
						t.Fatalf("Load = %v, %v; want the other file's profile", c, err)
					}
					return
				}
				if err == nil {
					t.Fatalf("Load read a %s", tt.Name)
				}
				for _, want := range []string{tt.Says, target, "regular file"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not say %q", err, want)
					}
				}
			})
		}
	}
}
