// Package token manages the API tokens of the HTTP fallback (docs/SECURITY.md, "API tokens"): the
// extension's awspc_<43 Base62>_<6 checksum> format, only SHA-256 of each token at rest in a 0600
// file inside a 0700 directory, written atomically, compared in constant time, each token bound
// to the first extension origin that uses it. The plaintext is returned once by Create/Rotate and
// never stored or logged.
//
// The file (FileName in the config directory) is JSON:
//
//	{"version":1,"tokens":[{"id":"3f9c20aa","label":"laptop","sha256":"<64 hex>",
//	  "created":"2025-01-02T03:04:05Z","last_used":"…","origin":"moz-extension://…","rotated_at":"…"}]}
//
// Writers (Create, Rotate, Revoke, RevokeAll, and Use when it binds an origin or records a use)
// take an exclusive lock on LockFileName, re-read the file, write a temporary file in the same
// directory, fsync it and rename it over the old one (fsafe.Lock, fsafe.PendingFile), so a reader
// sees the old file or the new one, never a torn one, and no writer's change is lost. Readers
// take no lock: Verify stats the file on every call and re-reads it only when its stamp (size,
// modification time, inode, change time) changed, so a running server sees the CLI's changes at
// once. A reader opens the file and judges what it opened (fsafe.OpenNoFollow), so a rename
// between a look at the path and the open cannot make it refuse a valid store.
package token

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
)

// FileName is the token store inside the config directory.
const FileName = "tokens.json"

// LockFileName is the lock file writers hold while they replace FileName (mode 0600, empty).
const LockFileName = "tokens.json.lock"

// maxFileSize bounds the token file (a record takes about 300 bytes).
const maxFileSize = 4 << 20

// fileVersion is the version of the file format this package reads and writes.
const fileVersion = 1

// MaxLabelLen is the longest label, in characters.
const MaxLabelLen = 64

// maxOriginLen bounds a bound origin (moz-extension://<uuid> is 51 bytes).
const maxOriginLen = 256

// UseInterval is how often Use writes LastUsed to disk at most, per token.
const UseInterval = time.Minute

// Record is what the store keeps about one token. It never holds the token itself.
type Record struct {
	ID        string    `json:"id"`                  // short random id, safe to show and log
	Label     string    `json:"label"`               // user's label
	Hash      string    `json:"sha256"`              // hex SHA-256 of the token
	Created   time.Time `json:"created"`             //
	LastUsed  time.Time `json:"last_used,omitzero"`  // zero when never used
	Origin    string    `json:"origin"`              // bound extension origin ("" until first use with an Origin)
	RotatedAt time.Time `json:"rotated_at,omitzero"` // zero when never rotated
}

// Errors.
var (
	ErrNotFound      = errors.New("no such token")
	ErrInsecureStore = errors.New("token store permissions are too open or owned by another user")
	ErrBadFormat     = errors.New("not an aws-profile-bridge token")
	ErrBadLabel      = errors.New("a token label must be valid UTF-8, without control characters or a token, at most 64 characters")
	ErrBadOrigin     = errors.New("origin too long or with control characters")
)

// Store is the token file of one user. Methods are safe for concurrent use; a long-running
// server sees changes made by the CLI (another process) without a restart.
type Store struct {
	dir  string
	path string

	mu   sync.Mutex               // serialises reloads and writes within this process
	snap atomic.Pointer[snapshot] // what Verify reads without a lock
	// useFailed remembers, per id, when writing LastUsed last failed, so that a read-only disk
	// does not turn every request into a write attempt.
	useFailed map[string]time.Time
}

// snapshot is the parsed file as of one stamp.
type snapshot struct {
	st     fsafe.Stamp
	racy   bool // changed within fsafe.RacyWindow of being read: re-read even if the stamp is unchanged
	recs   []Record
	hashes [][sha256.Size]byte // decoded recs[i].Hash
	err    error               // why the file cannot be used; Verify fails closed while set
}

