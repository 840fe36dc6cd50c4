package awsconfig

import (
	"crypto/sha1" //nolint:gosec // the cache file name is defined as SHA-1 by the AWS CLI and SDKs
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
)

// Limits that keep a scan of the cache directory cheap and bounded.
const (
	// maxScanFileSize is the largest cache file the startUrl scan opens; real token files are < 4 KiB.
	maxScanFileSize = 64 << 10
	// maxTokenFileSize is the largest file ReadSSOToken reads by its hashed name.
	maxTokenFileSize = 1 << 20
	// maxScanFiles bounds how many *.json files the scan opens.
	maxScanFiles = 1000
)

// CacheKey returns the lower-case hex SHA-1 of s: the base name (without ".json") of the SSO
// token cache file for an sso-session name or a legacy start URL.
func CacheKey(s string) string {
	sum := sha1.Sum([]byte(s)) //nolint:gosec // see import
	return hex.EncodeToString(sum[:])
}

// CacheFile returns the path of the token cache file for key (an sso-session name or a legacy
// start URL) in cacheDir.
func CacheFile(cacheDir, key string) string {
	return filepath.Join(cacheDir, CacheKey(key)+".json")
}

// SSOLoginCommand is the command that fills the token cache entry of an sso-session (when
// session != "") or of the legacy profile named profile: what every message about a missing or
// expired SSO token tells a person to run.
func SSOLoginCommand(session, profile string) string {
	if session != "" {
		return "aws-profile-bridge sso login --sso-session " + fsafe.ShellQuote(session)
	}
	return "aws-profile-bridge sso login --profile " + fsafe.ShellQuote(profile)
}

// SSOLogin is the IAM Identity Center sign-in a profile needs: an sso-session, or (Session "")
// the legacy profile whose own sso_start_url signs in. The console core's sso_token_missing and
// sso_token_expired errors carry it as their cause (errors.As), so a front end can start that
// sign-in for the SSO link of the profile's chain. It lives here, beside SSOLoginCommand, so
// that bridge can look for it without linking the console core.
type SSOLogin struct {
	Session, Profile string
	Err              error // the cause
}

func (e *SSOLogin) Error() string {
	if e.Err != nil {
		return e.Err.Error()
	}
	return "an SSO sign-in is needed"
}

func (e *SSOLogin) Unwrap() error { return e.Err }

// ReadSSOToken reads the cached SSO token for an sso-session name (when sessionName != "") or a
// legacy start URL: first the file named by the lower-case hex SHA-1 of that key, then a scan of the
// cache directory for a file whose startUrl matches startURL (what the old Python host did). It
// returns an error wrapping fs.ErrNotExist when there is no token.
//
// A token file that exists but cannot be decoded is an error naming the file; during the scan such
// files are skipped. The scan only opens regular *.json files of at most 64 KiB. When several
// scanned files match, the one that expires last wins. Errors never contain the access token.
func ReadSSOToken(cacheDir, sessionName, startURL string) (*SSOToken, error) {
	key := sessionName
	if key == "" {
		key = startURL
	}
	if key == "" {
		return nil, errors.New("awsconfig: SSO token lookup needs an sso-session name or a start URL")
	}
	if cacheDir == "" {
		return nil, fmt.Errorf("awsconfig: no SSO token cache directory: %w", fs.ErrNotExist)
	}

	file := CacheFile(cacheDir, key)
	data, err := fsafe.ReadFile(file, maxTokenFileSize)
	switch {
	case err == nil:
		return decodeSSOToken(file, data)
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("awsconfig: reading SSO token cache: %w", err)
	}

	if startURL != "" {
		if tok := scanSSOCache(cacheDir, startURL); tok != nil {
			return tok, nil
		}
	}
	what := "sso-session " + sessionName
	if sessionName == "" {
		what = "start URL " + startURL
	}
	return nil, fmt.Errorf("awsconfig: no cached SSO token for %s (looked for %s): %w", what, file, fs.ErrNotExist)
}

// scanSSOCache looks through cacheDir for a token whose startUrl matches startURL (ignoring a
// trailing slash). Unreadable, oversized and undecodable files are skipped.
func scanSSOCache(cacheDir, startURL string) *SSOToken {
	entries, err := os.ReadDir(cacheDir)
	if err != nil {
		return nil
	}
	want := strings.TrimRight(startURL, "/")
	var best *SSOToken
	opened := 0
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.EqualFold(filepath.Ext(e.Name()), ".json") {
			continue
		}
		info, err := e.Info()
		if err != nil || info.Size() > maxScanFileSize {
			continue
		}
		if opened++; opened > maxScanFiles {
			break
		}
		file := filepath.Join(cacheDir, e.Name())
		data, err := fsafe.ReadFile(file, maxScanFileSize)
		if err != nil {
			continue
		}
		tok, err := decodeSSOToken(file, data)
		if err != nil || strings.TrimRight(tok.StartURL, "/") != want {
			continue
		}
		if best == nil || tok.ExpiresAt.After(best.ExpiresAt) {
			best = tok
		}
	}
	return best
}

