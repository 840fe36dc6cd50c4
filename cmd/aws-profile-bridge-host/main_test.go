package main

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// The lean host exists to start fast: it must not link the AWS SDK, nor the network and TLS
// code only a sign-in needs, nor the installer (docs/PERFORMANCE.md). A new import that pulls
// them in fails here.
func TestLinksNoSDK(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 20 {
		t.Fatalf("go list gave %d packages: %q", len(deps), out)
	}
	const module = "github.com/aws-profile-bridge/aws-profile-bridge/"
	for _, d := range deps {
		switch {
		case strings.HasPrefix(d, "github.com/aws/"), d == "net/http", d == "crypto/tls", d == "crypto/x509",
			d == module+"internal/console", d == module+"internal/signer", d == module+"internal/sso",
			d == module+"internal/httpapi", d == module+"internal/install", d == "text/template", d == "encoding/xml":
			t.Errorf("the lean host links %s", d)
		}
	}
}

func TestRunIsNotACommandLine(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"profiles"}, nil, &out, &errOut); code != 2 || out.Len() != 0 ||
		!strings.Contains(errOut.String(), "aws-profile-bridge --help") {
		t.Errorf("run(profiles) = %d, stdout %q, stderr %q; want 2 and a pointer to aws-profile-bridge", code, out.String(), errOut.String())
	}
	out.Reset()
	errOut.Reset()
	if code := run([]string{"--help"}, nil, &out, &errOut); code != 0 || errOut.Len() != 0 || !strings.Contains(out.String(), "aws-profile-bridge --help") {
		t.Errorf("run(--help) = %d, stdout %q, stderr %q; want 0 and the pointer on stdout", code, out.String(), errOut.String())
	}
	out.Reset()
	errOut.Reset()
	if code := run([]string{"version"}, nil, &out, &errOut); code != 0 || !strings.HasPrefix(out.String(), "aws-profile-bridge-host "+version+" ") {
		t.Errorf("run(version) = %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
}
