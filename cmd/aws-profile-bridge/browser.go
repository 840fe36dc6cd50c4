package main

import (
	"os/exec"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/settings"
)

// pageOpener opens an SSO verification page: with the command of AWS_PROFILE_BRIDGE_BROWSER
// (the URL as its last argument) when it is set, else in the desktop's default browser.
func pageOpener(st settings.Settings) func(string) error {
	if len(st.Browser) == 0 {
		return openBrowser
	}
	return func(u string) error {
		c := exec.Command(st.Browser[0], append(append([]string(nil), st.Browser[1:]...), u)...)
		if err := c.Start(); err != nil {
			return err
		}
		go c.Wait() //nolint:errcheck // reaped; its exit status does not matter
		return nil
	}
}
