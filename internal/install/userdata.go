package install

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/logging"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/token"
)

// What the host and `serve` write outside install's own files, by name (the folders may be the
// user's choice, so only these names are ever removed from them):
//   - the host's cache files (Env.CacheFiles) and their temporary files;
//   - the token store of internal/token ("tokens.json", its lock and temporary files);
//   - the log of internal/logging and lumberjack's rotated copies ("aws_profile_bridge-<time>.log").
func (e *Env) isCacheFile(name string) bool { return isOneOf(name, e.CacheFiles...) }

func isTokenFile(name string) bool { return isOneOf(name, token.FileName, token.LockFileName) }

// isOneOf reports whether name is one of names or a temporary file of an atomic write of one
// (fsafe.TempPrefix).
func isOneOf(name string, names ...string) bool {
	for _, n := range names {
		if name == n || strings.HasPrefix(name, fsafe.TempPrefix(n)) {
			return true
		}
	}
	return false
}

func isLogFile(name string) bool {
	base := strings.TrimSuffix(logging.FileName, ".log")
	return name == logging.FileName || strings.HasPrefix(name, base+"-") && (strings.HasSuffix(name, ".log") || strings.HasSuffix(name, ".log.gz"))
}

// removeUserData removes the reply cache, and with purge the tokens and the log files, each
// folder once it is empty. Without purge, the tokens and the log are reported as kept, with how
// to remove them.
func (e *Env) removeUserData(purge bool) ([]Change, error) {
	var changes []Change
	var errs []error
	sweep := func(what, dir string, match func(string) bool, remove bool, note string) {
		if dir == "" {
			return
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, fmt.Errorf("reading %s: %w", dir, err))
			}
			return
		}
		var ours []string
		for _, en := range entries {
			if en.Type().IsRegular() && match(en.Name()) {
				ours = append(ours, filepath.Join(dir, en.Name()))
			}
		}
		slices.Sort(ours)
		if !remove {
			for _, p := range ours {
				if what != "tokens" || filepath.Base(p) == token.FileName {
					changes = append(changes, Change{What: what, Path: p, Action: "kept", Note: note})
				}
			}
			return
		}
		for _, p := range ours {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, fmt.Errorf("removing %s: %w", p, err))
				continue
			}
			changes = append(changes, Change{What: what, Path: p, Action: "removed"})
		}
		// The folder too, when nothing else is in it (os.Remove refuses a non-empty one).
		if len(ours) > 0 && os.Remove(dir) == nil {
			changes = append(changes, Change{What: "directory", Path: dir, Action: "removed"})
		}
	}
	sweep("cache", e.CacheDir, e.isCacheFile, true, "")
	sweep("tokens", e.ConfigDir, isTokenFile, purge, "API tokens of the HTTP fallback; `aws-profile-bridge uninstall --purge` removes them")
	sweep("log", e.LogDir, isLogFile, purge, "the host's log; `aws-profile-bridge uninstall --purge` removes it")
	return changes, errors.Join(errs...)
}