// Open opens (creating when create is true) the store in dir. It refuses a directory or file
// that is looser than 0700/0600 or owned by another user (ErrInsecureStore, with what to run).
// Without create, a missing directory or file is an empty store (not an error) that picks the
// file up once it appears.
func Open(dir string, create bool) (*Store, error) {
	if dir == "" {
		return nil, errors.New("token: no config directory")
	}
	s := &Store{dir: dir, path: filepath.Join(dir, FileName)}
	if create {
		if err := s.ensureDir(); err != nil {
			return nil, err
		}
		if _, err := os.Lstat(s.path); errors.Is(err, fs.ErrNotExist) {
			// Write an empty store, so that its mode is set (and checked by doctor) from the start.
			if err := s.update(func(recs []Record) ([]Record, error) { return recs, nil }); err != nil {
				return nil, err
			}
		}
	}
	snap := s.load()
	if snap.err != nil {
		return nil, snap.err
	}
	s.snap.Store(snap)
	return s, nil
}

// Dir returns the directory of the store.
func (s *Store) Dir() string { return s.dir }

// Path returns the path of the token file.
func (s *Store) Path() string { return s.path }

// Err reports why the store cannot be used right now (an insecure or unreadable file, changed
// since Open), or nil. Verify fails closed while it is set; a server logs it.
func (s *Store) Err() error { return s.current().err }

// ensureDir creates the directory (0700) when missing and checks it.
func (s *Store) ensureDir() error {
	err := fsafe.EnsureDir(s.dir, false)
	if err == nil || errors.Is(err, fsafe.ErrNotPrivate) {
		return insecure(err)
	}
	return fmt.Errorf("token: %w", err)
}

func (s *Store) checkDir() error { return insecure(fsafe.CheckDir(s.dir)) }

// insecure marks a breach of the private-permission rule as ErrInsecureStore.
func insecure(err error) error {
	if errors.Is(err, fsafe.ErrNotPrivate) {
		return fmt.Errorf("%w: %w", ErrInsecureStore, err)
	}
	return err
}

// load reads and checks the directory and the file. A missing directory or file is an empty
// snapshot.
func (s *Store) load() *snapshot {
	loads.Add(1)
	fail := func(err error) *snapshot { return &snapshot{err: err} }
	if err := s.checkDir(); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return &snapshot{}
		}
		return fail(err)
	}
	f, fi, err := fsafe.OpenNoFollow(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return &snapshot{}
	}
	var fe *fsafe.FileError
	if errors.As(err, &fe) {
		return fail(fmt.Errorf("%w: %s %s; remove it and create tokens again", ErrInsecureStore, s.path, fe.Problem))
	}
	if err != nil {
		return fail(fmt.Errorf("token: %w", err))
	}
	defer f.Close()
	if err := fsafe.CheckPrivate(s.path, fi); err != nil {
		return fail(insecure(err))
	}
	data, err := fsafe.ReadAll(f, fi, maxFileSize)
	if err != nil {
		return fail(fmt.Errorf("token: %w; fix or remove it (then create tokens again)", err))
	}
	snap := &snapshot{st: fsafe.StampInfo(s.path, fi)}
	snap.racy = snap.st.Racy(time.Now(), racyWindow)
	if err := snap.parse(data); err != nil {
		return fail(fmt.Errorf("token: %s: %w; fix or remove it (then create tokens again)", s.path, err))
	}
	return snap
}

type fileData struct {
	Version int      `json:"version"`
	Tokens  []Record `json:"tokens"`
}

