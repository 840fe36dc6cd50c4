//go:build linux

package e2e

import (
	"net/http"
	"os"
	"testing"
)

// TestMain lets the test binary stand in for the desktop's browser opener
// (AWS_PROFILE_BRIDGE_BROWSER, see hostEnv): with APB_E2E_FETCH=1 it fetches the URL it is given
// as its last argument, which approves the fake IAM Identity Center's verification page as a
// person clicking "Allow" would, and exits.
func TestMain(m *testing.M) {
	if os.Getenv("APB_E2E_FETCH") == "1" {
		resp, err := http.Get(os.Args[len(os.Args)-1])
		if err != nil {
			os.Exit(3)
		}
		resp.Body.Close()
		os.Exit(0)
	}
	os.Exit(m.Run())
}
