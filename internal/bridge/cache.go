package bridge

import (
	"bytes"
	"encoding/json"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/profiles"
)

// The reply cache: the native host is a new process per request, and parsing thousands of
// profiles on every popup open is most of its work. So the default getProfiles reply (no offset,
// no limit) is kept on disk with a fingerprint of both AWS files, and served again while
//   - both files have the same stamp (fsafe.Stamp: path, size, modification time and, on Unix,
//     inode and change time),
//   - the binary is the same build, and
//   - no profile's expiry has passed since the reply was built (Expired would flip).
// Like git's index it guards against "racy" files: a reply is not stored while either file was
// changed within racyWindow, since a second change in the same clock tick could keep the stamp.
// The cache holds exactly the reply the extension gets (names, regions, ARNs, account ids; no
// key, token or secret), in a file and directory private to the user (fsafe's rule). Any doubt
// means a miss.

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

// racyWindow is fsafe.RacyWindow (a variable for the tests).
var racyWindow = fsafe.RacyWindow

// fileStamp is the stamp of one AWS file; its JSON form is part of the cache header.
type fileStamp = fsafe.Stamp

type cacheHeader struct {
	Build      string      `json:"build"`
	Files      []fileStamp `json:"files"`
	ValidUntil int64       `json:"valid_until_ns"` // 0: no expiry ahead
	Len        int         `json:"len"`            // of the reply that follows the header line
	CRC        uint32      `json:"crc32"`          // IEEE CRC-32 of that reply: an altered file is a miss
}

func (s *Service) stamps() []fileStamp {
	return []fileStamp{fsafe.StampOf(s.Paths.ConfigFile), fsafe.StampOf(s.Paths.CredentialsFile)}
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
	data, ok := s.readCacheFile(cacheFile, MaxReply+64<<10, s.MapCache)
	if !ok {
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
	if len(reply) == 0 || len(reply) != h.Len {
		return nil, 0, false
	}
	var sum uint32
	if !fsafe.NoFault(func() { sum = crc32.ChecksumIEEE(reply) }) || sum != h.CRC {
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
	for _, f := range stamps {
		if f.Racy(time.Now(), racyWindow) {
			return // changed too recently to trust the stamp
		}
	}
	h := cacheHeader{Build: build, Files: stamps, ValidUntil: validUntil, Len: len(reply), CRC: crc32.ChecksumIEEE(reply)}
	head, err := json.Marshal(h)
	if err != nil {
		return
	}
	s.writeCacheFile(cacheFile, append(append(head, '\n'), reply...))
}

// readCacheFile reads name in the cache directory. Only a private regular file in a private
// directory of ours, never through a symlink, and without blocking on a FIFO or reading a device
// put in the file's place: someone else could have written anything else, so it is never trusted.
// mapped maps the file rather than copying it (fsafe.MapAll; Service.MapCache).
func (s *Service) readCacheFile(name string, limit int64, mapped bool) ([]byte, bool) {
	if fsafe.CheckDir(s.CacheDir) != nil {
		return nil, false
	}
	f, fi, err := fsafe.OpenNoFollow(filepath.Join(s.CacheDir, name))
	if err != nil {
		return nil, false
	}
	defer f.Close()
	if fsafe.CheckPrivate(f.Name(), fi) != nil {
		return nil, false
	}
	read := fsafe.ReadAll
	if mapped {
		read = fsafe.MapAll
	}
	data, err := read(f, fi, limit)
	return data, err == nil
}

// writeCacheFile replaces name in the cache directory (created private when missing) with data.
// Failures only cost speed, so they are logged, not returned.
func (s *Service) writeCacheFile(name string, data []byte) {
	if err := fsafe.EnsureDir(s.CacheDir, false); err != nil {
		s.Log.Warn().Err(err).Msg("cache: not using the directory")
		return
	}
	pf, err := fsafe.NewPending(filepath.Join(s.CacheDir, name), fsafe.FileMode)
	if err != nil {
		return
	}
	defer pf.Cleanup()
	if _, err := pf.Write(data); err != nil {
		return
	}
	_ = pf.CommitNoSync() // a cache: a crash only costs a rebuild (or a second look)
}

// The empty-file sightings: a native host is a process per request, so what one process saw of
// an empty AWS file (settle.go's emptyTrusted) is kept here for the next one. Each entry is a
// file's stamp and when it was first seen empty with that stamp; an entry whose stamp no longer
// matches is never used.
const emptyFile = "empty-files.v1"

// CacheFiles are the names the host keeps in its cache directory: what `uninstall` removes
// there (with their temporary files), and nothing else.
var CacheFiles = []string{cacheFile, emptyFile}

// maxEmptyMarks bounds the file (config and credentials, under a few AWS_CONFIG_FILE settings).
const maxEmptyMarks = 16

type emptyRecord struct {
	Stamp   fileStamp `json:"stamp"`
	SinceNs int64     `json:"since_ns"`
}

// loadEmptyMarks returns the sightings on disk by path (nil when there are none or the cache is off).
func (s *Service) loadEmptyMarks() map[string]emptyMark {
	if s.CacheDir == "" {
		return nil
	}
	data, ok := s.readCacheFile(emptyFile, 64<<10, false)
	if !ok {
		return nil
	}
	var recs []emptyRecord
	if json.Unmarshal(data, &recs) != nil {
		return nil
	}
	marks := make(map[string]emptyMark, len(recs))
	for _, r := range recs {
		marks[r.Stamp.Path] = emptyMark{st: r.Stamp, since: time.Unix(0, r.SinceNs)}
	}
	return marks
}

// storeEmptyMarks writes marks (with those on disk for other paths, up to maxEmptyMarks).
func (s *Service) storeEmptyMarks(marks, disk map[string]emptyMark) {
	if s.CacheDir == "" {
		return
	}
	recs := make([]emptyRecord, 0, len(marks))
	for _, m := range marks {
		recs = append(recs, emptyRecord{Stamp: m.st, SinceNs: m.since.UnixNano()})
	}
	for p, m := range disk {
		if _, ours := marks[p]; !ours && len(recs) < maxEmptyMarks {
			recs = append(recs, emptyRecord{Stamp: m.st, SinceNs: m.since.UnixNano()})
		}
	}
	data, err := json.Marshal(recs)
	if err != nil {
		return
	}
	s.writeCacheFile(emptyFile, data)
}