func (snap *snapshot) parse(data []byte) error {
	if len(strings.TrimSpace(string(data))) == 0 {
		return nil // an empty file is an empty store
	}
	var fd fileData
	if err := json.Unmarshal(data, &fd); err != nil {
		return fmt.Errorf("not a token store: %v", err)
	}
	if fd.Version != fileVersion {
		return fmt.Errorf("token store version %d, this build reads version %d", fd.Version, fileVersion)
	}
	seen := make(map[string]bool, len(fd.Tokens))
	snap.hashes = make([][sha256.Size]byte, len(fd.Tokens))
	for i, r := range fd.Tokens {
		if r.ID == "" || seen[r.ID] {
			return fmt.Errorf("record %d: empty or repeated id", i)
		}
		seen[r.ID] = true
		if len(r.Hash) != hex.EncodedLen(sha256.Size) {
			return fmt.Errorf("token %s: bad sha256", r.ID)
		}
		if _, err := hex.Decode(snap.hashes[i][:], []byte(r.Hash)); err != nil {
			return fmt.Errorf("token %s: bad sha256", r.ID)
		}
	}
	snap.recs = fd.Tokens
	return nil
}

// current returns the snapshot of the file as it is now, re-reading it only when it changed.
func (s *Store) current() *snapshot {
	if snap := s.fresh(); snap != nil {
		return snap
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Another goroutine may have reloaded while this one waited.
	if snap := s.fresh(); snap != nil {
		return snap
	}
	snap := s.load()
	s.snap.Store(snap)
	return snap
}

// fresh returns the loaded snapshot when it can be used without reading the file again: it
// loaded cleanly, was not racy, and the file's stamp has not changed since. Otherwise nil.
func (s *Store) fresh() *snapshot {
	if snap := s.snap.Load(); snap != nil && !snap.racy && snap.err == nil && s.stat() == snap.st {
		return snap
	}
	return nil
}

func (s *Store) stat() fsafe.Stamp {
	fi, err := osStat(s.path)
	if err != nil {
		return fsafe.Stamp{}
	}
	return fsafe.StampInfo(s.path, fi)
}

// racyWindow is fsafe.RacyWindow (a variable for the tests, which cannot age a change time).
var racyWindow = fsafe.RacyWindow

// Seams for the tests: file stats on the Verify path, file reads, a failure just before the
// rename of an atomic write.
var (
	osStat       = os.Stat
	loads        atomic.Int64
	beforeRename func() error
)

// errNoChange tells update that its function changed nothing: no write.
var errNoChange = errors.New("no change")

// update runs fn on the records as they are on disk, under the file lock, and writes its result
// atomically. fn returning errNoChange skips the write and makes update return nil.
func (s *Store) update(fn func(recs []Record) ([]Record, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.ensureDir(); err != nil {
		return err
	}
	lock := filepath.Join(s.dir, LockFileName)
	unlock, err := fsafe.Lock(lock)
	if err != nil {
		return fmt.Errorf("token: locking %s: %w", lock, err)
	}
	defer unlock()

	snap := s.load()
	if snap.err != nil {
		return snap.err
	}
	recs, err := fn(append([]Record(nil), snap.recs...))
	if errors.Is(err, errNoChange) {
		s.snap.Store(snap)
		return nil
	}
	if err != nil {
		return err
	}
	fsafe.RemoveTemps(s.path) // a crashed writer's leftovers (no other writer runs: we hold the lock)
	if err := s.write(recs); err != nil {
		return err
	}
	s.snap.Store(s.load())
	return nil
}

// write replaces the file atomically and durably.
func (s *Store) write(recs []Record) error {
	if recs == nil {
		recs = []Record{}
	}
	data, err := json.MarshalIndent(fileData{Version: fileVersion, Tokens: recs}, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	pf, err := fsafe.NewPending(s.path, fsafe.FileMode)
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	defer pf.Cleanup()
	if _, err := pf.Write(data); err != nil {
		return fmt.Errorf("token: writing %s: %w", pf.Name(), err)
	}
	if beforeRename != nil {
		if err := beforeRename(); err != nil {
			return err
		}
	}
	if err := pf.Commit(); err != nil {
		return fmt.Errorf("token: %w", err)
	}
	return nil
}

func find(recs []Record, id string) int {
	for i := range recs {
		if recs[i].ID == id {
			return i
		}
	}
	return -1
}

// cmpErr returns err if set, else alt.
func cmpErr(err, alt error) error {
	if err != nil {
		return err
	}
	return alt
}

// notFound names the id, unless the caller passed a token instead of its id: a token is never
// put in an error.
func notFound(id string) error {
	if len(id) > 16 || !isBase62(strings.ReplaceAll(strings.ReplaceAll(id, "-", ""), "_", "")) {
		// Not shown: it may be a token pasted in place of its id.
		return fmt.Errorf("%w: the id given (not shown) looks like a token, not an id of 8 hex characters", ErrNotFound)
	}
	return fmt.Errorf("%w: %q", ErrNotFound, id)
}

// stamp normalises a time for the file: UTC, whole seconds, no monotonic reading.
func stampTime(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

// ValidLabel reports whether label is acceptable: valid UTF-8, no control characters (they could
// drive a terminal that shows `token list`), at most MaxLabelLen characters, and no token in it
// (a token pasted as a label would be kept in plaintext).
func ValidLabel(label string) bool {
	if !utf8.ValidString(label) || utf8.RuneCountInString(label) > MaxLabelLen || strings.Contains(label, Prefix) {
		return false
	}
	for _, r := range label {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	return true
}

func validOrigin(o string) bool {
	for i := 0; i < len(o); i++ {
		if o[i] <= ' ' || o[i] >= 0x7f {
			return false // origins are ASCII without spaces (RFC 6454 serialisation)
		}
	}
	return true
}

func newID(recs []Record) (string, error) {
	for {
		var b [4]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", err
		}
		id := hex.EncodeToString(b[:])
		if find(recs, id) < 0 {
			return id, nil
		}
	}
}

// Create makes a new token with a label; the plaintext is returned once.
func (s *Store) Create(label string) (plaintext string, rec Record, err error) {
	if !ValidLabel(label) {
		return "", Record{}, ErrBadLabel
	}
	tok, err := Generate()
	if err != nil {
		return "", Record{}, err
	}
	h := hashToken(tok)
	err = s.update(func(recs []Record) ([]Record, error) {
		id, err := newID(recs)
		if err != nil {
			return nil, err
		}
		rec = Record{ID: id, Label: label, Hash: hexHash(h), Created: stampTime(time.Now())}
		return append(recs, rec), nil
	})
	if err != nil {
		return "", Record{}, err
	}
	return tok, rec, nil
}

// List returns every record (no plaintext exists to return), oldest first.
func (s *Store) List() ([]Record, error) {
	snap := s.current()
	if snap.err != nil {
		return nil, snap.err
	}
	return append([]Record(nil), snap.recs...), nil
}

// Get returns the record of id.
func (s *Store) Get(id string) (Record, error) {
	snap := s.current()
	if snap.err != nil {
		return Record{}, snap.err
	}
	if i := find(snap.recs, id); i >= 0 {
		return snap.recs[i], nil
	}
	return Record{}, notFound(id)
}

// Rotate replaces the token of id with a new one (same id and label, origin binding and last
// use cleared); the new plaintext is returned once and the old token stops working at once.
func (s *Store) Rotate(id string) (plaintext string, rec Record, err error) {
	tok, err := Generate()
	if err != nil {
		return "", Record{}, err
	}
	h := hashToken(tok)
	if snap := s.current(); snap.err != nil || !snap.st.Exists {
		return "", Record{}, cmpErr(snap.err, notFound(id)) // no reason to create the directory
	}
	err = s.update(func(recs []Record) ([]Record, error) {
		i := find(recs, id)
		if i < 0 {
			return nil, notFound(id)
		}
		r := &recs[i]
		r.Hash, r.Origin, r.LastUsed, r.RotatedAt = hexHash(h), "", time.Time{}, stampTime(time.Now())
		rec = *r
		return recs, nil
	})
	if err != nil {
		return "", Record{}, err
	}
	return tok, rec, nil
}

// Revoke deletes the token id; RevokeAll deletes every token.
func (s *Store) Revoke(id string) error {
	if snap := s.current(); snap.err != nil || !snap.st.Exists {
		return cmpErr(snap.err, notFound(id)) // no reason to create the directory
	}
	return s.update(func(recs []Record) ([]Record, error) {
		i := find(recs, id)
		if i < 0 {
			return nil, notFound(id)
		}
		return append(recs[:i], recs[i+1:]...), nil
	})
}

// RevokeAll deletes every token and returns how many there were.
func (s *Store) RevokeAll() (int, error) {
	n := 0
	if snap := s.current(); snap.err != nil || !snap.st.Exists {
		return 0, snap.err // nothing to revoke, and no reason to create the directory
	}
	err := s.update(func(recs []Record) ([]Record, error) {
		n = len(recs)
		if n == 0 {
			return nil, errNoChange
		}
		return nil, nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// Verify checks a presented token (format, checksum, then SHA-256 in constant time against every
// record, after re-reading the file if it changed). ok is false for a missing, malformed or
// unknown token; rec is the matching record. A malformed token costs no file access.
func (s *Store) Verify(presented string) (rec Record, ok bool) {
	if !ValidFormat(presented) {
		return Record{}, false
	}
	h := hashToken(presented)
	snap := s.current()
	if snap.err != nil {
		return Record{}, false
	}
	match := -1
	for i := range snap.hashes { // every record, no early exit
		if subtle.ConstantTimeCompare(h[:], snap.hashes[i][:]) == 1 {
			match = i
		}
	}
	if match < 0 {
		return Record{}, false
	}
	return snap.recs[match], true
}

// usable reports whether origin may use a token bound to bound: an absent origin (a non-browser
// client) always may; a present one must equal the binding, if any.
func usable(bound, origin string) bool { return origin == "" || bound == "" || bound == origin }

// due reports whether LastUsed last should be written again at now.
func due(last, now time.Time) bool {
	if last.IsZero() {
		return true
	}
	d := now.Sub(last)
	return d >= UseInterval || d <= -UseInterval
}

// Use records a successful use: it binds origin to the token on first use with a non-empty
// origin and updates LastUsed (at most once a minute on disk). It returns false when the token
// is already bound to a different origin (the caller answers 403). An empty origin (a client
// that sends none, not a browser) is allowed and binds nothing.
//
// err is ErrNotFound when the token was revoked meanwhile (allowed is false), ErrBadOrigin for
// an origin no browser sends (allowed is false), or a write error: allowed is then false when
// the origin could not be bound, and true when only LastUsed could not be recorded (a later
// call tries again after UseInterval).
func (s *Store) Use(id, origin string, now time.Time) (allowed bool, err error) {
	if len(origin) > maxOriginLen || !validOrigin(origin) {
		return false, ErrBadOrigin
	}
	snap := s.current()
	if snap.err != nil {
		return false, snap.err
	}
	i := find(snap.recs, id)
	if i < 0 {
		return false, notFound(id)
	}
	r := snap.recs[i]
	if !usable(r.Origin, origin) {
		return false, nil
	}
	bind := origin != "" && r.Origin == ""
	if !bind {
		if !due(r.LastUsed, now) {
			return true, nil
		}
		s.mu.Lock()
		failed, ok := s.useFailed[id]
		s.mu.Unlock()
		if ok && !due(failed, now) {
			return true, nil
		}
	}
	allowed = true
	err = s.update(func(recs []Record) ([]Record, error) {
		i := find(recs, id)
		if i < 0 {
			allowed = false
			return nil, notFound(id)
		}
		r := &recs[i]
		if !usable(r.Origin, origin) {
			allowed = false
			return nil, errNoChange
		}
		changed := false
		if origin != "" && r.Origin == "" {
			r.Origin, changed = origin, true
		}
		if due(r.LastUsed, now) {
			r.LastUsed, changed = stampTime(now), true
		}
		if !changed {
			return nil, errNoChange
		}
		return recs, nil
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		if bind {
			return false, err
		}
		s.mu.Lock()
		if s.useFailed == nil {
			s.useFailed = map[string]time.Time{}
		}
		s.useFailed[id] = now
		s.mu.Unlock()
		return true, err
	}
	return allowed, err
}
