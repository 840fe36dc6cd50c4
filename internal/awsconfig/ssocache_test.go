package awsconfig

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCacheKey(t *testing.T) {
	// Vectors: `printf %s KEY | sha1sum`, the way the AWS CLI names its cache files.
	tests := map[string]string{
		"":                                "da39a3ee5e6b4b0d3255bfef95601890afd80709",
		"my-sso":                          "0ad374308c5a4e22f723adf10145eafad7c4031c",
		"https://d-123.awsapps.com/start": "2b829a45f04c9828cb45b7d092d8e4aa30818393",
	}
	for in, want := range tests {
		if got := CacheKey(in); got != want {
			t.Errorf("CacheKey(%q) = %q, want %q", in, got, want)
		}
	}
	if got, want := CacheFile("dir", "my-sso"), filepath.Join("dir", tests["my-sso"]+".json"); got != want {
		t.Errorf("CacheFile = %q, want %q", got, want)
	}
}

func TestParseTime(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s, ms int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ms*int(time.Millisecond), time.UTC)
	}
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2024-01-01T00:00:00Z", utc(2024, 1, 1, 0, 0, 0, 0)},
		{"2024-01-01T15:11:53.540Z", utc(2024, 1, 1, 15, 11, 53, 540)},
		{"2024-01-01T15:11:53.540123Z", utc(2024, 1, 1, 15, 11, 53, 540).Add(123 * time.Microsecond)},
		{"2024-01-01T00:00:00+00:00", utc(2024, 1, 1, 0, 0, 0, 0)},
		{"2024-01-01T02:00:00+02:00", utc(2024, 1, 1, 0, 0, 0, 0)},
		{"2023-12-31T19:00:00-05:00", utc(2024, 1, 1, 0, 0, 0, 0)},
		{"2024-01-01T00:00:00+0000", utc(2024, 1, 1, 0, 0, 0, 0)},
		{"2021-12-11T07:18:18UTC", utc(2021, 12, 11, 7, 18, 18, 0)},
		{"2021-12-11T07:18:18 UTC", utc(2021, 12, 11, 7, 18, 18, 0)},
		{"2021-12-11 07:18:18", utc(2021, 12, 11, 7, 18, 18, 0)},
		{"2021-12-11 07:18:18+00:00", utc(2021, 12, 11, 7, 18, 18, 0)},
		{"2021-12-11T07:18:18", utc(2021, 12, 11, 7, 18, 18, 0)},
		{"2021-12-11T07:18:18.25", utc(2021, 12, 11, 7, 18, 18, 250)},
		{"2021-12-11 07:18", utc(2021, 12, 11, 7, 18, 0, 0)},
		{"2021-12-11 07:18+01:00", utc(2021, 12, 11, 6, 18, 0, 0)},
		{"2021-12-11t07:18:18z", utc(2021, 12, 11, 7, 18, 18, 0)},
		{"  2024-01-01T00:00:00Z\n", utc(2024, 1, 1, 0, 0, 0, 0)},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in)
		if err != nil {
			t.Errorf("ParseTime(%q): %v", tt.in, err)
			continue
		}
		if !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) = %v, want %v (UTC)", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{"", "tomorrow", "2024-13-01T00:00:00Z", "2024-01-01", "1700000000", "2024-01-01T00:00:00 PST8"} {
		if got, err := ParseTime(bad); err == nil {
			t.Errorf("ParseTime(%q) = %v, want an error", bad, got)
		}
	}
}

// cacheDir copies testdata/sso fixtures into a temp dir under the given names.
func cacheDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, fixture := range files {
		data, err := os.ReadFile(filepath.Join("testdata", "sso", fixture))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestReadSSOToken(t *testing.T) {
	const (
		corpURL   = "https://corp.awsapps.com/start"
		legacyURL = "https://legacy.awsapps.com/start"
	)
	tests := []struct {
		name           string
		files          map[string]string // cache file name -> fixture
		session, url   string
		wantFixture    string // base name of the file the token must come from ("" = error)
		wantToken      string
		wantExpires    time.Time
		wantNotExist   bool
		wantErrContain string
	}{
		{
			name:        "sso-session by hashed name",
			files:       map[string]string{CacheKey("corp") + ".json": "session-v2.json"},
			session:     "corp",
			url:         corpURL,
			wantFixture: CacheKey("corp") + ".json",
			wantToken:   "SECRET-ACCESS-TOKEN-v2",
			wantExpires: time.Date(2024, 1, 1, 15, 11, 53, 540e6, time.UTC),
		},
		{
			name:        "legacy by hashed start URL, old CLI expiresAt",
			files:       map[string]string{CacheKey(legacyURL) + ".json": "legacy-oldcli.json"},
			url:         legacyURL,
			wantFixture: CacheKey(legacyURL) + ".json",
			wantToken:   "SECRET-ACCESS-TOKEN-legacy",
			wantExpires: time.Date(2021, 12, 11, 7, 18, 18, 0, time.UTC),
		},
		{
			name: "fallback scan by startUrl, skipping corrupt and registration files",
			files: map[string]string{
				"0000-corrupt.json":    "corrupt.json",
				"botocore-client.json": "client-registration.json",
				"zz-whatever.json":     "session-v2.json",
				"notes.txt":            "session-v2.json",
			},
			session:     "corp", // hashed file missing
			url:         corpURL,
			wantFixture: "zz-whatever.json",
			wantToken:   "SECRET-ACCESS-TOKEN-v2",
			wantExpires: time.Date(2024, 1, 1, 15, 11, 53, 540e6, time.UTC),
		},
		{
			name:        "fallback scan ignores a trailing slash, offset expiresAt",
			files:       map[string]string{"x.json": "offset.json"},
			url:         "https://offset.awsapps.com/start",
			wantFixture: "x.json",
			wantToken:   "SECRET-ACCESS-TOKEN-offset",
			wantExpires: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		},
		{
			name:         "scan ignores non-json files",
			files:        map[string]string{"token.txt": "legacy-oldcli.json"},
			url:          legacyURL,
			wantNotExist: true,
		},
		{
			name:         "missing",
			files:        map[string]string{"other.json": "legacy-oldcli.json"},
			session:      "corp",
			url:          corpURL,
			wantNotExist: true,
		},
		{
			name:           "corrupt hashed file is an error naming the file",
			files:          map[string]string{CacheKey("corp") + ".json": "corrupt.json"},
			session:        "corp",
			url:            corpURL,
			wantErrContain: CacheKey("corp") + ".json",
		},
		{
			name:           "hashed file without accessToken",
			files:          map[string]string{CacheKey("corp") + ".json": "client-registration.json"},
			session:        "corp",
			wantErrContain: "no accessToken",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := cacheDir(t, tt.files)
			tok, err := ReadSSOToken(dir, tt.session, tt.url)
			if err != nil && strings.Contains(err.Error(), "SECRET") {
				t.Fatalf("error leaks a secret: %v", err)
			}
			switch {
			case tt.wantNotExist:
				if !errors.Is(err, fs.ErrNotExist) {
					t.Fatalf("err = %v, want fs.ErrNotExist", err)
				}
				return
			case tt.wantErrContain != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantErrContain) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErrContain)
				}
				if errors.Is(err, fs.ErrNotExist) {
					t.Fatalf("err = %v: a broken file is not a missing token", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tok.AccessToken != tt.wantToken || !tok.ExpiresAt.Equal(tt.wantExpires) {
				t.Errorf("token = %q expires %v, want %q expires %v", tok.AccessToken, tok.ExpiresAt, tt.wantToken, tt.wantExpires)
			}
			if filepath.Base(tok.File) != tt.wantFixture {
				t.Errorf("File = %s, want %s", tok.File, tt.wantFixture)
			}
			if tok.StartURL == "" || tok.Region == "" {
				t.Errorf("startUrl/region not read: %+v", tok)
			}
		})
	}
}