// decodeSSOToken decodes one cache file. Its errors name the file but never include the token.
func decodeSSOToken(file string, data []byte) (*SSOToken, error) {
	e, err := decodeSSOCacheEntry(file, data)
	if err != nil {
		return nil, err
	}
	if e.AccessToken == "" {
		return nil, fmt.Errorf("awsconfig: SSO token cache file %s has no accessToken; run `aws-profile-bridge sso login` again", file)
	}
	if e.ExpiresAt == "" {
		return nil, fmt.Errorf("awsconfig: SSO token cache file %s has no expiresAt; run `aws-profile-bridge sso login` again", file)
	}
	exp, err := ParseTime(e.ExpiresAt)
	if err != nil {
		return nil, fmt.Errorf("awsconfig: SSO token cache file %s: expiresAt: %w", file, err)
	}
	tok := &SSOToken{
		AccessToken: e.AccessToken,
		ExpiresAt:   exp,
		StartURL:    e.StartURL,
		Region:      e.Region,
		File:        file,
		Refreshable: e.RefreshToken != "" && e.ClientID != "" && e.ClientSecret != "",
	}
	if e.RegistrationExpiresAt != "" {
		if t, err := ParseTime(e.RegistrationExpiresAt); err == nil {
			tok.RegistrationExpiresAt = t
		}
	}
	return tok, nil
}

// timeLayouts are tried in order by ParseTime. "T" may also be a space (normalised before parsing).
var timeLayouts = []string{
	time.RFC3339Nano,                       // 2024-01-01T00:00:00Z, …T15:11:53.540Z, +00:00
	"2006-01-02T15:04:05.999999999Z0700",   // +0000
	"2006-01-02T15:04:05.999999999Z07",     // +00
	"2006-01-02T15:04:05.999999999UTC",     // the old AWS CLI: 2021-12-11T07:18:18UTC
	"2006-01-02T15:04:05.999999999 UTC",    // … 07:18:18 UTC
	"2006-01-02T15:04:05.999999999 Z07:00", // … 07:18:18 +00:00
	"2006-01-02T15:04:05.999999999 Z0700",  // … 07:18:18 +0000
	"2006-01-02T15:04:05.999999999",        // no zone: UTC
	"2006-01-02T15:04",                     // no seconds, no zone: UTC
	"2006-01-02T15:04Z07:00",               // no seconds
}

// zonelessLayouts are the layouts of timeLayouts without a zone.
var zonelessLayouts = []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04"}

// normalizeTime makes the date/time separator "T" and upper-cases what follows ("T", "Z",
// "UTC"), for timeLayouts; ok is false when s is too short to be a timestamp.
func normalizeTime(s string) (string, bool) {
	if len(s) < len("2006-01-02T15:04") {
		return "", false
	}
	norm := []byte(s)
	if norm[10] == ' ' || norm[10] == 't' {
		norm[10] = 'T'
	}
	for i := 11; i < len(norm); i++ {
		if c := norm[i]; c >= 'a' && c <= 'z' {
			norm[i] = c - 'a' + 'A'
		}
	}
	return string(norm), true
}

// ParseTime parses the timestamps found in the SSO token cache and in credentials files:
// RFC 3339 with or without a fraction and with "Z" or a numeric offset (+00:00, +0000), the old
// AWS CLI's "2021-12-11T07:18:18UTC", and "YYYY-MM-DD HH:MM:SS" (a space instead of "T"). A
// timestamp without a zone is read as UTC. The result is in UTC.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	ns, ok := normalizeTime(s)
	if !ok {
		return time.Time{}, fmt.Errorf("unrecognised timestamp %q", s)
	}
	layouts := timeLayouts
	if strings.Trim(ns[11:], "0123456789:.") == "" {
		// No zone (the "# Expires" comments): only the zone-less layouts can match, and each
		// failed time.Parse costs an error value.
		layouts = zonelessLayouts
	}
	for _, layout := range layouts {
		if t, err := time.Parse(layout, ns); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised timestamp %q (want RFC 3339, e.g. 2024-01-01T00:00:00Z)", s)
}
