package main

import "os/exec"

// openURL hands the URL to the default browser (no shell involved).
func openURL(u string) error { return exec.Command("open", u).Start() }
