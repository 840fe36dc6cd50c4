package bridge

import (
	"bytes"
	"encoding/json"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/profiles"
)

// The reply cache: the native host is a new process per request, and parsing thousands of
// profiles on every popup open is most of its work. So the default getProfiles reply (no offset,
// no limit) is kept on disk with a fingerprint of both AWS files, and served again while
//   - both files have the same path, size, modification time and (on Unix) inode and change time,
//   - the binary is the same build, and
//   - no profile's expiry has passed since the reply was built (Expired would flip).
// Like git's index it guards against "racy" files: a reply is not stored while either file was
// changed within racyWindow, since a second change in the same clock tick could keep the stamp.
// The cache holds exactly the reply the extension gets (names, regions, ARNs, account ids; no
// key, token or secret), in a 0600 file in a 0700 directory. Any doubt means a miss.

// cacheFile's version changes with the header's format. (IEEE CRC-32, not Castagnoli: building
// the Castagnoli tables costs ~0.17 ms per process, more than the whole cache hit.)
const cacheFile = "profiles-reply.v2"

// cacheMinBytes: smaller files parse faster than the cache is checked (~0.1 ms), so they are
// never cached (and most users never get a cache file).
var cacheMinBytes int64 = 32 << 10

func worthCaching(stamps []fileStamp) bool {
	var n int64
	for _, f := range stamps {
		n += f.Size
	}
	return n >= cacheMinBytes
}

// racyWindow is how recently a file may have changed and still be trusted by its stamp.
var racyWindow = 3 * time.Second

type fileStamp struct {
	Path    string `json:"path"`
	Exists  bool   `json:"exists"`
	Size    int64  `json:"size"`
	ModNs   int64  `json:"mod_ns"`
	Ino     uint64 `json:"ino,omitempty"`
	CtimeNs int64  `json:"ctime_ns,omitempty"`
}

// changedNs is the latest time the file's stamp says it changed.
func (f fileStamp) changedNs() int64 { return max(f.ModNs, f.CtimeNs) }

type cacheHeader struct {
	Build      string      `json:"build"`
	Files      []fileStamp `json:"files"`
	ValidUntil int64       `json:"valid_until_ns"` // 0: no expiry ahead
	Len        int         `json:"len"`            // of the reply that follows the header line
	CRC        uint32      `json:"crc32"`          // IEEE CRC-32 of that reply: an altered file is a miss
}

func stampOf(path string) fileStamp {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{Path: path}
	}
	st := fileStamp{Path: path, Exists: true, Size: fi.Size(), ModNs: fi.ModTime().UnixNano()}
	st.Ino, st.CtimeNs = sysStamp(fi)
	return st
}

func (s *Service) stamps() []fileStamp {
	return []fileStamp{stampOf(s.Paths.ConfigFile), stampOf(s.Paths.CredentialsFile)}
}

// buildID identifies this binary, so a new build never serves an old build's reply.
func (s *Service) buildID() string {
	id := s.Version + "+" + s.Commit
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			id += "+" + exe + "+" + fi.ModTime().UTC().Format(time.RFC3339Nano) + "+" + strconv.FormatInt(fi.Size(), 10)
		}
	}
	return id
}

// cachedList returns the stored reply when it is still exactly what a rebuild would produce, and
// the time it goes stale (0: no expiry ahead).
func (s *Service) cachedList(stamps []fileStamp, build string) ([]byte, int64, bool) {
	// Only from a private directory of ours, never through a symlink, and without blocking on a
	// FIFO or opening a device put in the file's place.
	if fi, err := os.Stat(s.CacheDir); err != nil || !fi.IsDir() || !privateDir(fi) {
		return nil, 0, false
	}
	f, err := openCacheFile(filepath.Join(s.CacheDir, cacheFile))
	if err != nil {
		return nil, 0, false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || !privateFile(fi) || fi.Size() > MaxReply+64<<10 {
		return nil, 0, false // someone else could have written it: never trust it
	}
	data := make([]byte, fi.Size())
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, 0, false
	}
	nl := bytes.IndexByte(data, '\n')
	if nl < 0 {
		return nil, 0, false
	}
	var h cacheHeader
	if err := json.Unmarshal(data[:nl], &h); err != nil || h.Build != build || !slices.Equal(h.Files, stamps) {
		return nil, 0, false
	}
	if h.ValidUntil != 0 && !s.now().Before(time.Unix(0, h.ValidUntil)) {
		return nil, 0, false
	}
	reply := data[nl+1:]
	if len(reply) == 0 || len(reply) != h.Len || crc32.ChecksumIEEE(reply) != h.CRC {
		return nil, 0, false
	}
	return reply, h.ValidUntil, true
}

// validUntilOf is when a list built at now goes stale: its first credential expiry still ahead
// (0: none). ok is false when an expiry cannot be read, so nobody can tell.
func validUntilOf(list []profiles.Profile, now time.Time) (until int64, ok bool) {
	for i := range list {
		if list[i].Expiration == nil {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, *list[i].Expiration)
		if err != nil {
			return 0, false
		}
		if t.After(now) && (until == 0 || t.UnixNano() < until) {
			until = t.UnixNano()
		}
	}
	return until, true
}

// storeList writes the reply for the next process; failures only cost speed, so they are logged.
func (s *Service) storeList(reply []byte, validUntil int64, stamps []fileStamp, build string) {
	horizon := time.Now().Add(-racyWindow).UnixNano()
	for _, f := range stamps {
		if f.Exists && f.changedNs() > horizon {
			return // racy: changed too recently to trust the stamp
		}
	}
	h := cacheHeader{Build: build, Files: stamps, ValidUntil: validUntil, Len: len(reply), CRC: crc32.ChecksumIEEE(reply)}
	head, err := json.Marshal(h)
	if err != nil {
		return
	}
	if err := os.MkdirAll(s.CacheDir, 0o700); err != nil {
		s.Log.Debug().Err(err).Msg("reply cache: cannot create the directory")
		return
	}
	if fi, err := os.Stat(s.CacheDir); err != nil || !fi.IsDir() || !privateDir(fi) {
		s.Log.Warn().Str("dir", s.CacheDir).Msg("reply cache: directory is not private (want 0700, owned by you); not using it")
		return
	}
	tmp, err := os.CreateTemp(s.CacheDir, cacheFile+".tmp*")
	if err != nil {
		return
	}
	_ = tmp.Chmod(0o600)
	_, werr := tmp.Write(append(append(head, '\n'), reply...))
	cerr := tmp.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		return
	}
	if err := os.Rename(tmp.Name(), filepath.Join(s.CacheDir, cacheFile)); err != nil {
		os.Remove(tmp.Name())
	}
}