func TestReadSSOTokenScanPicksLatestAndSkipsLarge(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	const url = "https://d-1.awsapps.com/start"
	write("a.json", `{"startUrl":"`+url+`","accessToken":"old","expiresAt":"2024-01-01T00:00:00Z"}`)
	write("b.json", `{"startUrl":"`+url+`","accessToken":"new","expiresAt":"2024-06-01T00:00:00Z"}`)
	write("c.json", `{"startUrl":"`+url+`","accessToken":"huge","expiresAt":"2030-06-01T00:00:00Z","pad":"`+strings.Repeat("x", maxScanFileSize)+`"}`)
	if err := os.Mkdir(filepath.Join(dir, "d.json"), 0o700); err != nil {
		t.Fatal(err)
	}
	tok, err := ReadSSOToken(dir, "", url)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "new" {
		t.Errorf("scan chose %q, want the latest-expiring small file", tok.AccessToken)
	}
}

func TestReadSSOTokenArguments(t *testing.T) {
	if _, err := ReadSSOToken(t.TempDir(), "", ""); err == nil {
		t.Error("no key: want an error")
	}
	if _, err := ReadSSOToken("", "corp", ""); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("no cache dir: err = %v, want fs.ErrNotExist", err)
	}
	if _, err := ReadSSOToken(filepath.Join(t.TempDir(), "absent"), "corp", "https://x"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("absent cache dir: err = %v, want fs.ErrNotExist", err)
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2024-01-01T00:00:00Z", "2024-01-01T15:11:53.540Z", "2021-12-11T07:18:18UTC",
		"2024-01-01T00:00:00+00:00", "2024-01-01 00:00:00", "2024-01-01T00:00:00+0000", "x",
		"2024-01-01 00:00", "2024-01-01T00:00:00.5", "2024-01-01T00:00:00.", "2024-01-01T0:0:0", "2024-01-01T00:00:00:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTime(s)
		// ParseTime tries only the layouts that can match; trying them all must agree.
		if want, werr := parseTimeAnyLayout(s); (err == nil) != (werr == nil) || !got.Equal(want) {
			t.Fatalf("ParseTime(%q) = %v, %v; every layout in turn gives %v, %v", s, got, err, want, werr)
		}
		if err != nil {
			return
		}
		if got.Location() != time.UTC {
			t.Fatalf("ParseTime(%q) not in UTC: %v", s, got)
		}
		again, err := ParseTime(got.Format(time.RFC3339Nano))
		if err != nil || !again.Equal(got) {
			t.Fatalf("round trip of %q: %v, %v", s, again, err)
		}
	})
}

// parseTimeAnyLayout is ParseTime trying every layout in turn.
func parseTimeAnyLayout(s string) (time.Time, error) {
	ns, ok := normalizeTime(strings.TrimSpace(s))
	if !ok {
		return time.Time{}, errors.New("short")
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, ns); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("no layout")
}

func BenchmarkReadSSOTokenScan(b *testing.B) {
	dir := b.TempDir()
	for i := range 200 {
		body := `{"startUrl":"https://other` + strings.Repeat("x", i%7) + `.awsapps.com/start","accessToken":"t","expiresAt":"2030-01-01T00:00:00Z"}`
		if err := os.WriteFile(filepath.Join(dir, CacheKey(string(rune('a'+i%26))+strings.Repeat("y", i))+".json"), []byte(body), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := ReadSSOToken(dir, "missing", "https://nowhere/start"); !errors.Is(err, fs.ErrNotExist) {
			b.Fatal(err)
		}
	}
}
