package host

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/bridge"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/nativemsg"
)

// TestMain lets this test binary stand in for aws-profile-bridge: with APB_FAKE_FULL set, it
// reads one frame and answers as that variable says.
func TestMain(m *testing.M) {
	if mode := os.Getenv("APB_FAKE_FULL"); mode != "" {
		os.Exit(fakeFull(mode))
	}
	os.Exit(m.Run())
}

func fakeFull(mode string) int {
	req, err := nativemsg.ReadFrame(os.Stdin)
	if err != nil {
		return 3
	}
	var r map[string]any
	_ = json.Unmarshal(req, &r)
	switch mode {
	case "echo": // a consoleUrl that shows what arrived: the request and the command line
		exp := "2026-01-01T00:00:00Z"
		u := bridge.ConsoleURL{Action: "consoleUrl", ProfileName: r["profileName"].(string), URL: "https://signin.aws.amazon.com/federation?x",
			Region: r["region"].(string), Destination: r["destination"].(string), SessionDuration: int(r["sessionDuration"].(float64)),
			Kind: r["mfaCode"].(string) + "," + strings.Join(os.Args[1:], ","), ExpiresAt: &exp, Warnings: []string{"w"}}
		if r["logoutFirst"] == true && r["action"] == "openProfile" {
			u.Partition = "logout"
		}
		b, _ := json.Marshal(u)
		_ = nativemsg.WriteFrame(os.Stdout, b)
	case "error":
		_ = nativemsg.WriteFrame(os.Stdout, apierr.Reply(apierr.New(apierr.CodeMFARequired, "needs a code"), false))
	case "garbage":
		os.Stdout.WriteString("not a frame")
	case "silent":
	case "hang":
		time.Sleep(time.Minute)
	}
	return 0
}

func handOffWith(t *testing.T, mode string) bridge.Signer {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("APB_FAKE_FULL", mode)
	return HandOff(exe, []string{"/m/aws_profile_bridge.json", "ext@id"}, zerolog.Nop())
}

// The request reaches aws-profile-bridge whole, with the browser's command line, and its reply
// comes back field for field.
func TestHandOffPassesTheRequestAndTheReply(t *testing.T) {
	req := bridge.OpenRequest{ProfileName: "prod", Region: "eu-west-1", Destination: "s3", SessionDuration: 7200, MFACode: "123456", LogoutFirst: true}
	u, err := handOffWith(t, "echo")(context.Background(), nil, req)
	if err != nil {
		t.Fatal(err)
	}
	if u.Action != "consoleUrl" || u.ProfileName != "prod" || u.Region != "eu-west-1" || u.Destination != "s3" || u.SessionDuration != 7200 ||
		u.Kind != "123456,/m/aws_profile_bridge.json,ext@id" || u.Partition != "logout" || u.ExpiresAt == nil || *u.ExpiresAt != "2026-01-01T00:00:00Z" ||
		len(u.Warnings) != 1 || !strings.HasPrefix(u.URL, "https://signin.aws.amazon.com/") {
		t.Errorf("reply %+v", u)
	}
}

func TestHandOffErrors(t *testing.T) {
	_, err := handOffWith(t, "error")(context.Background(), nil, bridge.OpenRequest{ProfileName: "p"})
	if apierr.CodeOf(err) != apierr.CodeMFARequired || apierr.MessageOf(err) != "needs a code" {
		t.Errorf("error reply: %v", err)
	}
	for _, mode := range []string{"garbage", "silent"} {
		_, err := handOffWith(t, mode)(context.Background(), nil, bridge.OpenRequest{ProfileName: "p"})
		if apierr.CodeOf(err) != apierr.CodeInternal || !strings.Contains(apierr.MessageOf(err), "did not answer") {
			t.Errorf("%s: %v", mode, err)
		}
	}
	old := handOffTimeout
	handOffTimeout = 300 * time.Millisecond
	_, err = handOffWith(t, "hang")(context.Background(), nil, bridge.OpenRequest{ProfileName: "p"})
	handOffTimeout = old
	if apierr.CodeOf(err) != apierr.CodeInternal || !strings.Contains(apierr.MessageOf(err), "within 300ms") {
		t.Errorf("hanging child: %v", err)
	}
	missing := filepath.Join(t.TempDir(), "aws-profile-bridge")
	_, err = HandOff(missing, nil, zerolog.Nop())(context.Background(), nil, bridge.OpenRequest{ProfileName: "p"})
	if apierr.CodeOf(err) != apierr.CodeInternal || !strings.Contains(apierr.MessageOf(err), "not at "+missing) || !strings.Contains(apierr.MessageOf(err), "reinstall") {
		t.Errorf("missing binary: %v", err)
	}
}
