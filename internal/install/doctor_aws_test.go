//go:build unix

package install

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestCheckAWSFile(t *testing.T) {
	tests := []struct {
		name    string
		secret  bool
		setup   func(t *testing.T, p string)
		status  string
		message string // fragment
		fix     string // fragment
	}{
		{"missing", false, func(t *testing.T, p string) {}, StatusInfo, "does not exist", ""},
		{"private file", true, writeMode(0o600), StatusOK, "only you can change", ""},
		{"config readable by all", false, writeMode(0o644), StatusOK, "only you can change", ""},
		{"directory", false, func(t *testing.T, p string) { must(t, os.Mkdir(p, 0o700)) }, StatusFail, "is a directory", "mv "},
		{"dangling symlink", false, func(t *testing.T, p string) { must(t, os.Symlink(p+".gone", p)) }, StatusFail, "does not exist", "rm "},
		{"named pipe", false, func(t *testing.T, p string) { must(t, syscall.Mkfifo(p, 0o600)) }, StatusFail, "is a named pipe", "mv "},
		{"device through a symlink", false, func(t *testing.T, p string) { must(t, os.Symlink("/dev/zero", p)) }, StatusFail, "is a device", "mv "},
		{"world-writable config", false, writeMode(0o666), StatusFail, "credential_process", "chmod go-w "},
		{"group-writable credentials", true, writeMode(0o660), StatusFail, "other users can change it", "chmod 600 "},
		{"credentials readable by others", true, writeMode(0o644), StatusFail, "can read your keys", "chmod 600 "},
		{"another owner", false, func(t *testing.T, p string) {
			writeMode(0o600)(t, p)
			if os.Geteuid() != 0 {
				t.Skip("needs root to give a file away")
			}
			must(t, os.Chown(p, 12345, 12345))
		}, StatusFail, "belongs to another user", "chown"},
		{"folder others can write", false, func(t *testing.T, p string) {
			writeMode(0o600)(t, p)
			must(t, os.Chmod(filepath.Dir(p), 0o777))
		}, StatusFail, "can replace", "chmod go-w "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), ".aws")
			must(t, os.Mkdir(dir, 0o700))
			p := filepath.Join(dir, "config")
			tt.setup(t, p)
			got := CheckAWSFile(AWSFile{Path: p, Secret: tt.secret})
			for _, f := range got {
				if f.Status == tt.status && strings.Contains(f.Message, tt.message) && strings.Contains(f.Fix, tt.fix) {
					if f.Status == StatusFail && !strings.Contains(f.Fix, filepath.Base(p)) && !strings.Contains(f.Fix, dir) {
						t.Errorf("fix %q names no path", f.Fix)
					}
					return
				}
			}
			t.Errorf("want a %s finding with %q and fix %q; got %+v", tt.status, tt.message, tt.fix, got)
		})
	}
}

// TestDoctorChecksAWSFiles: doctor looks at the AWS files and reads them as the host does.
func TestDoctorChecksAWSFiles(t *testing.T) {
	home := t.TempDir()
	e := &Env{GOOS: "linux", Home: home, ConfigDir: filepath.Join(home, ".config", "aws-profile-bridge"), LogDir: filepath.Join(home, ".aws", "logs"),
		Exists: func(string) bool { return false }, LookPath: func(string) (string, error) { return "", os.ErrNotExist },
		Probe: func(string, []string, []byte) ([]byte, error) { return nil, os.ErrNotExist }}
	cfg := filepath.Join(home, ".aws", "config")
	must(t, os.MkdirAll(filepath.Dir(cfg), 0o700))
	must(t, os.WriteFile(cfg, []byte("[default]\n"), 0o600))
	must(t, os.Chmod(cfg, 0o666))
	loaded := false
	o := DoctorOptions{AWSFiles: []AWSFile{{Path: cfg}}, LoadAWS: func() (int, []string, error) {
		loaded = true
		return 3, []string{"profile x: half a key pair"}, nil
	}}
	fs := e.Doctor(o)
	if !hasFinding(fs, "aws", StatusFail, "credential_process") {
		t.Errorf("world-writable config not reported: %+v", fs)
	}
	if loaded {
		t.Error("doctor parsed a file it had just found unsafe")
	}
	must(t, os.Chmod(cfg, 0o600))
	fs = e.Doctor(o)
	if !hasFinding(fs, "aws", StatusWarn, "half a key pair") || !loaded {
		t.Errorf("parse warnings not reported: %+v", fs)
	}
}

func hasFinding(fs []Finding, check, status, fragment string) bool {
	for _, f := range fs {
		if f.Check == check && f.Status == status && strings.Contains(f.Message, fragment) {
			return true
		}
	}
	return false
}

func writeMode(mode os.FileMode) func(t *testing.T, p string) {
	return func(t *testing.T, p string) {
		must(t, os.WriteFile(p, []byte("[default]\nregion = eu-west-1\n"), 0o600))
		must(t, os.Chmod(p, mode))
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
