package fsafe

import (
	"os"
	"time"
)

// QuietWindow is how long a file must have been left alone before it is read as a whole: a
// writer that rewrites a file in place (truncate, then write, maybe in pieces) is normally done
// within it.
const QuietWindow = 250 * time.Millisecond

// RacyWindow is how recently a file may have changed and still be told apart from its next
// version by its stamp alone. A second change within one tick of a coarse file-system clock
// (two seconds on FAT) could keep size and modification time, so a file changed more recently
// than this is read again rather than trusted (git's "racy clean" rule).
const RacyWindow = 3 * time.Second

// Stamp identifies one version of a file without reading it: size, modification time and, on
// Unix, the inode (an atomic replace always changes it) and the change time (which chmod, chown
// and tools that set the modification time back still move). The JSON form is stored in the
// reply cache, so its field names are part of that file's format.
type Stamp struct {
	Path    string `json:"path"`
	Exists  bool   `json:"exists"`
	Size    int64  `json:"size"`
	ModNs   int64  `json:"mod_ns"`
	Ino     uint64 `json:"ino,omitempty"`
	CtimeNs int64  `json:"ctime_ns,omitempty"`
}

// StampOf stats path (following a symlink, as a reader of the file would) and returns its stamp;
// a file that cannot be stat'ed has the zero stamp with Exists false.
func StampOf(path string) Stamp {
	fi, err := os.Stat(path)
	if err != nil {
		return Stamp{Path: path}
	}
	return StampInfo(path, fi)
}

// StampInfo is the stamp of path from a FileInfo already at hand (an fstat of the opened file).
func StampInfo(path string, fi os.FileInfo) Stamp {
	st := Stamp{Path: path, Exists: true, Size: fi.Size(), ModNs: fi.ModTime().UnixNano()}
	st.Ino, st.CtimeNs = sysStamp(fi)
	return st
}

// Changed is the latest time the stamp says the file changed.
func (s Stamp) Changed() time.Time { return time.Unix(0, max(s.ModNs, s.CtimeNs)) }

// Racy reports whether the file changed within window of now (either side: a clock set back
// counts as recent), so that its stamp cannot yet be trusted to change with its next version.
// A missing file is never racy.
func (s Stamp) Racy(now time.Time, window time.Duration) bool {
	if !s.Exists {
		return false
	}
	d := now.Sub(s.Changed())
	return d < window && d > -window
}

// Youngest is how long before now the most recently changed of the existing files changed; a
// very large duration when none exists.
func Youngest(now time.Time, stamps ...Stamp) time.Duration {
	age := time.Duration(1<<63 - 1)
	for _, s := range stamps {
		if s.Exists {
			age = min(age, now.Sub(s.Changed()))
		}
	}
	return age
}
