package testaws

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/console/fakeaws"
)

// TestOnlyTestsImportIt fails when a package of the module depends on testaws (or on fakeaws,
// which testaws brings along) outside its tests: neither may reach the binary.
func TestOnlyTestsImportIt(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	const mod = "github.com/aws-profile-bridge/aws-profile-bridge"
	out, err := exec.Command(goCmd, "list", "-e", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, mod+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	fixtures := map[string]bool{mod + "/internal/testaws": true, mod + "/internal/console/fakeaws": true}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || fixtures[f[0]] {
			continue
		}
		seen++
		for _, dep := range f[1:] {
			if fixtures[dep] {
				t.Errorf("%s depends on %s outside its tests", f[0], dep)
			}
		}
	}
	if seen < 5 {
		t.Fatalf("go list found only %d packages:\n%s", seen, out)
	}
}

func TestHome(t *testing.T) {
	home := t.TempDir()
	Home(t, home, fakeaws.Start(t))
	dir := filepath.Join(home, ".aws")
	cfg, err := os.ReadFile(filepath.Join(dir, "config"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(cfg), "web_identity_token_file = "+filepath.Join(dir, "webid-token")+"\n") ||
		strings.Contains(string(cfg), "[profile process]") != HasProcess {
		t.Errorf("config:\n%s", cfg)
	}
	// The SSO token of the corp session, named as `aws sso login` names it (printf corp | sha1sum).
	data, err := os.ReadFile(filepath.Join(dir, "sso", "cache", "ee0bfd2552fbd840c02cc48b6e823320543c450f.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tok map[string]string
	if err := json.Unmarshal(data, &tok); err != nil {
		t.Fatal(err)
	}
	exp, err := time.Parse(time.RFC3339, tok["expiresAt"])
	if err != nil || tok["accessToken"] != SSOAccessToken || tok["startUrl"] != "https://corp.awsapps.com/start" || !exp.After(time.Now()) {
		t.Errorf("SSO token %s (%v)", data, err)
	}
	// cli-login's token, named as `aws login` names it (printf %s LoginARN | sha256sum).
	data, err = os.ReadFile(filepath.Join(dir, "login", "cache", "5778c30d3fe8c123cb2ab0d5a82c81b6fdcedfb868a6625f6f5bf6f05a7f129b.json"))
	if err != nil {
		t.Fatal(err)
	}
	var login struct {
		AccessToken struct {
			AccessKeyID, SecretAccessKey, SessionToken, AccountID string
			ExpiresAt                                             time.Time
		}
		RefreshToken, ClientID, DPoPKey string
	}
	if err := json.Unmarshal(data, &login); err != nil {
		t.Fatal(err)
	}
	if a := login.AccessToken; a.AccessKeyID != LoginKeyID || a.SecretAccessKey != LoginSecretKey || a.SessionToken != LoginSessionToken ||
		a.AccountID != "111122223333" || !a.ExpiresAt.After(time.Now()) || login.RefreshToken != LoginRefreshToken || login.ClientID == "" ||
		!strings.HasPrefix(login.DPoPKey, "-----BEGIN EC PRIVATE KEY-----\n") {
		t.Errorf("login token %s", data)
	}
}
