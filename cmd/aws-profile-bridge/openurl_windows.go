package main

import "os/exec"

// openURL hands the URL to the default browser through the URL protocol handler (no cmd.exe,
// whose parsing of & would cut the sign-in URL).
func openURL(u string) error {
	return exec.Command("rundll32", "url.dll,FileProtocolHandler", u).Start()
}
