package awsconfig

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
)

// SSOCacheEntry is one SSO token cache file with every member the AWS CLI writes (and the SDKs
// read): the access token, and for an sso-session the client registration and refresh token
// that let it be refreshed. AccessToken, ClientSecret and RefreshToken are secrets: never log them.
type SSOCacheEntry struct {
	StartURL              string `json:"startUrl,omitempty"`
	Region                string `json:"region,omitempty"`
	AccessToken           string `json:"accessToken"`
	ExpiresAt             string `json:"expiresAt"`
	ClientID              string `json:"clientId,omitempty"`
	ClientSecret          string `json:"clientSecret,omitempty"`
	RegistrationExpiresAt string `json:"registrationExpiresAt,omitempty"`
	RefreshToken          string `json:"refreshToken,omitempty"`
}

// FormatTime writes a cache timestamp as the AWS CLI does: RFC 3339, UTC, whole seconds ("Z").
func FormatTime(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }

// ReadSSOCacheEntry reads one cache file as it is. It returns an error wrapping fs.ErrNotExist
// when the file does not exist; its errors never contain a token.
func ReadSSOCacheEntry(file string) (*SSOCacheEntry, error) {
	data, err := fsafe.ReadFile(file, maxTokenFileSize)
	if err != nil {
		return nil, err
	}
	return decodeSSOCacheEntry(file, data)
}

// ReadSSOCacheJSON decodes any file of the SSO cache directory (such as a client registration)
// into v, with the same bounds as ReadSSOCacheEntry.
func ReadSSOCacheJSON(file string, v any) error {
	data, err := fsafe.ReadFile(file, maxTokenFileSize)
	if err != nil {
		return err
	}
	return decodeSSOCacheJSON(file, data, v)
}

func decodeSSOCacheEntry(file string, data []byte) (*SSOCacheEntry, error) {
	var e SSOCacheEntry
	if err := decodeSSOCacheJSON(file, data, &e); err != nil {
		return nil, err
	}
	return &e, nil
}

func decodeSSOCacheJSON(file string, data []byte, v any) error {
	if err := json.Unmarshal(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), v); err != nil {
		// json errors report offsets and types, never the values themselves.
		return fmt.Errorf("awsconfig: SSO token cache file %s is not valid JSON (%v); run `aws-profile-bridge sso login` again", file, err)
	}
	return nil
}

// WriteSSOCacheEntry writes e to file the way the AWS CLI does, so that the CLI and every SDK
// read it: JSON, mode 0600, in a 0700 directory, replaced atomically (fsafe.WriteFile), so a
// reader never sees half a token.
func WriteSSOCacheEntry(file string, e *SSOCacheEntry) error { return WriteSSOCacheJSON(file, e) }

// WriteSSOCacheJSON writes any value of the SSO cache directory (such as a client registration)
// as WriteSSOCacheEntry does.
func WriteSSOCacheJSON(file string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	// The AWS CLI may have made the directory 0755: it holds tokens, so it is tightened.
	if err := fsafe.EnsureDir(filepath.Dir(file), true); err != nil {
		return fmt.Errorf("awsconfig: %w", err)
	}
	if err := fsafe.WriteFile(file, data, fsafe.FileMode); err != nil {
		return fmt.Errorf("awsconfig: writing %s: %w", file, err)
	}
	return nil
}
