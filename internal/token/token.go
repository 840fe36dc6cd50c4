// Package token manages the API tokens of the HTTP fallback (security.md, "Tokens"): the
// extension's awspc_<43 Base62>_<6 checksum> format, only SHA-256 of each token at rest in a 0600
// file inside a 0700 directory, written atomically, compared in constant time, each token bound
// to the first extension origin that uses it. The plaintext is returned once by Create/Rotate and
// never stored or logged.
package token

import (
	"errors"
	"time"
)

// FileName is the token store inside the config directory.
const FileName = "tokens.json"

// Record is what the store keeps about one token. It never holds the token itself.
type Record struct {
	ID        string    `json:"id"`         // short random id, safe to show and log
	Label     string    `json:"label"`      // user's label
	Hash      string    `json:"sha256"`     // hex SHA-256 of the token
	Created   time.Time `json:"created"`    //
	LastUsed  time.Time `json:"last_used"`  // zero when never used
	Origin    string    `json:"origin"`     // bound extension origin ("" until first use with an Origin)
	RotatedAt time.Time `json:"rotated_at"` // zero when never rotated
}

// Errors.
var (
	ErrNotFound      = errors.New("no such token")
	ErrInsecureStore = errors.New("token store permissions are too open or owned by another user")
	ErrBadFormat     = errors.New("not an aws-profile-bridge token")
)

// Store is the token file of one user. Methods are safe for concurrent use; a long-running
// server sees changes made by the CLI (another process) without a restart.
type Store struct {
	dir string
}

// Open opens (creating when create is true) the store in dir. It refuses a directory or file
// that is looser than 0700/0600 or owned by another user (ErrInsecureStore, with what to run).
func Open(dir string, create bool) (*Store, error) { return nil, errors.New("token: not implemented") }

// Create makes a new token with a label; the plaintext is returned once.
func (s *Store) Create(label string) (plaintext string, rec Record, err error) {
	return "", Record{}, errors.New("token: not implemented")
}

// List returns every record (no plaintext exists to return).
func (s *Store) List() ([]Record, error) { return nil, errors.New("token: not implemented") }

// Rotate replaces the token of id with a new one (same id and label, origin binding cleared);
// the new plaintext is returned once and the old token stops working at once.
func (s *Store) Rotate(id string) (plaintext string, rec Record, err error) {
	return "", Record{}, errors.New("token: not implemented")
}

// Revoke deletes the token id; RevokeAll deletes every token.
func (s *Store) Revoke(id string) error { return errors.New("token: not implemented") }

// RevokeAll deletes every token and returns how many there were.
func (s *Store) RevokeAll() (int, error) { return 0, errors.New("token: not implemented") }

// Verify checks a presented token (format, checksum, then SHA-256 in constant time against every
// record, after re-reading the file if it changed). ok is false for a missing, malformed or
// unknown token; rec is the matching record.
func (s *Store) Verify(presented string) (rec Record, ok bool) { return Record{}, false }

// Use records a successful use: it binds origin to the token on first use with a non-empty
// origin and updates LastUsed (at most once a minute on disk). It returns false when the token
// is already bound to a different origin (the caller answers 403).
func (s *Store) Use(id, origin string, now time.Time) (allowed bool, err error) {
	return false, errors.New("token: not implemented")
}

// Generate returns a new random token in the extension's format.
func Generate() (string, error) { return "", errors.New("token: not implemented") }

// ValidFormat reports whether s is awspc_ + 43 Base62 + _ + the 6-character Base62 CRC-32 checksum.
func ValidFormat(s string) bool { return false }
