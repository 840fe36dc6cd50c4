package console

import (
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
)

// The sign-in reads key expiry with the profile list's rules, so the two never disagree.
func TestFileExpiryMatchesTheProfileList(t *testing.T) {
	want := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct{ key, val, comment string }{
		{"aws_expiration", "2030-01-02T03:04:05Z", ""},
		{"x_security_token_expires", "2030-01-02T03:04:05+00:00", ""},
		{"expiration", "2030-01-02T03:04:05", ""}, // no zone: UTC, as the list reads it
		{"aws_expiration", "2030-01-02T03:04:05UTC", ""},
		{"", "", "2030-01-02 03:04:05"},
	} {
		p := &awsconfig.Profile{Name: "x", ExpiresComment: tc.comment}
		if tc.key != "" {
			p.Settings.Set(tc.key, tc.val)
		}
		if got := fileExpiry(p); !got.Equal(want) {
			t.Errorf("%s=%q comment=%q: %v, want %v", tc.key, tc.val, tc.comment, got, want)
		}
	}
}
