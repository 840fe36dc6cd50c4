//go:build !windows && !darwin

package main

import "os/exec"

// openURL hands the URL to the desktop's default browser (no shell involved).
func openURL(u string) error { return exec.Command("xdg-open", u).Start() }
